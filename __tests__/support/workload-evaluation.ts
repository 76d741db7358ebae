import { terraformConsole } from "./terraform-console";
import { dataSourcesOf, resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** What one Deployment of a service runs after a plan with given variables. */
export interface EvaluatedDeployment {
  /** Whether the Deployment (and its autoscaler and disruption budget) has an instance. */
  readonly exists: boolean;
  /** The image it runs; null when it has no instance. */
  readonly image: string | null;
  /** Its autoscaler's floor; null when it has no instance. */
  readonly minReplicas: number | null;
}

/** One plan of a service's workload, as terraform evaluates the synthesized expressions. */
export interface EvaluatedWorkload {
  /** By colour (`blue`, `green`), or `main` for a rolling Deployment. */
  readonly deployments: Readonly<Record<string, EvaluatedDeployment>>;
  /** The colour the service's Service selects; null without colours. */
  readonly selectedColor: string | null;
  /** The Service the route sends the public URL to; null without a route. */
  readonly routeBackend: string | null;
}

const COLOR_LABEL = "delivery-pipeline/color";
const INSTANCE_LABEL = "app.kubernetes.io/instance";

/**
 * What a plan reads besides the variables: the time it starts (what `plantimestamp()` returns;
 * `terraform console` leaves that function unknown) and the cluster's Deployments, which the
 * stack's `kubernetes_resources` data sources list.
 */
export interface ClusterState {
  /** RFC 3339, UTC. */
  readonly planTime: string;
  /** `spec.replicas` of each Deployment in the namespace, by name (with its instance label). */
  readonly replicas: Readonly<Record<string, number>>;
}

const EMPTY_CLUSTER: ClusterState = { planTime: "2026-01-01T00:00:00Z", replicas: {} };

/**
 * The Deployments a `kubernetes_resources` data source lists: its label selector is
 * `app.kubernetes.io/instance in (a,b)` (the only form the stacks write), each object as the API
 * returns it (name order), reduced to what expressions read.
 */
function listedDeployments(body: Record<string, unknown>, cluster: ClusterState): unknown[] {
  const selector = /^app\.kubernetes\.io\/instance in \(([^)]*)\)$/.exec(String(body.label_selector));
  if (body.kind !== "Deployment" || selector === null) {
    throw new Error(`unsupported kubernetes_resources lookup: ${JSON.stringify(body)}`);
  }
  const names = (selector[1] ?? "").split(",");
  return Object.keys(cluster.replicas)
    .filter((name) => names.includes(name))
    .sort()
    .map((name) => ({
      metadata: { name, labels: { [INSTANCE_LABEL]: name } },
      spec: { replicas: cluster.replicas[name] },
    }));
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function first(value: unknown): Record<string, unknown> {
  return record(Array.isArray(value) ? value[0] : value);
}

/**
 * Evaluates, with terraform's own evaluator, what a service's workload runs and which colour
 * serves for the given variable values. Only the variables that are not sensitive are declared
 * (the cluster and secret credentials play no part); an invalid value fails the evaluation the
 * way it fails a plan.
 */
export function evaluateWorkload(
  stack: TerraformJson,
  serviceName: string,
  variables: Readonly<Record<string, string>>,
  cluster: ClusterState = EMPTY_CLUSTER,
): EvaluatedWorkload | { readonly error: string } {
  const locals: Record<string, unknown> = { plan_time: cluster.planTime };
  // Data-source values substituted: each listed object set becomes a local of the same value.
  const lookups = dataSourcesOf(stack, "kubernetes_resources").map((source, index) => {
    locals[`listed_${index}`] = listedDeployments(source.body, cluster);
    return [`${source.address}.objects`, `local.listed_${index}`] as const;
  });
  const substituted = (value: unknown): unknown =>
    typeof value === "string"
      ? lookups.reduce(
          (text, [reference, local]) => text.split(reference).join(local),
          value.split("plantimestamp()").join("local.plan_time"),
        )
      : value;
  const fields: string[] = [];
  const ofService = (body: Record<string, unknown>) =>
    record(first(body.metadata).labels)["app.kubernetes.io/name"] === serviceName;

  const deployments = resourcesOf(stack, "kubernetes_deployment_v1").filter(({ body }) => ofService(body));
  if (deployments.length === 0) {
    // A stack without the service's workload (a shared or cluster stack) has nothing to evaluate.
    throw new Error(`no Deployment of ${serviceName} in the stack: evaluate the stack that holds its workload`);
  }
  for (const deployment of deployments) {
    const color = record(first(deployment.body.metadata).labels)[COLOR_LABEL];
    const key = typeof color === "string" ? color : "main";
    const name = first(deployment.body.metadata).name;
    const container = first(first(first(first(deployment.body.spec).template).spec).container);
    const autoscaler = resourcesOf(stack, "kubernetes_horizontal_pod_autoscaler_v2").find(
      ({ body }) => first(body.metadata).name === name,
    );
    // The synthesized values go into locals as they are: terraform reads JSON strings as templates.
    locals[`${key}_count`] = deployment.body.count ?? 1;
    locals[`${key}_image`] = container.image;
    locals[`${key}_min_replicas`] = substituted(first(autoscaler?.body.spec).min_replicas);
    const exists = `local.${key}_count == 1`;
    fields.push(
      `${key} = { exists = ${exists}, image = ${exists} ? local.${key}_image : null, minReplicas = ${exists} ? local.${key}_min_replicas : null }`,
    );
  }
  const service = resourcesOf(stack, "kubernetes_service_v1").find(
    ({ body }) => first(body.metadata).name === serviceName,
  );
  const selected = record(first(service?.body.spec).selector)[COLOR_LABEL];
  locals.selected = typeof selected === "string" ? selected : "";
  const route = resourcesOf(stack, "kubernetes_manifest").find(({ body }) => {
    const manifest = record(body.manifest);
    return manifest.kind === "HTTPRoute" && record(manifest.metadata).name === serviceName;
  });
  const backend = first(first(record(record(route?.body.manifest).spec).rules).backendRefs).name;

  const declared = Object.fromEntries(
    Object.entries(stack.variable ?? {}).filter(([, body]) => body.sensitive !== true),
  );
  const result = terraformConsole(
    { variable: declared, locals },
    `{ deployments = { ${fields.join(", ")} }, selected = local.selected }`,
    variables,
  );
  if ("error" in result) {
    return { error: result.error };
  }
  const value = result.value as { deployments: Record<string, EvaluatedDeployment>; selected: string };
  return {
    deployments: value.deployments,
    selectedColor: selected === undefined ? null : value.selected,
    routeBackend: typeof backend === "string" ? backend : null,
  };
}
