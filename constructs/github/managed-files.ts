import { createHash } from "node:crypto";
import { DataGithubBranch } from "@cdktf/provider-github/lib/data-github-branch";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { RepositoryPullRequest } from "@cdktf/provider-github/lib/repository-pull-request";
import { DataResource, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { terraformLiteral } from "../terraform";
import type { ManagedFile } from "../../lib/domain/managed-file";

/**
 * How managed files reach a branch.
 * - `pull-request`: committed to a dedicated head branch, then proposed in a pull request, so the
 *   change is reviewed like any other and the branch rules need no bypass.
 * - `direct-commit`: committed to the branch itself; only for an identity that bypasses the
 *   branch's rules (a protected branch rejects other direct commits with 409).
 */
export type ManagedFilesDelivery = "pull-request" | "direct-commit";

export interface ManagedFilesTarget {
  /** A branch the files must reach: `main`. */
  readonly branch: string;
  /** @default "pull-request" */
  readonly delivery?: ManagedFilesDelivery;
}

export interface ManagedFilesProps {
  /** The repository the files are committed to. */
  readonly repository: string;
  /** The files; paths must be unique. */
  readonly files: readonly ManagedFile[];
  /** The branches the files must reach, each on its own path. @default [{ branch: "main", delivery: "pull-request" }] */
  readonly targets?: readonly ManagedFilesTarget[];
  /** Pull requests come from `<prefix>/<target branch>`, a branch no ruleset protects. @default "automation/managed-files" */
  readonly headBranchPrefix?: string;
  /** Resources that must exist before anything is read or committed (the repository, its branches). @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const BRANCH_NAME = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/**
 * Keeps files in a service repository with `github_repository_file`, through a reviewed pull request
 * per target branch (or a direct commit where the committing identity bypasses the rules). Content
 * is escaped so Terraform keeps it verbatim (`${{ }}` in workflows, `%{}` in shell).
 *
 * Lifecycle of the pull-request delivery, with integrations/github 6.10.0 (the lowest admitted):
 * - Each file is committed to the head branch, which `autocreate_branch` creates from the target's
 *   tip when it does not exist. Commits run one after another: parallel commits to one branch race
 *   (409 conflicts, 422 "Reference already exists").
 * - The pull request is opened after the last commit. Merging it (squash) deletes the head branch
 *   (`delete_branch_on_merge`); the provider then reads each file from the target branch, so the
 *   next plan is empty when the merged content matches, and shows the drift when someone changed a
 *   managed file on the target branch. Applying that drift alone would recreate the head branch
 *   from the file's stored source commit and commit with the blob id read from the target, which
 *   that commit lacks (409), and would open no pull request: replacing the file's source commit
 *   and the pull request (README, "Managed files", Drift) proposes it again from the current tip.
 * - When content changes, the affected files are committed to a fresh head branch and a new pull
 *   request replaces the merged one (an open one is closed and reopened with the new commits). The
 *   provider stores the commit it created the head branch from and would reuse that stale commit on
 *   later updates, so each file gets its source commit explicitly: the target's tip, latched by a
 *   `terraform_data` that changes only when that file's content changes.
 * - Removing a file needs a state step first (README, "Managed files"): the provider would delete it
 *   through a head branch that no longer exists.
 */
export class ManagedFiles extends Construct {
  /** The pull request of each target branch delivered through one, by branch. */
  readonly pullRequests: Readonly<Record<string, RepositoryPullRequest>>;

  constructor(scope: Construct, id: string, props: ManagedFilesProps) {
    super(scope, id);
    const seen = new Set<string>();
    for (const file of props.files) {
      if (file.path === "" || file.path.startsWith("/")) {
        throw new Error(
          `ManagedFiles: file paths are relative to the repository root, without a leading slash (got '${file.path}')`,
        );
      }
      if (seen.has(file.path)) {
        throw new Error(`ManagedFiles: '${file.path}' is listed twice for repository ${props.repository}`);
      }
      seen.add(file.path);
    }
    const targets = props.targets ?? [{ branch: "main" }];
    const headBranchPrefix = props.headBranchPrefix ?? "automation/managed-files";
    if (!BRANCH_NAME.test(headBranchPrefix)) {
      throw new Error(`ManagedFiles: headBranchPrefix must be a git branch name (got '${headBranchPrefix}')`);
    }
    const branches = new Set<string>();
    for (const target of targets) {
      if (!BRANCH_NAME.test(target.branch)) {
        throw new Error(`ManagedFiles: targets[].branch must be a git branch name (got '${target.branch}')`);
      }
      if (branches.has(target.branch)) {
        throw new Error(`ManagedFiles: targets lists branch '${target.branch}' twice`);
      }
      if (target.branch === headBranchPrefix || target.branch.startsWith(`${headBranchPrefix}/`)) {
        throw new Error(
          `ManagedFiles: target branch '${target.branch}' lies under headBranchPrefix '${headBranchPrefix}'`,
        );
      }
      branches.add(target.branch);
    }

    const pullRequests: Record<string, RepositoryPullRequest> = {};
    this.pullRequests = pullRequests;
    if (props.files.length === 0) {
      return; // a pull request without commits is rejected (422)
    }
    for (const target of targets) {
      const targetScope = new Construct(this, target.branch);
      const context = { repository: props.repository, files: props.files, dependsOn: props.dependsOn ?? [] };
      if ((target.delivery ?? "pull-request") === "direct-commit") {
        commitDirectly(targetScope, target.branch, context);
      } else {
        pullRequests[target.branch] = proposeInPullRequest(
          targetScope,
          target.branch,
          `${headBranchPrefix}/${target.branch}`,
          context,
        );
      }
    }
  }
}

interface DeliveryContext {
  readonly repository: string;
  readonly files: readonly ManagedFile[];
  readonly dependsOn: readonly ITerraformDependable[];
}

function commitDirectly(scope: Construct, branch: string, context: DeliveryContext): void {
  let previous: ITerraformDependable[] = [...context.dependsOn];
  for (const file of context.files) {
    previous = [
      new RepositoryFile(scope, file.path, {
        ...fileSettings(context.repository, file),
        branch,
        dependsOn: previous,
      }),
    ];
  }
}

function proposeInPullRequest(
  scope: Construct,
  target: string,
  head: string,
  context: DeliveryContext,
): RepositoryPullRequest {
  const targetTip = new DataGithubBranch(scope, "target-tip", {
    repository: context.repository,
    branch: target,
    dependsOn: [...context.dependsOn],
  });
  const committed: RepositoryFile[] = [];
  let previous: ITerraformDependable[] = [...context.dependsOn];
  for (const file of context.files) {
    const sourceCommit = new DataResource(scope, `${file.path}-source-commit`, {
      input: { sha: targetTip.sha },
      triggersReplace: { content: sha256(file.content) },
      // Keep the tip seen when this content was first proposed; a new tip alone is no change.
      lifecycle: { ignoreChanges: ["input"] },
    });
    const committedFile = new RepositoryFile(scope, file.path, {
      ...fileSettings(context.repository, file),
      branch: head,
      autocreateBranch: true,
      autocreateBranchSourceBranch: target,
      autocreateBranchSourceSha: sourceCommit.getStringAttribute("output.sha"),
      dependsOn: previous,
    });
    committed.push(committedFile);
    previous = [committedFile];
  }
  // Changes whenever a file is added, removed or changed: the trigger for a new pull request.
  const manifest = new DataResource(scope, "manifest", {
    triggersReplace: {
      files: sha256(context.files.map((file) => `${file.path}\0${sha256(file.content)}`).join("\n")),
    },
  });
  return new RepositoryPullRequest(scope, "pull-request", {
    baseRepository: context.repository,
    baseRef: target,
    headRef: head,
    title: `Update files managed by Terraform (${target})`,
    body: [
      "Terraform proposes these files from the delivery configuration:",
      "",
      ...context.files.map((file) => `- \`${file.path}\``),
      "",
      "Review them like any change: merging this pull request is what applies them. To change them,",
      "edit the configuration; the next apply proposes the new content in a new pull request.",
    ].join("\n"),
    dependsOn: committed,
    // An address, not a reference: cdktf writes a dependable as "${...}", which Terraform rejects
    // in replace_triggered_by (hashicorp/terraform-cdk#3196).
    lifecycle: { replaceTriggeredBy: [`${manifest.terraformResourceType}.${manifest.friendlyUniqueId}`] },
  });
}

function fileSettings(repository: string, file: ManagedFile) {
  return {
    repository,
    file: file.path,
    content: terraformLiteral(file.content),
    commitMessage: `chore: update ${file.path} (managed by Terraform)`,
    overwriteOnCreate: true,
    // The provider reads back the message of the last commit that touched the file: after a
    // squash merge that is the pull request's title, and every plan would otherwise show a change.
    lifecycle: { ignoreChanges: ["commit_message"] },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
