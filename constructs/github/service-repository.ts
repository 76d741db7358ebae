import { Branch } from "@cdktf/provider-github/lib/branch";
import { BranchDefault } from "@cdktf/provider-github/lib/branch-default";
import { Repository } from "@cdktf/provider-github/lib/repository";
import { RepositoryDependabotSecurityUpdates } from "@cdktf/provider-github/lib/repository-dependabot-security-updates";
import { Construct } from "constructs";
import { ResourceImport } from "../terraform";

export type RepositoryVisibility = "private" | "internal" | "public";

export interface ServiceRepositoryProps {
  /** The repository's name under the provider's owner. */
  readonly name: string;
  /** One line shown on the repository's page. */
  readonly description: string;
  /** @default "private" */
  readonly visibility?: RepositoryVisibility;
  /**
   * Secret scanning with push protection. Public repositories have it for free; private and
   * internal ones need GitHub Advanced Security (Secret Protection), or the apply fails. `false`
   * leaves the setting as GitHub has it.
   * @default true
   */
  readonly secretScanning?: boolean;
  /**
   * The repository exists already: the next plan imports it (an `import` block) instead of
   * creating it, then applies the same settings.
   * @default false
   */
  readonly adopt?: boolean;
  /** The default branch, which deploys to production. It must exist in an adopted repository. @default "main" */
  readonly defaultBranch?: string;
  /** The long-lived branch that deploys to staging, created from the default branch. @default "develop" */
  readonly developmentBranch?: string;
}

/**
 * The GitHub repository a service's code, pipeline and container files live in, with the settings
 * every service repository shares: squash merges only, head branches deleted after merge,
 * auto-merge allowed, vulnerability alerts and Dependabot security updates on, secret scanning with
 * push protection, `main` as default branch and `develop` beside it. A `terraform destroy` archives
 * the repository, and `prevent_destroy` stops a plan that would remove it.
 */
export class ServiceRepository extends Construct {
  readonly repository: Repository;
  /** The repository's name as a reference: resources that use it are created after the repository. */
  readonly name: string;
  readonly defaultBranch: BranchDefault;
  readonly developmentBranch: Branch;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    const defaultBranch = props.defaultBranch ?? "main";
    const developmentBranch = props.developmentBranch ?? "develop";
    if (developmentBranch === defaultBranch) {
      throw new Error(
        `ServiceRepository ${props.name}: developmentBranch must differ from defaultBranch (both '${defaultBranch}')`,
      );
    }
    const adopt = props.adopt ?? false;

    this.repository = new Repository(this, "repository", {
      name: props.name,
      description: props.description,
      visibility: props.visibility ?? "private",
      // A new repository needs a first commit so that the default branch exists for the branches
      // and files created from it. An imported repository has history; the importer sets false.
      autoInit: !adopt,
      // One commit per reviewed pull request keeps history linear (the rulesets require it) and
      // makes every commit on a protected branch a reviewed change.
      allowSquashMerge: true,
      allowMergeCommit: false,
      allowRebaseMerge: false,
      squashMergeCommitTitle: "PR_TITLE",
      squashMergeCommitMessage: "PR_BODY",
      allowAutoMerge: true,
      // Branch rules require branches to be up to date; this offers the button that updates them.
      allowUpdateBranch: true,
      deleteBranchOnMerge: true,
      vulnerabilityAlerts: true,
      // Wiki pages change without review; documentation lives in the repository instead.
      hasWiki: false,
      securityAndAnalysis:
        (props.secretScanning ?? true)
          ? {
              secretScanning: { status: "enabled" },
              secretScanningPushProtection: { status: "enabled" },
            }
          : undefined,
      // A `terraform destroy` archives the repository instead of deleting code and history.
      archiveOnDestroy: true,
      lifecycle: { preventDestroy: true },
    });
    if (adopt) {
      new ResourceImport(this, "import", { resource: this.repository, importId: props.name });
    }
    this.name = this.repository.name;

    this.defaultBranch = new BranchDefault(this, "default-branch", {
      repository: this.name,
      branch: defaultBranch,
      // A new repository's first branch is named by the owner's settings (`master` in some
      // organisations): rename it. An adopted repository's branches are left as they are.
      rename: !adopt,
    });
    this.developmentBranch = new Branch(this, "development-branch", {
      repository: this.name,
      branch: developmentBranch,
      sourceBranch: defaultBranch,
      dependsOn: [this.defaultBranch],
    });
    // Security updates need vulnerability alerts, which the repository resource turns on first.
    new RepositoryDependabotSecurityUpdates(this, "dependabot-security-updates", {
      repository: this.name,
      enabled: true,
    });
  }
}
