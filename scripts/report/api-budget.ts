import { formatTable } from "./table";
import {
  blocks,
  isObject,
  qualifiedType,
  terraformBlocks,
  type JsonObject,
} from "../../lib/terraform-json/terraform-json";

/** The GitHub REST requests one refresh of a resource (or one read of a data source) makes. */
export interface ReadCost {
  readonly requests: number;
  /** The go-github calls, in order, with the provider file and line they are made on. */
  readonly calls: string;
}

/** The provider release the read costs were taken from. */
export const GITHUB_PROVIDER_SOURCE = "integrations/terraform-provider-github v6.9.0, github/*.go";

/**
 * GitHub REST requests per resource type on a refresh (`terraform plan`, `plan -refresh-only`):
 * what each resource's Read function calls in integrations/terraform-provider-github v6.9.0.
 * Worst case: a resource with a stored ETag sends it as `If-None-Match` (transport.go:37), and
 * github_repository returns early on 304 Not Modified (resource_github_repository.go:800), which
 * GitHub does not count against the rate limit; the number here assumes the resource changed.
 * The counts are the same at v6.10.0 (the lowest release the provider constraint allows): only line
 * numbers moved, and resource_github_repository_automated_security_fixes.go became
 * resource_github_repository_dependabot_security_updates.go.
 */
export const GITHUB_READ_COSTS: Readonly<Record<string, ReadCost>> = {
  github_repository: {
    requests: 2,
    calls:
      "Repositories.Get (resource_github_repository.go:796), GetVulnerabilityAlerts (:894) unless " +
      "ignore_vulnerability_alerts_during_read; GetPagesInfo (:854) only for repositories with Pages",
  },
  github_repository_file: {
    requests: 3,
    calls:
      "Repositories.GetBranch when branch is set (resource_github_repository_file.go:290, repository_utils.go:17), " +
      "GetContents (:303), GetCommit of the stored commit_sha (:353)",
  },
  github_repository_ruleset: {
    requests: 1,
    calls: "Repositories.GetRuleset (resource_github_repository_ruleset.go:646)",
  },
  github_branch: { requests: 1, calls: "Git.GetRef (resource_github_branch.go:131)" },
  github_branch_default: { requests: 1, calls: "Repositories.Get (resource_github_branch_default.go:99)" },
  github_repository_dependabot_security_updates: {
    requests: 1,
    calls: "Repositories.GetAutomatedSecurityFixes (resource_github_repository_automated_security_fixes.go:63)",
  },
  github_repository_pull_request: {
    requests: 1,
    calls: "PullRequests.Get (resource_github_repository_pull_request.go:186)",
  },
  github_actions_secret: { requests: 1, calls: "Actions.GetRepoSecret (resource_github_actions_secret.go:133)" },
  github_actions_variable: { requests: 1, calls: "Actions.GetRepoVariable (resource_github_actions_variable.go:105)" },
  github_actions_environment_secret: {
    requests: 2,
    calls:
      "Repositories.Get for the repository id (resource_github_actions_environment_secret.go:132), GetEnvSecret (:146)",
  },
  github_actions_environment_variable: {
    requests: 1,
    calls: "Actions.GetEnvVariable (resource_github_actions_environment_variable.go:108)",
  },
  github_repository_environment: {
    requests: 1,
    calls: "Repositories.GetEnvironment (resource_github_repository_environment.go:134); reviewers come with it",
  },
  github_repository_environment_deployment_policy: {
    requests: 1,
    calls: "Repositories.GetDeploymentBranchPolicy (resource_github_repository_environment_deployment_policy.go:105)",
  },
  github_team_repository: {
    requests: 1,
    calls: "Teams.IsTeamRepoByID (resource_github_team_repository.go:127)",
  },
  github_repository_collaborator: {
    requests: 2,
    calls:
      "Repositories.ListInvitations (resource_github_repository_collaborator.go:107, :213), then ListCollaborators (:148), " +
      "one page each for a repository with up to 100 invitations and collaborators",
  },
  "data.github_repository": {
    requests: 1,
    calls:
      "Repositories.Get (data_source_github_repository.go:362); GetPagesInfo (:412) with Pages, License (:427) with a licence",
  },
  "data.github_branch": { requests: 1, calls: "Git.GetRef (data_source_github_branch.go:51)" },
  "data.github_repository_file": {
    requests: 3,
    calls:
      "Repositories.GetContents (data_source_github_repository_file.go:100 at v6.10.0; only this one for a missing " +
      "file), then ListCommits of the path, every page, and GetCommit until one touches it (:149, repository_utils.go:38, :66); " +
      "one page for a file with up to 30 commits",
  },
  "data.github_user": {
    requests: 3,
    calls: "Users.Get (data_source_github_user.go:111), ListGPGKeys (:116), ListKeys (:120)",
  },
  "data.github_team": {
    requests: 1,
    calls: "Teams.GetTeamBySlug (data_source_github_team.go:105); with summary_only, no member or repository pages",
  },
};

