import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { formatTable } from "./table";
import {
  at,
  block,
  blocks,
  isObject,
  jsonText,
  qualifiedType,
  terraformBlocks,
  text,
  texts,
  type Json,
  type JsonObject,
  type Block,
} from "../../lib/terraform-json/terraform-json";
import { substituteSequences, templateSequences, unescapeTemplate } from "../../lib/terraform-json/template-sequences";

/** One notable setting of one resource: `replicas` = `2-10`. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** One row of a stack summary: a resource (or `data.`) type, how many, and what stands out. */
export interface TypeSummary {
  readonly type: string;
  readonly count: number;
  readonly settings: string;
}

type Extractor = (body: JsonObject, stack: JsonObject) => Fact[];

/** At most this many distinct values per setting; beyond, one fewer and the rest counted. */
const MAX_VALUES = 4;
/** A value of at most this many resources names them; more are counted. */
const MAX_OWNERS = 3;

/**
 * What a stack will hold, one row per resource type: the count and the settings a reviewer
 * looks for. Types without an extractor are still counted and named, so nothing is hidden.
 */
export function summarizeStack(stack: JsonObject): TypeSummary[] {
  const byType = new Map<string, Block[]>();
  for (const entry of terraformBlocks(stack)) {
    const type = qualifiedType(entry);
    byType.set(type, [...(byType.get(type) ?? []), entry]);
  }
  return [...byType].map(([type, entries]) => {
    const extract = EXTRACTORS[withoutVersion(type)] ?? (() => []);
    const facts = entries.flatMap((entry, resource) => {
      const owner = ownerOf(entry);
      return [...fact(owner.label, owner.name), ...extract(entry.body, stack)].map((found) => ({
        ...found,
        resource,
        owner: owner.name,
      }));
    });
    return { type, count: entries.length, settings: formatFacts(facts, entries.length) };
  });
}

/** `kubernetes_deployment_v1` and `kubernetes_deployment` read the same way. */
function withoutVersion(type: string): string {
  return type.replace(/_v\d+$/, "");
}

/**
 * The name people know a resource by, and what it names: the Kubernetes object's name, the
 * looked-up image, user or team, the repository a GitHub setting belongs to, or Terraform's name.
 */
function ownerOf(entry: Block): { readonly label: string; readonly name: string } {
  const body = entry.body;
  const candidates: [string, Json | undefined][] = [
    ["names", at(body, "metadata", "name")],
    ["images", qualifiedType(entry) === "data.docker_registry_image" ? body.name : undefined],
    ["users", body.username],
    ["teams", body.slug],
    ["repositories", body.repository],
    ["names", body.name],
  ];
  for (const [label, value] of candidates) {
    const name = text(value);
    if (name !== undefined) return { label, name };
  }
  return { label: "names", name: entry.name };
}

/** A fact of one resource of a type: which resource (its index), and the name people know it by. */
export interface OwnedFact extends Fact {
  readonly resource: number;
  readonly owner: string;
}

/**
 * `label: value, value (owner), value (×12)`, settings separated by `; `. A value every resource
 * of the type shares is shown bare; otherwise the resources it applies to are named, or counted
 * when there are many.
 */
export function formatFacts(facts: readonly OwnedFact[], resourceCount: number): string {
  const byLabel = new Map<string, Map<string, OwnedFact[]>>();
  for (const fact of facts) {
    const values = byLabel.get(fact.label) ?? new Map<string, OwnedFact[]>();
    values.set(fact.value, [...(values.get(fact.value) ?? []), fact]);
    byLabel.set(fact.label, values);
  }
  const allOwners = new Set(facts.map((fact) => fact.owner));
  return [...byLabel]
    .map(([label, values]) => {
      const shown = [...values]
        .slice(0, values.size > MAX_VALUES ? MAX_VALUES - 1 : MAX_VALUES)
        .map(([value, holders]) => {
          const resources = new Set(holders.map((holder) => holder.resource));
          if (resources.size === resourceCount) return value;
          const owners = [...new Set(holders.map((holder) => holder.owner))];
          if (allOwners.size <= 1 || (owners.length === 1 && owners[0] === value)) return value;
          return owners.length <= MAX_OWNERS ? `${value} (${owners.join(", ")})` : `${value} (×${resources.size})`;
        });
      const more = values.size > MAX_VALUES ? [`+${values.size - MAX_VALUES + 1} more`] : [];
      return `${label}: ${[...shown, ...more].join(", ")}`;
    })
    .join("; ");
}

