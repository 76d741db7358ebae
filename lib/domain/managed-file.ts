/** A file this project keeps in a service repository (workflows, CODEOWNERS, Dockerfile, ...). */
export interface ManagedFile {
  /** Path inside the repository, without a leading slash: `.github/workflows/ci.yml`. */
  readonly path: string;
  /** The exact file content, as it should be committed. Written verbatim: no Terraform templating. */
  readonly content: string;
}
