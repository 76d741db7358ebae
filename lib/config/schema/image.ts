import { ENVIRONMENT_NAMES } from "../../domain/environments";
import { z } from "zod";
import { OCI_DIGEST, OCI_DIGEST_RULE, OCI_TAG, OCI_TAG_RULE, tagOfBranch } from "../../domain/oci-reference";

export const ociTag = z.string().regex(OCI_TAG, `must be an OCI image tag, ${OCI_TAG_RULE}`);
export const ociDigest = z.string().regex(OCI_DIGEST, `must be an image digest, ${OCI_DIGEST_RULE}`);

/**
 * Which image of a service an environment runs when the deploy pipeline does not say
 * (`services[].environments.<env>.image`). The pipeline overrides it per run with the image
 * variable (a tag or a digest); this is the fallback.
 */
export const imageSelection = z
  .strictObject({
    /** The tag to deploy. @default the environment's branch in tag form (`develop`, `main`) */
    tag: ociTag.optional(),
    /** A digest to deploy instead of the tag: pins the environment to exactly this image. */
    digest: ociDigest.optional(),
    /**
     * Resolve the tag to its digest in the registry at plan time, so that workloads run
     * `image@sha256:...`. Turning it off needs `digest`: workloads run only digest-pinned images.
     */
    resolveDigest: z.boolean().default(true),
  })
  .prefault({});

export type ImageSelectionInput = z.output<typeof imageSelection>;

/** The selection with its tag filled in from the environment's branch. */
export function withDefaultImageTag(selection: ImageSelectionInput, branch: string) {
  return { ...selection, tag: selection.tag ?? tagOfBranch(branch) };
}

interface ImageSelectionsToCheck {
  readonly services: readonly {
    readonly environments: Readonly<Record<"staging" | "production", { readonly image: ImageSelectionInput }>>;
  }[];
  readonly environments: Readonly<Record<"staging" | "production", { readonly branch: string }>>;
}

/**
 * Workloads run only digest-pinned images, in every environment: the tag is resolved to a digest,
 * or a digest is configured. A branch that gives no usable default tag needs an explicit one.
 */
export function reportImageSelectionProblems(config: ImageSelectionsToCheck, ctx: z.RefinementCtx): void {
  config.services.forEach((service, index) => {
    for (const environment of ENVIRONMENT_NAMES) {
      const image = service.environments[environment].image;
      const path = ["services", index, "environments", environment, "image"];
      if (!image.resolveDigest && image.digest === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "resolveDigest"],
          message: `${environment} deploys only digest-pinned images: keep resolveDigest true (the tag is resolved to its digest) or set image.digest`,
        });
      }
      const branch = config.environments[environment].branch;
      if (image.tag === undefined && image.digest === undefined && tagOfBranch(branch) === "") {
        ctx.addIssue({
          code: "custom",
          path: [...path, "tag"],
          message: `is required: the branch '${branch}' gives no valid default tag (${OCI_TAG_RULE})`,
        });
      }
    }
  });
}
