import { defaultBranchProtections } from "../branch-protection";
import { checkEach, SOURCES, type PolicyRule, type Violation } from "../rule";
import type { SynthesizedStack, TerraformBlock } from "../synthesized-stack";
import { blocks, booleanAt, nested, stringAt, stringsAt, type Json } from "../../lib/terraform-json/terraform-json";
import { ADVANCED_SECURITY_PLANS, constraintAdmits, type GithubPlan } from "../../lib/domain";
import { hasExpression, singleInterpolation, variablesIn } from "../../lib/terraform-json/template-sequences";

/**
 * The GitHub environments that gate production: every environment of a production stack, and any
 * environment named `production` (or `prod`) wherever it is declared.
 */
function productionEnvironments(stack: SynthesizedStack): TerraformBlock[] {
  return stack
    .resources("github_repository_environment")
    .filter(
      (environment) => stack.production || /^prod(uction)?$/i.test(stringAt(environment.body, "environment") ?? ""),
    );
}

function environmentLabel(environment: TerraformBlock): string {
  return `environment '${stringAt(environment.body, "environment") ?? "?"}' of repository '${stringAt(environment.body, "repository") ?? "?"}'`;
}

/** A list attribute that is non-empty, or computed by Terraform (and so assumed to be filled). */
function listIsGiven(value: Json | undefined): boolean {
  return (Array.isArray(value) && value.length > 0) || (typeof value === "string" && hasExpression(value));
}

function eachProductionEnvironment(
  check: (environment: TerraformBlock) => string | undefined,
): (stack: SynthesizedStack) => Violation[] {
  return checkEach(
    productionEnvironments,
    (environment) => ({ address: environment.address, label: environmentLabel(environment) }),
    check,
  );
}

function eachDefaultBranch(
  check: (protection: ReturnType<typeof defaultBranchProtections>[number]) => string | undefined,
): (stack: SynthesizedStack) => Violation[] {
  return checkEach(
    defaultBranchProtections,
    (protection) => ({
      address: protection.repository.address,
      label: `default branch '${protection.branch}'`,
      detail:
        protection.protectedBy.length === 0
          ? "no active ruleset or branch protection covers it"
          : `protected by ${protection.protectedBy.join(", ")}`,
    }),
    check,
  );
}

/** Secret resources of the GitHub provider and the attributes that carry the value. */
const SECRET_RESOURCES = [
  "github_actions_secret",
  "github_actions_environment_secret",
  "github_actions_organization_secret",
  "github_dependabot_secret",
  "github_dependabot_organization_secret",
  "github_codespaces_secret",
  "github_codespaces_organization_secret",
  "github_codespaces_user_secret",
];
const SECRET_VALUE_ATTRIBUTES = ["plaintext_value", "encrypted_value"];

/**
 * Why a secret value is not safe in the output: literal text, or a variable that Terraform would
 * print in plans because it is not sensitive. Undefined when it is a sensitive reference.
 */
export function secretValueProblem(stack: SynthesizedStack, value: string, wholeValue: boolean): string | undefined {
  if (!hasExpression(value)) {
    return "is a literal value written into the output";
  }
  if (wholeValue && singleInterpolation(value) === undefined) {
    return "mixes literal text into the value";
  }
  const insensitive = variablesIn(value).filter((name) => !stack.isSensitiveVariable(name));
  return insensitive.length === 0
    ? undefined
    : `comes from variable(s) ${insensitive.map((name) => `'${name}'`).join(", ")} not declared sensitive`;
}

/** Settings of `security_and_analysis` that GitHub Secret Protection covers on private repositories. */
const SECRET_PROTECTION_SETTINGS = [
  "secret_scanning",
  "secret_scanning_push_protection",
  "secret_scanning_ai_detection",
  "secret_scanning_non_provider_patterns",
];
/** Settings that GitHub Code Security covers (`advanced_security` is the combined, pre-split licence). */
const CODE_SECURITY_SETTINGS = ["code_security", "advanced_security"];

