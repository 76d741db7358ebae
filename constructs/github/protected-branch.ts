import { RepositoryRuleset } from "@cdktf/provider-github/lib/repository-ruleset";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** The GitHub Actions app: required checks count only when Actions reported them. */
const GITHUB_ACTIONS_INTEGRATION_ID = 15368;

export interface ProtectedBranchProps {
  /** The repository the rules apply to. */
  readonly repository: string;
  /** The ruleset's name, unique within the repository. */
  readonly name: string;
  /** Branch name patterns (GitHub fnmatch, without `refs/heads/`): `main`, `release/*`. */
  readonly branches: readonly string[];
  /** Approving reviews a pull request needs before it merges: 1 to 6. @default 2 */
  readonly requiredApprovals?: number;
  /** Checks (CI job names) that must pass on a branch that is up to date with its target. At least one. */
  readonly requiredStatusChecks: readonly string[];
  /**
   * GitHub Apps (App IDs) that may bypass these rules, for instance the app Terraform runs as when
   * it commits managed files directly. Any bypass actor makes OpenSSF Scorecard treat the branch as
   * not enforced for administrators.
   * @default none: nobody, administrators included, bypasses the rules
   */
  readonly bypassIntegrationIds?: readonly number[];
  /** Resources to create before the rules take effect (the branches they protect). @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A branch ruleset: changes arrive only through reviewed pull requests (approvals, stale approvals
 * dismissed on push, the most recent push approved by someone else, code owners' review, resolved
 * conversations), after the required checks passed on an up-to-date branch; history stays linear and
 * cannot be rewritten or deleted. Rulesets apply to administrators as to everyone else; only the
 * listed bypass actors are exempt.
 */
export class ProtectedBranch extends Construct {
  readonly ruleset: RepositoryRuleset;

  constructor(scope: Construct, id: string, props: ProtectedBranchProps) {
    super(scope, id);
    const requiredApprovals = props.requiredApprovals ?? 2;
    if (!Number.isInteger(requiredApprovals) || requiredApprovals < 1 || requiredApprovals > 6) {
      throw new Error(
        `ProtectedBranch ${props.name}: requiredApprovals must be a whole number from 1 to 6 (got ${requiredApprovals})`,
      );
    }
    if (props.branches.length === 0) {
      throw new Error(`ProtectedBranch ${props.name}: branches must list at least one branch name pattern`);
    }
    if (props.requiredStatusChecks.length === 0) {
      throw new Error(
        `ProtectedBranch ${props.name}: requiredStatusChecks must list at least one check (got none); unchecked changes could merge`,
      );
    }
    const bypassIntegrationIds = props.bypassIntegrationIds ?? [];
    for (const appId of bypassIntegrationIds.filter((value) => !Number.isInteger(value) || value <= 0)) {
      throw new Error(`ProtectedBranch ${props.name}: bypassIntegrationIds must be GitHub App IDs (got ${appId})`);
    }

    this.ruleset = new RepositoryRuleset(this, "ruleset", {
      repository: props.repository,
      name: props.name,
      target: "branch",
      enforcement: "active",
      dependsOn: props.dependsOn === undefined ? undefined : [...props.dependsOn],
      conditions: {
        refName: { include: props.branches.map((branch) => `refs/heads/${branch}`), exclude: [] },
      },
      bypassActors: bypassIntegrationIds.map((actorId) => ({
        actorId,
        actorType: "Integration",
        // "always": the app commits without a pull request; "pull_request" would not allow that.
        bypassMode: "always",
      })),
      rules: {
        deletion: true,
        nonFastForward: true,
        requiredLinearHistory: true,
        pullRequest: {
          requiredApprovingReviewCount: requiredApprovals,
          dismissStaleReviewsOnPush: true,
          requireLastPushApproval: true,
          requireCodeOwnerReview: true,
          requiredReviewThreadResolution: true,
        },
        requiredStatusChecks: {
          strictRequiredStatusChecksPolicy: true,
          // Creating a branch (release/1.2 from develop) changes no reviewed content; without this,
          // a branch could not be created from a commit whose checks ran under another ref.
          doNotEnforceOnCreate: true,
          requiredCheck: props.requiredStatusChecks.map((context) => ({
            context,
            // Only GitHub Actions may satisfy the check: another app with statuses:write cannot
            // report a job name as passed.
            integrationId: GITHUB_ACTIONS_INTEGRATION_ID,
          })),
        },
      },
    });
  }
}
