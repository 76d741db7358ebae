/**
 * What a GitHub organisation's plan and licences allow, as facts the configuration, the
 * repository settings and the generated pipeline all read, so a feature is enabled only where
 * GitHub will accept it. A licence-only setting sent to a repository without the licence fails
 * after the repository was created (422), which leaves Terraform with a tainted resource.
 *
 * Sources:
 * - https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment
 *   (environments in private/internal repositories need Pro, Team or Enterprise; required
 *   reviewers and wait timers there need Enterprise)
 * - https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets
 *   (rulesets in private repositories need Pro, Team or Enterprise)
 * - https://docs.github.com/en/get-started/learning-about-github/about-github-advanced-security
 *   (secret scanning with push protection and code scanning are free for public repositories;
 *   private and internal ones need GitHub Secret Protection and GitHub Code Security)
 */

/** GitHub's plans, cheapest first. */
export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;
export type GithubPlan = (typeof GITHUB_PLANS)[number];

/** Who can see a repository. `internal` exists only in Enterprise organisations. */
export const REPOSITORY_VISIBILITIES = ["private", "internal", "public"] as const;
export type RepositoryVisibility = (typeof REPOSITORY_VISIBILITIES)[number];

/** What the organisation has bought, as the configuration declares it. */
export interface GithubLicences {
  readonly plan: GithubPlan;
  /** GitHub Secret Protection (part of GitHub Advanced Security). */
  readonly secretProtection: boolean;
  /** GitHub Code Security (part of GitHub Advanced Security): code scanning with CodeQL. */
  readonly codeSecurity: boolean;
}

/** The features that depend on visibility and licences, each true only where GitHub accepts it. */
export interface GithubFeatures {
  /** Rulesets (branch and tag rules). */
  readonly rulesets: boolean;
  /** Deployment environments, their secrets, variables and branch policies. */
  readonly environments: boolean;
  /** Required reviewers and wait timers on an environment. */
  readonly environmentProtection: boolean;
  /** Secret scanning and push protection. */
  readonly secretScanning: boolean;
  /** Code scanning (CodeQL) results uploaded to the repository. */
  readonly codeScanning: boolean;
}

const PAID_PLANS: readonly GithubPlan[] = ["pro", "team", "enterprise"];

/** The features a repository of this visibility gets under these licences. */
export function githubFeatures(visibility: RepositoryVisibility, licences: GithubLicences): GithubFeatures {
  const isPublic = visibility === "public";
  const paid = PAID_PLANS.includes(licences.plan);
  return {
    rulesets: isPublic || paid,
    environments: isPublic || paid,
    environmentProtection: isPublic || licences.plan === "enterprise",
    secretScanning: isPublic || licences.secretProtection,
    codeScanning: isPublic || licences.codeSecurity,
  };
}
