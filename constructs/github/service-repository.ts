import { Branch } from "@cdktf/provider-github/lib/branch";
import { BranchDefault } from "@cdktf/provider-github/lib/branch-default";
import { Repository } from "@cdktf/provider-github/lib/repository";
import { RepositoryDependabotSecurityUpdates } from "@cdktf/provider-github/lib/repository-dependabot-security-updates";
import { Construct } from "constructs";
import { ResourceImport } from "../terraform";
import { githubFeatures, type GithubLicences, type RepositoryVisibility } from "../../lib/domain";

/** The repository's optional features, each set explicitly (the provider sends `false` for unset ones). */
export interface RepositoryFeatures {
  /** @default true */
  readonly issues?: boolean;
  /** @default false */
  readonly projects?: boolean;
  /** @default false */
  readonly discussions?: boolean;
}

/** No licence beyond GitHub Free: only what every plan has. */
const NO_LICENCES: GithubLicences = { plan: "free", secretProtection: false, codeSecurity: false };

export interface ServiceRepositoryProps {
  /** The repository's name under the provider's owner. */
  readonly name: string;
  /** One line shown on the repository's page. */
  readonly description: string;
  /** @default "private" */
  readonly visibility?: RepositoryVisibility;
  /**
   * What the organisation has bought. Secret scanning with push protection is turned on where
   * GitHub has it for the repository (public, or GitHub Secret Protection), code security where
   * GitHub Code Security covers a private or internal repository; elsewhere the settings are left
   * as GitHub has them, because a licence-only setting fails with 422 after the repository was
   * created and leaves it tainted. The declaration is recorded in the resource's JSON comment
   * (`"//": { "declared_licences" }`) for the guardrails.
   * @default GitHub Free, no Advanced Security product
   */
  readonly licences?: GithubLicences;
  /** @default issues on, projects and discussions off */
  readonly features?: RepositoryFeatures;
  /** The homepage link. @default none (an adopted repository's homepage is cleared) */
  readonly homepageUrl?: string;
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
    const visibility = props.visibility ?? "private";
    const licences = props.licences ?? NO_LICENCES;
    const available = githubFeatures(visibility, licences);
    const codeSecurity = visibility !== "public" && available.codeScanning;

    this.repository = new Repository(this, "repository", {
      name: props.name,
      description: props.description,
      visibility,
      homepageUrl: props.homepageUrl ?? "",
      // Unset features are sent as false by the provider (has_issues, has_projects and
      // has_discussions are Optional without a default: github/resource_github_repository.go:201-215
      // at v6.10.0), which switches off an adopted repository's issues.
      hasIssues: props.features?.issues ?? true,
      hasProjects: props.features?.projects ?? false,
      hasDiscussions: props.features?.discussions ?? false,
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
      // Split licensing (Secret Protection, Code Security) takes the per-product settings; the
      // combined advanced_security setting "being present when split licensing is enabled will
      // error out" (github/resource_github_repository.go:113 at v6.10.0), so it is never sent.
      securityAndAnalysis: available.secretScanning
        ? {
            secretScanning: { status: "enabled" },
            secretScanningPushProtection: { status: "enabled" },
            ...(codeSecurity ? { codeSecurity: { status: "enabled" } } : {}),
          }
        : codeSecurity
          ? { codeSecurity: { status: "enabled" } }
          : undefined,
      // A `terraform destroy` archives the repository instead of deleting code and history.
      archiveOnDestroy: true,
      lifecycle: { preventDestroy: true },
    });
    this.repository.addOverride("//.declared_licences", {
      plan: licences.plan,
      secret_protection: licences.secretProtection,
      code_security: licences.codeSecurity,
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
