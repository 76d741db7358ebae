import { DataGithubBranch } from "@cdktf/provider-github/lib/data-github-branch";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { RepositoryPullRequest } from "@cdktf/provider-github/lib/repository-pull-request";
import { Branch } from "@cdktf/provider-github/lib/branch";
import { DataGithubRepositoryFile } from "@cdktf/provider-github/lib/data-github-repository-file";
import { conditional, Fn, Op, TerraformIterator, TerraformLocal, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { terraformLiteral } from "../terraform";
import { gitBlobSha, type ManagedFile } from "../../lib/domain/managed-file";

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
  /**
   * The repository the files are committed to, by its plain name, not a reference to the repository
   * resource: terraform reads a data source that references a managed resource with pending changes
   * only at apply time, and the proposal's for_each sets, derived from the target's lookups, must be
   * known at plan time. Order the commits after the repository with `dependsOn`.
   */
  readonly repository: string;
  /** The files; paths must be unique. */
  readonly files: readonly ManagedFile[];
  /** The branches the files must reach, each on its own path. @default [{ branch: "main", delivery: "pull-request" }] */
  readonly targets?: readonly ManagedFilesTarget[];
  /** Pull requests come from `<prefix>/<target branch>/<key>`, branches no ruleset protects. @default "automation/managed-files" */
  readonly headBranchPrefix?: string;
  /** Resources that must exist before a head branch is created or a file committed (the repository, its branches); the lookups wait for nothing. @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const BRANCH_NAME = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/**
 * Keeps files in a service repository with `github_repository_file`, through a reviewed pull request
 * per target branch (or a direct commit where the committing identity bypasses the rules). Content
 * is escaped so Terraform keeps it verbatim (`${{ }}` in workflows, `%{}` in shell).
 *
 * The pull-request delivery compares, on every plan, what the target branch holds with what the
 * configuration wants, and proposes exactly the difference (integrations/github 6.10.0, the lowest
 * admitted):
 * - Each file's blob id on the target is read with the `github_repository_file` data source; a
 *   missing file (or repository) reads as null, not an error (github/data_source_github_repository_file.go:100-108;
 *   the plugin SDK then reports every attribute as null). A file whose blob id differs from the
 *   desired content's is stale.
 * - Nothing stale: no head branch, no file commit, no pull request (GitHub rejects a pull request
 *   without commits, 422).
 * - Something stale: one head branch `<prefix>/<target>/<key>`, where the key hashes each stale
 *   file's desired blob id and the blob id it has on the target. A new desired content or a new edit
 *   on the target gives a new key, hence a fresh branch and pull request; merges that do not touch a
 *   managed file keep the key, so an open proposal is left alone. The branch is a `github_branch`
 *   resource created from the target's head read at plan time (`source_sha`, kept while the key
 *   holds), or from the target's tip at apply time when the target did not exist yet
 *   (github/resource_github_branch.go:89-98). Only the stale files are committed to it, one after
 *   another (parallel commits to one branch race: 409, 422 "Reference already exists").
 * - After a squash merge GitHub deletes the head branch (`delete_branch_on_merge`): refreshing the
 *   branch and the files finds them gone and drops them from state (github/resource_github_branch.go:138-142,
 *   github/resource_github_repository_file.go:288-297), so no delete call touches GitHub; the target
 *   now matches, and the next apply only forgets the merged pull request (its Delete closes only an
 *   open one, github/resource_github_repository_pull_request.go:306-309).
 * - A superseded proposal (new key while it is open) is closed, its files deleted from its branch
 *   and the branch deleted; the new one is opened from the target's current head.
 * - The pull request's `head_ref` is the branch resource's `ref`, unknown while the branch is being
 *   created: a recreated branch (one deleted by hand after its pull request was closed) replaces
 *   the pull request too (`head_ref` forces a new one, github/resource_github_repository_pull_request.go:52-57).
 */
export class ManagedFiles extends Construct {
  /** The pull request of each target branch delivered through one, by branch. */
  readonly pullRequests: Readonly<Record<string, RepositoryPullRequest>>;

  constructor(scope: Construct, id: string, props: ManagedFilesProps) {
    super(scope, id);
    if (Token.isUnresolved(props.repository)) {
      throw new Error(
        "ManagedFiles: repository must be the repository's plain name, not a reference (the target's lookups would wait for it until apply)",
      );
    }
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
  headPrefix: string,
  context: DeliveryContext,
): RepositoryPullRequest {
  // The lookups reference no managed resource and have no depends_on: either would defer them to
  // apply time while that resource has changes (a new repository, a changed setting), and the
  // for_each sets below must be known at plan time.
  const targetHead = new DataGithubBranch(scope, "target-head", { repository: context.repository, branch: target });
  const onTarget = context.files.map((file) => {
    const lookup = new DataGithubRepositoryFile(scope, `${file.path}-on-target`, {
      repository: context.repository,
      file: file.path,
      branch: target,
    });
    const desired = gitBlobSha(file.content);
    const found = Token.asString(Fn.coalesce([lookup.sha, "absent"]));
    return { file, desired, stale: Op.neq(lookup.sha, desired), found };
  });
  const onlyStale = (value: (entry: (typeof onTarget)[number]) => string) =>
    Token.asList(Fn.concat(onTarget.map((entry) => Token.asList(conditional(entry.stale, [value(entry)], [])))));
  // Each is a local, so that expressions using them hold a reference: cdktf 0.21 resolves every
  // element of a nested function argument list again at each level (lib/tfExpression.js,
  // resolveExpressionPart), so nesting these lists inside join/sha256/substr multiplies the work.
  const stalePaths = new TerraformLocal(
    scope,
    "stale-paths",
    onlyStale((entry) => entry.file.path),
  );
  const staleEntries = new TerraformLocal(
    scope,
    "stale-entries",
    onlyStale((entry) => Fn.join(" ", [entry.file.path, entry.desired, entry.found])),
  );
  const key = Fn.substr(Fn.sha256(Fn.join("\n", staleEntries.asList)), 0, PROPOSAL_KEY_LENGTH);
  // Empty, or the one head branch of the current proposal.
  const proposal = new TerraformLocal(
    scope,
    "proposal",
    Token.asList(conditional(Op.gte(Fn.lengthOf(stalePaths.asList), 1), [`${headPrefix}/${key}`], [])),
  );

  const proposed = TerraformIterator.fromList(proposal.asList);
  const headBranch = new Branch(scope, "head-branch", {
    forEach: proposed,
    repository: context.repository,
    branch: Token.asString(proposed.key),
    sourceBranch: target,
    sourceSha: targetHead.sha,
    dependsOn: [...context.dependsOn],
    // The head the proposal started from; the target moving on is no reason to start again.
    lifecycle: { ignoreChanges: ["source_sha"] },
  });
  const committed: RepositoryFile[] = [];
  let previous: ITerraformDependable[] = [headBranch];
  for (const entry of onTarget) {
    // This file's instance exists only while the file is stale on the target.
    const whileStale = TerraformIterator.fromList(Token.asList(conditional(entry.stale, proposal.asList, [])));
    const committedFile = new RepositoryFile(scope, `${entry.file.path}-proposed`, {
      forEach: whileStale,
      ...fileSettings(context.repository, entry.file),
      branch: Token.asString(whileStale.key),
      dependsOn: previous,
    });
    committed.push(committedFile);
    previous = [committedFile];
  }
  const head = TerraformIterator.fromResources(headBranch);
  return new RepositoryPullRequest(scope, "proposal-pull-request", {
    forEach: head,
    baseRepository: context.repository,
    baseRef: target,
    headRef: Fn.trimprefix(head.getString("ref"), "refs/heads/"),
    title: `Update files managed by Terraform (${target})`,
    body: Fn.join("\n", [
      `Terraform proposes these files from the delivery configuration; on \`${target}\` they are missing or differ:`,
      "",
      Fn.join("\n", Token.asList(Fn.formatlist("- `%s`", [stalePaths.asList]))),
      "",
      "Review them like any change: merging this pull request is what applies them. To change them,",
      "edit the configuration; the next apply proposes the new content in a new pull request.",
    ]),
    dependsOn: committed,
  });
}

/** Hex digits of the proposal key in a head branch's name. */
const PROPOSAL_KEY_LENGTH = 12;

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
