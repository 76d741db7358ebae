import { z } from "zod";
import { OCI_DIGEST, OCI_DIGEST_RULE } from "../../domain/oci-reference";

export const ociDigest = z.string().regex(OCI_DIGEST, `must be an image digest, ${OCI_DIGEST_RULE}`);

/**
 * What an environment runs while the deploy pipeline has set no digest
 * (`services[].environments.<env>.image`). The pipeline passes digests only (the image
 * variables); a tag is never resolved by a plan, because a lookup of a moving tag resolves again
 * on every plan and anything that falls back to it follows the tag.
 */
export const imageSelection = z
  .strictObject({
    /**
     * A digest the environment runs while its image variable is empty: an explicit, one-time
     * bootstrap pin. Without it an empty variable means the workload has no pods yet.
     */
    digest: ociDigest.optional(),
  })
  .prefault({});

export type ImageSelection = z.output<typeof imageSelection>;
