import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { fact, plural, type Extractor } from "./facts";
import { referencesIn } from "./references";
import { at, block, blocks, isObject, text, texts, type Json } from "../../lib/terraform-json/terraform-json";
import { templateSequences, unescapeTemplate } from "../../lib/terraform-json/template-sequences";

/** `refs/heads/main` -> `main`, `~DEFAULT_BRANCH` -> `default branch`. */
function refNames(value: Json | undefined): string {
  const names = texts(value).map((ref) =>
    ref === "~DEFAULT_BRANCH" ? "default branch" : ref === "~ALL" ? "all" : ref.replace(/^refs\/(heads|tags)\//, ""),
  );
  return names.length === 0 ? "all" : names.join(", ");
}

const repository: Extractor = (body) => [
  ...fact("visibility", body.visibility),
  ...(body.archive_on_destroy === true ? fact("on destroy", "archived") : []),
  ...(at(body, "lifecycle", "prevent_destroy") === true ? fact("destroy", "prevented") : []),
];

const ruleset: Extractor = (body) => {
  const refs = `${text(body.target) === "tag" ? "tags " : ""}${refNames(at(body, "conditions", "ref_name", "include"))}`;
  const rules = block(body.rules) ?? {};
  const pullRequest = block(rules.pull_request);
  const approvals = pullRequest === undefined ? undefined : text(pullRequest.required_approving_review_count);
  const extras = [
    ...(pullRequest?.require_code_owner_review === true ? ["code owners"] : []),
    ...(pullRequest?.require_last_push_approval === true ? ["last push"] : []),
    ...(pullRequest?.dismiss_stale_reviews_on_push === true ? ["stale dismissed"] : []),
  ];
  const checks = blocks(at(rules, "required_status_checks", "required_check")).flatMap((check) => texts(check.context));
  const protections = [
    ...(rules.non_fast_forward === true ? ["no force push"] : []),
    ...(rules.deletion === true ? ["no deletion"] : []),
    ...(rules.required_signatures === true ? ["signed commits"] : []),
    ...(rules.required_linear_history === true ? ["linear history"] : []),
  ];
  const bypass = blocks(body.bypass_actors).length;
  return [
    ...(approvals === undefined
      ? []
      : fact("approvals", `${refs} ${approvals}${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`)),
    ...(checks.length > 0 ? fact("required checks", `${refs} (${checks.join(", ")})`) : []),
    ...(protections.length > 0 ? fact("rules", `${refs} (${protections.join(", ")})`) : []),
    ...(text(body.enforcement) !== "active" ? fact("enforcement", `${refs} ${text(body.enforcement) ?? "?"}`) : []),
    ...(bypass > 0 ? fact("bypass", `${refs} (${plural(bypass, "actor")})`) : []),
  ];
};

const branchProtection: Extractor = (body) => {
  const reviews = block(body.required_pull_request_reviews);
  const pattern = text(body.pattern) ?? "?";
  const contexts = texts(at(body, "required_status_checks", "contexts"));
  return [
    ...(reviews === undefined
      ? []
      : fact(
          "approvals",
          `${pattern} ${text(reviews.required_approving_review_count) ?? "1"}${reviews.require_code_owner_reviews === true ? " (code owners)" : ""}`,
        )),
    ...(contexts.length > 0 ? fact("required checks", `${pattern} (${contexts.join(", ")})`) : []),
  ];
};

const environment: Extractor = (body, stack) => {
  const reviewerBlock = block(body.reviewers) ?? {};
  const reviewers = [...texts(reviewerBlock.users), ...texts(reviewerBlock.teams)].map((reviewer) => {
    const references = templateSequences(reviewer).flatMap((sequence) => referencesIn(sequence.expression, stack));
    return references.length > 0 ? references.join(" ") : `id ${reviewer}`;
  });
  const wait = text(body.wait_timer);
  const policy = block(body.deployment_branch_policy);
  const branches =
    policy === undefined
      ? undefined
      : policy.protected_branches === true
        ? "protected branches"
        : policy.custom_branch_policies === true
          ? "branch policies"
          : undefined;
  return [
    ...fact("environment", body.environment),
    ...fact("reviewers", reviewers.length === 0 ? "none" : reviewers.join(", ")),
    ...fact("wait", wait === undefined || wait === "0" ? undefined : `${wait} min`),
    ...fact("admins bypass", body.can_admins_bypass === false ? "no" : "yes"),
    ...(body.prevent_self_review === true ? fact("self review", "prevented") : []),
    ...fact("deploys from", branches),
  ];
};

const deploymentPolicy: Extractor = (body) => fact("branches", text(body.branch_pattern) ?? text(body.tag_pattern));

const secret: Extractor = (body) => [
  ...fact("secrets", body.secret_name),
  ...(typeof body.environment === "string" && !body.environment.includes("${")
    ? fact("environment", body.environment)
    : []),
];

const variable: Extractor = (body) => fact("variables", body.variable_name);

const file: Extractor = (body) => {
  const filePath = text(body.file) ?? "?";
  const content = text(body.content);
  const schedules =
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(filePath) && content !== undefined ? workflowSchedules(content) : [];
  return [
    ...fact("files", filePath),
    ...fact("branch", body.branch),
    ...schedules.flatMap((cron) => fact("schedules", `${path.basename(filePath)} ${cron}`)),
  ];
};

/** The cron expressions of a workflow's `on.schedule`; none when the file is not a workflow. */
export function workflowSchedules(content: string): string[] {
  let workflow: unknown;
  try {
    workflow = parseYaml(unescapeTemplate(content));
  } catch {
    return [];
  }
  const triggers = isObject(workflow) ? workflow.on : undefined;
  return blocks(isObject(triggers) ? triggers.schedule : undefined).flatMap((entry) => texts(entry.cron));
}

/** What a reviewer looks for in each GitHub resource type. */
export const GITHUB_EXTRACTORS: Readonly<Record<string, Extractor>> = {
  github_repository: repository,
  github_repository_ruleset: ruleset,
  github_branch_protection: branchProtection,
  github_repository_environment: environment,
  github_repository_environment_deployment_policy: deploymentPolicy,
  github_actions_secret: secret,
  github_actions_environment_secret: secret,
  github_dependabot_secret: secret,
  github_actions_variable: variable,
  github_actions_environment_variable: variable,
  github_repository_file: file,
};