/** What a repository's JSON comment says the organisation has bought (written by ServiceRepository). */
function declaredLicences(repository: TerraformBlock): { secretProtection: boolean; codeSecurity: boolean } {
  const declared = nested(repository.body, "//", "declared_licences");
  const plan = stringAt(declared, "plan") as GithubPlan | undefined;
  const sellable = plan !== undefined && ADVANCED_SECURITY_PLANS.includes(plan);
  return {
    secretProtection: sellable && booleanAt(declared, "secret_protection") === true,
    codeSecurity: sellable && booleanAt(declared, "code_security") === true,
  };
}

/** A `${data.<type>.<name>.id}` reference's data-source address, if the value is one. */
function referencedDataSource(value: string, type: string): string | undefined {
  const expression = singleInterpolation(value);
  const match = expression?.match(new RegExp(`^(data\\.${type}\\.[A-Za-z0-9_-]+)\\.id$`));
  return match?.[1];
}

/** Why one environment's reviewers lack the repository access GitHub requires, one line each. */
function reviewersWithoutAccess(stack: SynthesizedStack, environment: TerraformBlock): string[] {
  if (stringAt(nested(environment.body, "//"), "reviewer_access") === "managed-elsewhere") {
    return [];
  }
  const repository = stack.resolve(stringAt(environment.body, "repository") ?? "");
  const grantsOf = (type: string) =>
    stack.resources(type).filter((grant) => stack.resolve(stringAt(grant.body, "repository") ?? "") === repository);
  const teamGrants = new Set(grantsOf("github_team_repository").map((grant) => stringAt(grant.body, "team_id")));
  const collaborators = new Set(
    grantsOf("github_repository_collaborator").map((grant) => (stringAt(grant.body, "username") ?? "").toLowerCase()),
  );
  return blocks(environment.body.reviewers).flatMap((reviewers) => [
    ...stringsAt(reviewers, "teams")
      .filter((team) => referencedDataSource(team, "github_team") !== undefined && !teamGrants.has(team))
      .map((team) => `team ${referencedDataSource(team, "github_team") ?? team}`),
    ...stringsAt(reviewers, "users").flatMap((user) => {
      const address = referencedDataSource(user, "github_user");
      const login = stringAt(address === undefined ? undefined : stack.block(address)?.body, "username");
      return login === undefined || collaborators.has(login.toLowerCase()) ? [] : [`user ${login}`];
    }),
  ]);
}

/** Repository features the provider sends as false (or clears) when they are left unset. */
const EXPLICIT_REPOSITORY_FEATURES = ["has_issues", "has_projects", "has_discussions", "homepage_url"];

