import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy";
import type { ITerraformDependable, Precondition } from "cdktf";
import { Construct } from "constructs";
import type { RequiredReviewers } from "./required-reviewers";

/** GitHub's limit for an environment's wait timer: 30 days. */
export const MAX_WAIT_TIMER_MINUTES = 43200;

export interface DeploymentEnvironmentProps {
  /** The repository the environment belongs to. */
  readonly repository: string;
  /** The environment's name, as workflows reference it (`environment: production`). */
  readonly environment: string;
  /** Minutes to wait after approval before a deployment job starts: 0 to 43200. @default 0 */
  readonly waitTimerMinutes?: number;
  /** Who must approve each deployment job. @default none: deployments start without approval */
  readonly reviewers?: RequiredReviewers;
  /**
   * Whether the person who started a deployment may approve it (only meaningful with reviewers).
   * @default false: another reviewer must approve
   */
  readonly allowSelfReview?: boolean;
  /** Branch name patterns (GitHub fnmatch) that may deploy here. At least one branch or tag pattern. */
  readonly deploymentBranches: readonly string[];
  /** Tag name patterns that may deploy here. @default none */
  readonly deploymentTags?: readonly string[];
  /**
   * The reviewers' repository access is managed outside this project; recorded in the resource's
   * JSON comment (`"//": { "reviewer_access" }`) so the guardrails expect no grant.
   * @default false: the same stack grants it (ReviewerAccess)
   */
  readonly reviewerAccessManagedElsewhere?: boolean;
  /** Checked at plan time before the environment is planned, such as GithubStackPrerequisites'. @default none */
  readonly preconditions?: readonly Precondition[];
  /** What must exist first, such as the reviewers' repository grants. @default nothing */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A GitHub deployment environment of one repository: the gate a deployment job passes. Only the
 * listed branches and tags may deploy; with reviewers, every deployment waits for an approval by
 * someone other than the person who started it; administrators cannot skip the gate.
 */
export class DeploymentEnvironment extends Construct {
  readonly environment: RepositoryEnvironment;
  /** The environment's name as a reference: secrets and variables using it wait for the environment. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: DeploymentEnvironmentProps) {
    super(scope, id);
    const waitTimerMinutes = props.waitTimerMinutes ?? 0;
    if (!Number.isInteger(waitTimerMinutes) || waitTimerMinutes < 0 || waitTimerMinutes > MAX_WAIT_TIMER_MINUTES) {
      throw new Error(
        `DeploymentEnvironment ${props.environment}: waitTimerMinutes must be a whole number from 0 to ${MAX_WAIT_TIMER_MINUTES} (got ${waitTimerMinutes})`,
      );
    }
    const tags = props.deploymentTags ?? [];
    if (props.deploymentBranches.length + tags.length === 0) {
      throw new Error(
        `DeploymentEnvironment ${props.environment}: deploymentBranches or deploymentTags must list at least one pattern; an environment open to every branch deploys unreviewed code`,
      );
    }
    const reviewers = props.reviewers !== undefined && props.reviewers.count > 0 ? props.reviewers : undefined;

    this.environment = new RepositoryEnvironment(this, "environment", {
      repository: props.repository,
      environment: props.environment,
      waitTimer: waitTimerMinutes,
      // The provider's `can_admins_bypass` defaults to true, which lets administrators skip the gate.
      canAdminsBypass: false,
      // GitHub rejects prevent_self_review without reviewers ("Required reviewers must have at least
      // one reviewer to set prevent_self_review").
      preventSelfReview: reviewers !== undefined && !(props.allowSelfReview ?? false),
      reviewers: reviewers === undefined ? undefined : [{ users: reviewers.userIds, teams: reviewers.teamIds }],
      // Custom policies: exactly the patterns below; "protected branches" would admit any branch
      // a ruleset happens to cover.
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
      dependsOn: props.dependsOn === undefined ? undefined : [...props.dependsOn],
      lifecycle:
        props.preconditions === undefined || props.preconditions.length === 0
          ? undefined
          : { precondition: [...props.preconditions] },
    });
    if (reviewers !== undefined && (props.reviewerAccessManagedElsewhere ?? false)) {
      this.environment.addOverride("//.reviewer_access", "managed-elsewhere");
    }
    this.name = this.environment.environment;

    for (const pattern of props.deploymentBranches) {
      new RepositoryEnvironmentDeploymentPolicy(this, `branch-${pattern}`, {
        repository: props.repository,
        environment: this.name,
        branchPattern: pattern,
      });
    }
    for (const pattern of tags) {
      new RepositoryEnvironmentDeploymentPolicy(this, `tag-${pattern}`, {
        repository: props.repository,
        environment: this.name,
        tagPattern: pattern,
      });
    }
  }
}