function fact(label: string, value: Json | undefined): Fact[] {
  const shown = typeof value === "string" ? value : text(value);
  return shown === undefined || shown === "" ? [] : [{ label, value: shown }];
}

/**
 * A string of the output as a reader wants it: literal text unescaped, each Terraform expression
 * replaced by what it refers to in brackets (`ghcr.io/acme/api@[digest of ghcr.io/acme/api:main]`).
 */
export function readable(value: string, stack: JsonObject): string {
  return substituteSequences(value, (sequence) => {
    const references = referencesIn(sequence.expression, stack);
    return `[${references.length > 0 ? references.join(" or ") : sequence.expression}]`;
  });
}

/**
 * What an expression refers to, each once: variables by name, looked-up images and GitHub
 * reviewers by what was looked up, resources by type and object name.
 */
export function referencesIn(expression: string, stack: JsonObject): string[] {
  const found: string[] = [];
  for (const match of expression.matchAll(
    /\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?(?:\.([a-z0-9_]+))?/g,
  )) {
    const [, data, type = "", name = "", attribute] = match;
    const described = describeReference(data !== undefined, type, name, attribute, stack);
    if (described !== undefined && !found.includes(described)) found.push(described);
  }
  return found;
}

function describeReference(
  isData: boolean,
  type: string,
  name: string,
  attribute: string | undefined,
  stack: JsonObject,
): string | undefined {
  if (!isData && type === "var") return `var.${name}`;
  if (!isData && type === "local") return `local.${name}`;
  const body = at(stack, isData ? "data" : "resource", type, name);
  if (!isObject(body)) return undefined;
  if (isData && type === "docker_registry_image") {
    // The looked-up name may itself be computed (`repo:${coalesce(var.image, "main")}`).
    const image = text(body.name);
    const shown = image === undefined ? name : substituteSequences(image, (sequence) => `[${sequence.expression}]`);
    return `${attribute === "sha256_digest" ? "digest of " : ""}${shown}`;
  }
  if (isData && type === "github_user") return `@${text(body.username) ?? name}`;
  if (isData && type === "github_team") return `team ${text(body.slug) ?? name}`;
  const objectName = text(at(body, "metadata", "name")) ?? text(body.name) ?? name;
  return `${isData ? "data." : ""}${type} ${objectName}`;
}