export const GITHUB_RULES: readonly PolicyRule[] = [
  {
    id: "GH001",
    severity: "error",
    description: "The production environment requires reviewers before a deployment job runs",
    source: SOURCES.githubEnvironments("required reviewers"),
    fix: "add reviewers (users or teams, by numeric id from the github_user/github_team data sources) to the environment",
    check: eachProductionEnvironment((environment) => {
      const given = blocks(environment.body.reviewers).some(
        (reviewers) => listIsGiven(reviewers.users) || listIsGiven(reviewers.teams),
      );
      return given ? undefined : "has no required reviewers";
    }),
  },
  {
    id: "GH002",
    severity: "error",
    description: "Administrators cannot bypass the production environment's protection rules",
    source: SOURCES.githubEnvironments("allow administrators to bypass"),
    fix: "set can_admins_bypass = false (the provider's default is true)",
    check: eachProductionEnvironment((environment) =>
      booleanAt(environment.body, "can_admins_bypass") === false
        ? undefined
        : "lets administrators bypass its reviewers",
    ),
  },
  {
    id: "GH003",
    severity: "error",
    description: "Whoever starts a production deployment cannot approve it (self-review prevented)",
    source: SOURCES.githubEnvironments("prevent self-review"),
    fix: "set prevent_self_review = true",
    check: eachProductionEnvironment((environment) =>
      booleanAt(environment.body, "prevent_self_review") === true
        ? undefined
        : "lets the person who triggered a deployment approve it",
    ),
  },
  {
    id: "GH004",
    severity: "error",
    description: "Production deploys only from selected branches or tags",
    source: SOURCES.githubEnvironments("deployment branches and tags"),
    fix: "add deployment_branch_policy (custom_branch_policies = true with a github_repository_environment_deployment_policy for main, or protected_branches = true)",
    check: eachProductionEnvironment((environment) => {
      const policy = nested(environment.body, "deployment_branch_policy");
      const restricted =
        booleanAt(policy, "protected_branches") === true || booleanAt(policy, "custom_branch_policies") === true;
      return restricted ? undefined : "accepts deployments from any branch";
    }),
  },
  {
    id: "GH005",
    severity: "error",
    description: "Changes reach the default branch only through a pull request with at least one approval",
    source: SOURCES.scorecard("Code-Review"),
    fix: "add an active branch ruleset on the default branch with a pull_request rule (required_approving_review_count >= 1)",
    check: eachDefaultBranch((protection) =>
      protection.requiredApprovals >= 1 ? undefined : "does not require an approved pull request",
    ),
  },
  {
    id: "GH006",
    severity: "error",
    description: "The default branch requires status checks (the CI jobs) to pass before merging",
    source: SOURCES.scorecard("Branch-Protection"),
    fix: "add required_status_checks with the CI job names (requiredStatusChecks()) to the default branch's ruleset",
    check: eachDefaultBranch((protection) =>
      protection.requiredStatusChecks >= 1 ? undefined : "requires no status checks",
    ),
  },
  {
    id: "GH007",
    severity: "error",
    description: "The default branch cannot be force-pushed or deleted",
    source: SOURCES.scorecard("Branch-Protection"),
    fix: "set non_fast_forward = true and deletion = true in the default branch's ruleset rules",
    check: eachDefaultBranch((protection) => {
      const allowed = [
        ...(protection.forcePushBlocked ? [] : ["force pushes"]),
        ...(protection.deletionBlocked ? [] : ["deletion"]),
      ];
      return allowed.length === 0 ? undefined : `allows ${allowed.join(" and ")}`;
    }),
  },
  {
    id: "GH008",
    severity: "warning",
    description: "The default branch's rules apply to everyone: no bypass actors, administrators included",
    source: SOURCES.scorecard("Branch-Protection"),
    fix: "remove bypass_actors (deliver managed files through a pull request instead) or suppress with the reason for the bypass",
    check: eachDefaultBranch((protection) =>
      protection.exemptions.length === 0 ? undefined : `has exemptions: ${protection.exemptions.join("; ")}`,
    ),
  },
  {
    id: "GH009",
    severity: "error",
    description: "Every GitHub secret's value comes from a sensitive Terraform variable, never a literal",
    source: SOURCES.githubSecureUse("secrets"),
    fix: "set the value to a sensitive variable: SensitiveVariable.of(scope, name, { description }).stringValue",
    check: (stack) =>
      stack.resources(...SECRET_RESOURCES).flatMap((secret) =>
        SECRET_VALUE_ATTRIBUTES.flatMap((attribute) => {
          const value = stringAt(secret.body, attribute);
          const problem = value === undefined ? undefined : secretValueProblem(stack, value, true);
          const name = stringAt(secret.body, "secret_name") ?? "?";
          return problem === undefined
            ? []
            : [{ address: secret.address, message: `secret '${name}' ${attribute} ${problem}` }];
        }),
      ),
  },
  {
    id: "GH010",
    severity: "error",
    description:
      "Licence-only features (secret scanning, push protection, code security) are enabled on a private or internal repository only under a declared licence",
    source: SOURCES.githubPlans("GitHub Secret Protection and GitHub Code Security"),
    fix: "declare the licence (github.advancedSecurity on a team or enterprise plan) or leave the setting out; GitHub answers 422 after the repository exists and Terraform taints it",
    check: (stack) =>
      stack.resources("github_repository").flatMap((repository) => {
        if (stringAt(repository.body, "visibility") === "public") {
          return [];
        }
        const settings = nested(repository.body, "security_and_analysis");
        const enabled = (setting: string) => stringAt(nested(settings, setting), "status") === "enabled";
        const declared = declaredLicences(repository);
        const unlicensed = [
          ...(declared.secretProtection ? [] : SECRET_PROTECTION_SETTINGS.filter(enabled)),
          ...(declared.codeSecurity ? [] : CODE_SECURITY_SETTINGS.filter(enabled)),
        ];
        return unlicensed.length === 0
          ? []
          : [
              {
                address: repository.address,
                message: `enables ${unlicensed.join(", ")} on a ${stringAt(repository.body, "visibility") ?? "non-public"} repository without a declared licence for it`,
              },
            ];
      }),
  },
  {
    id: "GH011",
    severity: "error",
    description:
      "Every environment reviewer (team or user) has a read grant to the repository in the same stack, or the environment declares that access is managed elsewhere",
    source: {
      title: "GitHub REST API: create or update an environment (reviewers must have at least read access)",
      url: "https://docs.github.com/en/rest/deployments/environments#create-or-update-an-environment",
    },
    fix: 'grant each reviewer permission "pull" (ReviewerAccess: github_team_repository, github_repository_collaborator), or set github.reviewerAccess: managed-elsewhere',
    check: (stack) =>
      stack.resources("github_repository_environment").flatMap((environment) => {
        const missing = reviewersWithoutAccess(stack, environment);
        return missing.length === 0
          ? []
          : [
              {
                address: environment.address,
                message: `${environmentLabel(environment)} has reviewers without a repository grant: ${missing.join(", ")}`,
              },
            ];
      }),
  },
  {
    id: "GH012",
    severity: "error",
    description: "Every repository sets its features explicitly (issues, projects, discussions, homepage)",
    source: SOURCES.githubProvider(
      "github/resource_github_repository.go",
      "has_issues, has_projects, has_discussions are optional without a default",
    ),
    fix: "set has_issues, has_projects, has_discussions and homepage_url (ServiceRepository's features and homepageUrl)",
    check: (stack) =>
      stack.resources("github_repository").flatMap((repository) => {
        const unset = EXPLICIT_REPOSITORY_FEATURES.filter((attribute) => repository.body[attribute] === undefined);
        return unset.length === 0
          ? []
          : [
              {
                address: repository.address,
                message: `leaves ${unset.join(", ")} unset: the provider sends false or empty, which switches off an adopted repository's features`,
              },
            ];
      }),
  },
  {
    id: "GH013",
    severity: "error",
    description:
      "Rulesets use the update rule only with integrations/github >= 6.10.0 (6.9.x sends update_allows_fetch_and_merge from the update flag)",
    source: SOURCES.githubProvider("github/respository_rules_utils.go", "update rule parameters (lines 228-231)"),
    fix: 'raise the github provider constraint to ">= 6.10.0, < 7.0.0", or leave the update rule out',
    check: (stack) => {
      const constraint = stringAt(nested(stack.terraformSettings(), "required_providers", "github"), "version");
      const admitsDefect = constraint === undefined || constraintAdmits(constraint, "6.9.1") !== false;
      if (!admitsDefect) {
        return [];
      }
      return stack
        .resources("github_repository_ruleset")
        .filter((ruleset) => booleanAt(nested(ruleset.body, "rules"), "update") === true)
        .map((ruleset) => ({
          address: ruleset.address,
          message: `uses the update rule while the github provider constraint '${constraint ?? "none"}' admits 6.9.x`,
        }));
    },
  },
];