/** One configured GitHub provider: the owner lookup when the provider is configured (config.go:134, :128 without owner). */
export const PROVIDER_CONFIGURE_REQUESTS = 1;

export interface TypeBudget {
  readonly type: string;
  readonly count: number;
  /** Undefined for a GitHub type the table does not know yet: the estimate is then a lower bound. */
  readonly perBlock?: number;
  readonly requests: number;
}

export interface StackBudget {
  readonly id: string;
  readonly types: readonly TypeBudget[];
  /** GitHub provider configurations, each looking up its owner once per plan. */
  readonly providers: number;
  readonly requests: number;
  /** GitHub types without a known cost (counted as 0). */
  readonly unknownTypes: readonly string[];
}

/** Whether a block's type talks to the GitHub API (`github_*`, `data.github_*`). */
function isGitHubType(type: string): boolean {
  return /^(data\.)?github_/.test(type);
}

/** The GitHub API requests one full refresh of a stack makes, from the resource types in its synthesized JSON. */
export function stackApiBudget(id: string, stack: JsonObject): StackBudget {
  const counts = new Map<string, number>();
  for (const block of terraformBlocks(stack)) {
    const type = qualifiedType(block);
    if (isGitHubType(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const types = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]): TypeBudget => {
      const perBlock = GITHUB_READ_COSTS[type]?.requests;
      return { type, count, ...(perBlock === undefined ? {} : { perBlock }), requests: count * (perBlock ?? 0) };
    });
  const providerSection = isObject(stack.provider) ? stack.provider : {};
  const providers = blocks(providerSection.github).length;
  return {
    id,
    types,
    providers,
    requests: types.reduce((sum, type) => sum + type.requests, 0) + providers * PROVIDER_CONFIGURE_REQUESTS,
    unknownTypes: types.filter((type) => type.perBlock === undefined).map((type) => type.type),
  };
}

/** What a fleet's budget means against GitHub's primary rate limit of 5,000 requests an hour per token. */
export const GITHUB_REQUESTS_PER_HOUR = 5000;

/** The Markdown report: per stack and type, then the fleet total and the table of costs it used. */
export function apiBudgetMarkdown(budgets: readonly StackBudget[]): string {
  const total = budgets.reduce((sum, budget) => sum + budget.requests, 0);
  const largest = budgets.reduce<StackBudget | undefined>(
    (found, budget) => (found === undefined || budget.requests > found.requests ? budget : found),
    undefined,
  );
  const unknown = [...new Set(budgets.flatMap((budget) => budget.unknownTypes))];
  return [
    "## GitHub API requests of a full refresh",
    "",
    formatTable(
      ["stack", "GitHub resources and data sources", "requests"],
      budgets.map((budget) => [
        budget.id,
        String(budget.types.reduce((sum, type) => sum + type.count, 0)),
        String(budget.requests),
      ]),
    ),
    "",
    `Fleet: ${total} requests (${((total / GITHUB_REQUESTS_PER_HOUR) * 100).toFixed(1)} % of one token's ` +
      `${GITHUB_REQUESTS_PER_HOUR} an hour); largest stack: ${largest === undefined ? "none" : `${largest.id}, ${largest.requests}`}.`,
    ...(unknown.length > 0 ? ["", `Not estimated (no read cost known, counted as 0): ${unknown.join(", ")}.`] : []),
    "",
    `### Requests per refresh, by type (${GITHUB_PROVIDER_SOURCE})`,
    "",
    formatTable(
      ["type", "requests", "calls"],
      [
        ...Object.entries(GITHUB_READ_COSTS).map(([type, cost]) => [type, String(cost.requests), cost.calls]),
        [
          'provider "github"',
          String(PROVIDER_CONFIGURE_REQUESTS),
          "Organizations.Get of the owner (config.go:134) once per plan",
        ],
      ],
    ),
  ].join("\n");
}