/** `refs/heads/main` -> `main`, `~DEFAULT_BRANCH` -> `default branch`. */
function refNames(value: Json | undefined): string {
  const names = texts(value).map((ref) =>
    ref === "~DEFAULT_BRANCH" ? "default branch" : ref === "~ALL" ? "all" : ref.replace(/^refs\/(heads|tags)\//, ""),
  );
  return names.length === 0 ? "all" : names.join(", ");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** `cpu 1, memory 512Mi`: a Kubernetes resource map in a fixed order. */
function amounts(value: Json | undefined): string | undefined {
  const map = block(value);
  if (map === undefined) return undefined;
  const order = ["cpu", "memory", "ephemeral-storage"];
  const keys = Object.keys(map).sort((a, b) => {
    const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const shown = keys.flatMap((key) => {
    const amount = text(map[key]);
    return amount === undefined ? [] : [`${key} ${amount}`];
  });
  return shown.length === 0 ? undefined : shown.join(", ");
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

const namespace: Extractor = (body) =>
  fact("pod security", text(at(body, "metadata", "labels", "pod-security.kubernetes.io/enforce")));

const deployment: Extractor = (body, stack) => {
  const spec = block(body.spec) ?? {};
  const pod = block(at(spec, "template", "spec")) ?? {};
  const containers = blocks(pod.container);
  const hardening = containers.every(
    (container) =>
      at(container, "security_context", "read_only_root_filesystem") === true &&
      at(container, "security_context", "allow_privilege_escalation") === false,
  );
  return [
    ...fact("namespace", at(body, "metadata", "namespace")),
    ...fact("replicas", spec.replicas),
    ...fact("strategy", at(spec, "strategy", "type")),
    ...containers.flatMap((container) => {
      const image = text(container.image);
      return [
        ...fact("image", image === undefined ? undefined : readable(image, stack)),
        ...fact("limits", amounts(at(container, "resources", "limits"))),
        ...fact("requests", amounts(at(container, "resources", "requests"))),
      ];
    }),
    ...(at(pod, "security_context", "run_as_non_root") === true ? fact("runs as", "non-root") : []),
    ...(containers.length > 0 && hardening ? fact("containers", "read-only root, no privilege escalation") : []),
  ];
};

const autoscaler: Extractor = (body, stack) => {
  const spec = block(body.spec) ?? {};
  const targets = blocks(spec.metric).flatMap((metric) => {
    const resource = block(metric.resource);
    const utilization = text(at(resource, "target", "average_utilization"));
    return resource === undefined || utilization === undefined ? [] : [`${text(resource.name)} ${utilization} %`];
  });
  const cpuV1 = text(spec.target_cpu_utilization_percentage);
  const target = text(at(spec, "scale_target_ref", "name"));
  return [
    ...fact("replicas", `${text(spec.min_replicas) ?? "1"}-${text(spec.max_replicas) ?? "?"}`),
    ...fact("targets", targets.length > 0 ? targets.join(", ") : cpuV1 === undefined ? undefined : `cpu ${cpuV1} %`),
    ...fact("scales", target === undefined ? undefined : readable(target, stack)),
  ];
};

const disruptionBudget: Extractor = (body) => {
  const spec = block(body.spec) ?? {};
  return [...fact("min available", spec.min_available), ...fact("max unavailable", spec.max_unavailable)];
};

const service: Extractor = (body, stack) => {
  const spec = block(body.spec) ?? {};
  const selector = block(spec.selector) ?? {};
  return [
    ...fact("type", spec.type ?? "ClusterIP"),
    ...fact(
      "ports",
      blocks(spec.port)
        .map((port) => `${text(port.port) ?? "?"}->${text(port.target_port) ?? text(port.port) ?? "?"}`)
        .join(", "),
    ),
    ...fact(
      "selects",
      Object.entries(selector)
        .map(([key, value]) => `${key}=${typeof value === "string" ? readable(value, stack) : jsonText(value)}`)
        .join(", "),
    ),
  ];
};

const networkPolicy: Extractor = (body) => {
  const spec = block(body.spec) ?? {};
  const types = texts(spec.policy_types);
  const rules = (direction: "ingress" | "egress", type: string) => {
    const count = blocks(spec[direction]).length;
    if (!types.includes(type) && count === 0) return [];
    return fact(direction, count === 0 ? "deny all" : plural(count, "rule"));
  };
  return [...rules("ingress", "Ingress"), ...rules("egress", "Egress")];
};

/** Key names only: a Secret's values are never read. */
const keys: Extractor = (body) =>
  fact("keys", [...Object.keys(block(body.data) ?? {}), ...Object.keys(block(body.binary_data) ?? {})].join(", "));

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
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
  kubernetes_namespace: namespace,
  kubernetes_deployment: deployment,
  kubernetes_horizontal_pod_autoscaler: autoscaler,
  kubernetes_pod_disruption_budget: disruptionBudget,
  kubernetes_service: service,
  kubernetes_network_policy: networkPolicy,
  kubernetes_secret: keys,
  kubernetes_config_map: keys,
};

/** The Markdown summary of one stack: a heading naming its state, then the table. */
export function stackSummaryMarkdown(id: string, stack: JsonObject): string {
  const rows = summarizeStack(stack);
  const resources = rows.filter((row) => !row.type.startsWith("data.")).reduce((sum, row) => sum + row.count, 0);
  const lookups = rows.filter((row) => row.type.startsWith("data.")).reduce((sum, row) => sum + row.count, 0);
  const workspace = text(at(stack, "terraform", "cloud", "workspaces", "name"));
  const variables = Object.values(isObject(stack.variable) ? stack.variable : {});
  const sensitive = variables.filter((body) => at(body, "sensitive") === true).length;
  return [
    `### \`${id}\`: ${plural(resources, "resource")}, ${plural(lookups, "data source")}`,
    "",
    `State: ${workspace === undefined ? "local file" : `Terraform Cloud workspace \`${workspace}\``}. ` +
      `Inputs: ${plural(variables.length, "variable")} (${sensitive} sensitive; \`npm run vars\` lists them).`,
    "",
    rows.length === 0
      ? "Nothing."
      : formatTable(
          ["resource", "count", "notable settings"],
          rows.map((row) => [row.type, String(row.count), row.settings]),
        ),
  ].join("\n");
}
