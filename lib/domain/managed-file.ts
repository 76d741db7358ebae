import { createHash } from "node:crypto";

/** A file this project keeps in a service repository (workflows, CODEOWNERS, Dockerfile, ...). */
export interface ManagedFile {
  /** Path inside the repository, without a leading slash: `.github/workflows/ci.yml`. */
  readonly path: string;
  /** The exact file content, as it should be committed. Written verbatim: no Terraform templating. */
  readonly content: string;
}

/**
 * The git blob id of a file's content: SHA-1 over `blob <byte length>\0<bytes>`
 * (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects, "Object Storage"). The contents API
 * returns it as `sha` (https://docs.github.com/en/rest/repos/contents#get-repository-content), so
 * equal ids mean a branch already holds exactly this content.
 */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1")
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`, "utf8"), bytes]))
    .digest("hex");
}
