import { templateParts } from "../lib/terraform-json/template-sequences";

/** Stands for a Terraform expression inside an image reference: its value is unknown at synth. */
const COMPUTED = "\u0000";

function shapeOf(image: string): string {
  return templateParts(image)
    .map((part) => (part.kind === "literal" ? part.text : COMPUTED))
    .join("");
}

/**
 * Why an image reference is not pinned to a version: `latest`, or no tag and no digest (which
 * also means `latest`). Undefined when it has a tag or digest, or when Terraform computes the part
 * that would say (the production digest rule catches those).
 */
export function unversionedImageProblem(image: string): string | undefined {
  const shape = shapeOf(image);
  if (shape.includes("@")) {
    return undefined;
  }
  const lastSegment = shape.slice(shape.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon >= 0) {
    return lastSegment.slice(colon + 1) === "latest" ? "uses the mutable tag 'latest'" : undefined;
  }
  return shape.includes(COMPUTED) ? undefined : "has no tag or digest (so it runs whatever 'latest' is)";
}

/**
 * Whether an image reference names its image by digest: `repo@sha256:<64 hex>` literally, `repo@`
 * followed by a Terraform expression (`${data.docker_registry_image.x.sha256_digest}`), or an
 * expression built from a registry digest attribute.
 */
export function isDigestPinned(image: string): boolean {
  const shape = shapeOf(image);
  const at = shape.lastIndexOf("@");
  if (at >= 0) {
    const digest = shape.slice(at + 1);
    if (/^sha256:[0-9a-f]{64}$/.test(digest) || digest.startsWith(COMPUTED)) {
      return true;
    }
  }
  return templateParts(image).some(
    (part) => part.kind === "interpolation" && /\b(?:sha256_digest|repo_digest)\b/.test(part.expression),
  );
}
