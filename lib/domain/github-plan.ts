/**
 * What a GitHub organisation's plan and licences allow, as facts the configuration, the
 * repository settings and the generated pipeline all read, so a feature is enabled only where
 * GitHub will accept it. A licence-only setting sent to a repository without the licence fails
 * after the repository was created (422), which leaves Terraform with a tainted resource.
 *
 * Sources (checked against GitHub's documentation):
 * - https://docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-environments
 *   ("For access to environments, environment secrets, and deployment branches in private or
 *   internal repositories, you must use GitHub Pro, GitHub Team, or GitHub Enterprise. If you are
 *   on a GitHub Free, GitHub Pro, or GitHub Team plan, other deployment protection rules, such as
 *   a wait timer or required reviewers, are only available for public repositories.")
 * - https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets
 *   ("Rulesets are available in public repositories with GitHub Free and GitHub Free for
 *   organizations, and in public and private repositories with GitHub Pro, GitHub Team, and GitHub
 *   Enterprise Cloud.")
 * - https://github.com/security/plans and
 *   https://docs.github.com/en/code-security/how-tos/secure-at-scale/configure-organization-security/configure-specific-tools/protect-your-secrets
 *   (secret scanning with push protection and code scanning are free for public repositories;
 *   private and internal ones need GitHub Secret Protection and GitHub Code Security, sold to
 *   organizations on GitHub Team or GitHub Enterprise)
 * - https://docs.github.com/en/repositories/creating-and-managing-repositories/about-repositories#about-internal-repositories
 *   (internal repositories exist only in organizations of an enterprise account)
 */

/** GitHub's plans, cheapest first. */
export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;
export type GithubPlan = (typeof GITHUB_PLANS)[number];

/** What an organisation is assumed to have when the configuration does not say. */
export const DEFAULT_GITHUB_PLAN: GithubPlan = "free";

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

/** The plans on which an organisation can buy GitHub Secret Protection and GitHub Code Security. */
export const ADVANCED_SECURITY_PLANS: readonly GithubPlan[] = ["team", "enterprise"];

/** The features a repository of this visibility gets under these licences. */
export function githubFeatures(visibility: RepositoryVisibility, licences: GithubLicences): GithubFeatures {
  const isPublic = visibility === "public";
  const paid = PAID_PLANS.includes(licences.plan);
  const canBuySecurity = ADVANCED_SECURITY_PLANS.includes(licences.plan);
  return {
    rulesets: isPublic || paid,
    environments: isPublic || paid,
    environmentProtection: isPublic || licences.plan === "enterprise",
    secretScanning: isPublic || (canBuySecurity && licences.secretProtection),
    codeScanning: isPublic || (canBuySecurity && licences.codeSecurity),
  };
}

/** The cheapest plan on which a repository of this visibility has every feature listed. */
export function cheapestPlanFor(
  visibility: RepositoryVisibility,
  needs: readonly ("rulesets" | "environments" | "environmentProtection")[],
): GithubPlan {
  const none = { secretProtection: false, codeSecurity: false };
  return (
    GITHUB_PLANS.find((plan) => {
      const features = githubFeatures(visibility, { plan, ...none });
      return needs.every((need) => features[need]);
    }) ?? "enterprise"
  );
}
