import type { RepositoryVisibility } from "./github-plan";

/**
 * How the pipeline signs the images it publishes, and how deploy jobs verify them.
 * - `keyless`: cosign with a short-lived certificate from the public Sigstore instance (Fulcio),
 *   bound to the workflow file and ref that ran; the signature is recorded in the public Rekor
 *   transparency log, which then names the repository, workflow, ref and commit, readable by
 *   anyone (https://docs.sigstore.dev/logging/overview/).
 * - `key`: cosign with a key pair (`SIGNING_KEY_SECRETS`, repository secrets) and no transparency
 *   log upload: nothing is published, but the signature
 *   proves only that a holder of the key signed, not which workflow and ref built the image.
 */
export const SIGNING_MODES = ["keyless", "key"] as const;
export type SigningMode = (typeof SIGNING_MODES)[number];

/** Public repositories sign keyless (nothing private to leak); private and internal ones with a key. */
export function defaultSigningMode(visibility: RepositoryVisibility): SigningMode {
  return visibility === "public" ? "keyless" : "key";
}

/**
 * The Actions secrets of `key` mode: the key pair from `cosign generate-key-pair` and its
 * password. The public key is not secret, but managed the same way, so Terraform declares every
 * value a workflow reads.
 */
export const SIGNING_KEY_SECRETS = ["COSIGN_PRIVATE_KEY", "COSIGN_PASSWORD", "COSIGN_PUBLIC_KEY"] as const;
