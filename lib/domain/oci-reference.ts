/**
 * The parts of an OCI image reference (`registry/path/name:tag@sha256:digest`), as the OCI
 * distribution specification and Docker's reference grammar define them. Kept free of cdktf so
 * that the configuration schema validates with exactly the rules the constructs enforce.
 */

/** A repository without tag or digest, lowercase, with an optional registry host and port. */
export const OCI_REPOSITORY =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** A tag: up to 128 characters of letters, digits, `_`, `.` and `-`, not starting with `.` or `-`. */
export const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** A content digest. Only sha256 is accepted: it is what registries and Kubernetes use. */
export const OCI_DIGEST = /^sha256:[a-f0-9]{64}$/;

export const OCI_TAG_RULE = "a tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -";
export const OCI_DIGEST_RULE = "a digest: sha256: followed by 64 lowercase hex digits";

/**
 * `release/1.4` -> `release-1.4`: a branch name in tag form, as docker/metadata-action writes
 * branch tags. Empty when nothing of the branch name is usable.
 */
export function tagOfBranch(branch: string): string {
  return branch
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 128);
}

/**
 * The image repository of a service: the configured one, or `<owner>/<repository>` lowercased (OCI
 * repositories are lowercase); one without a registry host is on GHCR, since Docker's implicit
 * docker.io is never assumed.
 */
export function serviceImageRepository(configured: string | undefined, owner: string, repository: string): string {
  const image = configured ?? `${owner}/${repository}`.toLowerCase();
  const [first, ...rest] = image.split("/");
  const hasRegistryHost = rest.length > 0 && first !== undefined && /[.:]/.test(first);
  return hasRegistryHost ? image : `ghcr.io/${image}`;
}
