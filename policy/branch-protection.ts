import type { SynthesizedStack, TerraformBlock } from "./synthesized-stack";
import {
  blocks,
  booleanAt,
  jsonText,
  nested,
  numberAt,
  stringAt,
  stringsAt,
  type JsonObject,
} from "../lib/terraform-json/terraform-json";

/** What protects one repository's default branch, merged over every rule set and protection. */
export interface DefaultBranchProtection {
  readonly repository: TerraformBlock;
  /** The default branch's name (`main` unless the configuration says otherwise). */
  readonly branch: string;
  /** Addresses of the rulesets and branch protections that apply to the default branch. */
  readonly protectedBy: readonly string[];
  readonly requiredApprovals: number;
  readonly requiredStatusChecks: number;
  readonly forcePushBlocked: boolean;
  readonly deletionBlocked: boolean;
  /** Who can get around the rules: bypass actors, or protections that exempt administrators. */
  readonly exemptions: readonly string[];
}

/**
 * The effective protection of the default branch of every repository the stack manages
 * (`github_repository`), from active branch rulesets (repository and organization), classic
 * branch protections and v3 branch protections that match the branch.
 */
export function defaultBranchProtections(stack: SynthesizedStack): DefaultBranchProtection[] {
  return stack.resources("github_repository").map((repository) => {
    const names = repositoryNames(repository);
    const branch = defaultBranchOf(stack, repository, names);
    const ref = `refs/heads/${branch}`;
    const refers = (value: string | undefined) => value !== undefined && names.has(stack.resolve(value));

    const rulesets = [
      ...stack.resources("github_repository_ruleset").filter((ruleset) => refers(stringAt(ruleset.body, "repository"))),
      ...stack
        .resources("github_organization_ruleset")
        .filter((ruleset) => organizationRulesetCovers(ruleset.body, names, stack)),
    ].filter(
      (ruleset) =>
        (stringAt(ruleset.body, "target") ?? "branch") === "branch" &&
        stringAt(ruleset.body, "enforcement") === "active" &&
        refNameConditionMatches(nested(ruleset.body, "conditions", "ref_name"), ref),
    );
    const protections = stack
      .resources("github_branch_protection")
      .filter(
        (protection) =>
          refers(stringAt(protection.body, "repository_id")) &&
          globMatches(stringAt(protection.body, "pattern") ?? "", branch),
      );
    const protectionsV3 = stack
      .resources("github_branch_protection_v3")
      .filter(
        (protection) =>
          refers(stringAt(protection.body, "repository")) &&
          stack.resolve(stringAt(protection.body, "branch") ?? "") === branch,
      );

    const ruleBlocks = rulesets.map((ruleset) => nested(ruleset.body, "rules"));
    const pullRequestReviews = [...protections, ...protectionsV3].map((protection) =>
      nested(protection.body, "required_pull_request_reviews"),
    );
    const statusChecks = [...protections, ...protectionsV3].map((protection) =>
      nested(protection.body, "required_status_checks"),
    );
    return {
      repository,
      branch,
      protectedBy: [...rulesets, ...protections, ...protectionsV3].map((block) => block.address),
      requiredApprovals: Math.max(
        0,
        ...ruleBlocks.map((rules) => numberAt(nested(rules, "pull_request"), "required_approving_review_count") ?? 0),
        // The provider's default for a required_pull_request_reviews block is one approval.
        ...pullRequestReviews.map((reviews) =>
          reviews === undefined ? 0 : (numberAt(reviews, "required_approving_review_count") ?? 1),
        ),
      ),
      requiredStatusChecks: Math.max(
        0,
        ...ruleBlocks.map((rules) => blocks(nested(rules, "required_status_checks")?.required_check).length),
        ...statusChecks.map((checks) => stringsAt(checks, "contexts").length + stringsAt(checks, "checks").length),
      ),
      forcePushBlocked:
        ruleBlocks.some((rules) => booleanAt(rules, "non_fast_forward") === true) ||
        protections.some((protection) => booleanAt(protection.body, "allows_force_pushes") !== true) ||
        // v3 protections have no force-push switch: GitHub blocks force pushes on them.
        protectionsV3.length > 0,
      deletionBlocked:
        ruleBlocks.some((rules) => booleanAt(rules, "deletion") === true) ||
        protections.some((protection) => booleanAt(protection.body, "allows_deletions") !== true) ||
        protectionsV3.length > 0,
      exemptions: [
        ...rulesets.flatMap((ruleset) =>
          blocks(ruleset.body.bypass_actors).map(
            (actor) =>
              `${ruleset.address} lets ${stringAt(actor, "actor_type") ?? "an actor"} ${jsonText(actor.actor_id)} bypass it (${stringAt(actor, "bypass_mode") ?? "always"})`,
          ),
        ),
        ...[...protections, ...protectionsV3]
          .filter((protection) => booleanAt(protection.body, "enforce_admins") !== true)
          .map((protection) => `${protection.address} does not apply to administrators (enforce_admins is not true)`),
      ],
    };
  });
}

/** The values by which other resources name a repository: its name, or references to it. */
function repositoryNames(repository: TerraformBlock): Set<string> {
  const names = new Set(
    ["name", "id", "node_id", "repo_id", "full_name"].map((attribute) => `\${${repository.address}.${attribute}}`),
  );
  const name = stringAt(repository.body, "name");
  if (name !== undefined) {
    names.add(name);
  }
  return names;
}

function defaultBranchOf(stack: SynthesizedStack, repository: TerraformBlock, names: Set<string>): string {
  const setting = stack
    .resources("github_branch_default")
    .find((candidate) => names.has(stack.resolve(stringAt(candidate.body, "repository") ?? "")));
  const branch = stringAt(setting?.body, "branch") ?? stringAt(repository.body, "default_branch") ?? "main";
  return stack.resolve(branch);
}

function organizationRulesetCovers(ruleset: JsonObject, names: Set<string>, stack: SynthesizedStack): boolean {
  const conditions = nested(ruleset, "conditions");
  const byName = nested(conditions, "repository_name");
  if (byName !== undefined) {
    const literalNames = [...names].filter((name) => !name.startsWith("${"));
    const matches = (patterns: string[]) =>
      patterns.some((pattern) => pattern === "~ALL" || literalNames.some((name) => globMatches(pattern, name)));
    return matches(stringsAt(byName, "include")) && !matches(stringsAt(byName, "exclude"));
  }
  return stringsAt(conditions, "repository_id").some((id) => names.has(stack.resolve(id)));
}

function refNameConditionMatches(refName: JsonObject | undefined, ref: string): boolean {
  if (refName === undefined) {
    return false;
  }
  const matches = (pattern: string) =>
    pattern === "~ALL" ||
    pattern === "~DEFAULT_BRANCH" ||
    globMatches(pattern, ref) ||
    globMatches(`refs/heads/${pattern}`, ref);
  return stringsAt(refName, "include").some(matches) && !stringsAt(refName, "exclude").some(matches);
}

/** GitHub's fnmatch-style patterns: `*` within a path segment, `**` across segments. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`).test(value);
}
