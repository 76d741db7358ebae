import { terraformConsole } from "./terraform-console";
import { resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

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
): EvaluatedWorkload | { readonly error: string } {
  const locals: Record<string, unknown> = {};
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
    locals[`${key}_min_replicas`] = first(autoscaler?.body.spec).min_replicas;
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
