import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { Construct } from "constructs";
import { terraformLiteral } from "../terraform";
import type { ManagedFile } from "./managed-file";

export interface ManagedFilesProps {
  /** The repository the files are committed to. */
  readonly repository: string;
  /** The files; paths must be unique. */
  readonly files: readonly ManagedFile[];
}

/**
 * Commits files to a service repository with `github_repository_file`. The content is escaped so
 * that Terraform keeps it verbatim (`${{ }}` in workflows, `%{}` in shell).
 */
export class ManagedFiles extends Construct {
  constructor(scope: Construct, id: string, props: ManagedFilesProps) {
    super(scope, id);
    const seen = new Set<string>();
    for (const file of props.files) {
      if (seen.has(file.path)) {
        throw new Error(`ManagedFiles: '${file.path}' is listed twice for repository ${props.repository}`);
      }
      seen.add(file.path);
      new RepositoryFile(this, file.path, {
        repository: props.repository,
        file: file.path,
        content: terraformLiteral(file.content),
        commitMessage: `chore: update ${file.path} (managed by Terraform)`,
        overwriteOnCreate: true,
      });
    }
  }
}
