import { substituteSequences } from "../../lib/terraform-json/template-sequences";
import { resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** A Kubernetes API object as `kubectl get -o json` would show it (without status). */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** A kubernetes_* resource of a stack and the API object it creates. */
export interface ConvertedResource {
  readonly type: string;
  /** `kubernetes_deployment_v1.orders-api-workload_blue_deployment_A7DA3F1C` */
  readonly address: string;
  readonly object: KubernetesObject;
}

/** The API group/version and kind each provider resource type creates. */
export const KUBERNETES_RESOURCE_KINDS: Readonly<Record<string, { apiVersion: string; kind: string }>> = {
  kubernetes_namespace_v1: { apiVersion: "v1", kind: "Namespace" },
  kubernetes_service_account_v1: { apiVersion: "v1", kind: "ServiceAccount" },
  kubernetes_config_map_v1: { apiVersion: "v1", kind: "ConfigMap" },
  kubernetes_secret_v1: { apiVersion: "v1", kind: "Secret" },
  kubernetes_service_v1: { apiVersion: "v1", kind: "Service" },
  kubernetes_resource_quota_v1: { apiVersion: "v1", kind: "ResourceQuota" },
  kubernetes_limit_range_v1: { apiVersion: "v1", kind: "LimitRange" },
  kubernetes_deployment_v1: { apiVersion: "apps/v1", kind: "Deployment" },
  kubernetes_horizontal_pod_autoscaler_v2: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
  kubernetes_pod_disruption_budget_v1: { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
  kubernetes_network_policy_v1: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  kubernetes_ingress_v1: { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
  kubernetes_role_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
  kubernetes_role_binding_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
  // The object is the `manifest` argument itself; its kind is whatever the manifest says.
  kubernetes_manifest: { apiVersion: "(manifest)", kind: "(manifest)" },
};

/** What an unresolvable Terraform expression becomes: a valid name, label value and string. */
export const EXPRESSION_PLACEHOLDER = "terraform-expression";
/** What a digest looked up at plan time becomes. */
export const DIGEST_PLACEHOLDER = `sha256:${"0".repeat(64)}`;

/** Arguments Terraform itself reads; they have no counterpart in the API object. */
const TERRAFORM_ONLY_ARGUMENTS = new Set([
  "//",
  "count",
  "depends_on",
  "for_each",
  "lifecycle",
  "provider",
  "timeouts",
  "wait_for_load_balancer",
  "wait_for_rollout",
  "wait_for_service_account_token",
]);

/**
 * Repeated blocks are named in the singular in the provider and in the plural in the API
 * (`container` -> `containers`). Only applied to lists, so that a scalar `port` (a probe's) stays.
 */
const LIST_BLOCK_NAMES: Readonly<Record<string, string>> = {
  container: "containers",
  init_container: "initContainers",
  port: "ports",
  volume: "volumes",
  volume_mount: "volumeMounts",
  topology_spread_constraint: "topologySpreadConstraints",
  toleration: "tolerations",
  metric: "metrics",
  policy: "policies",
  http_header: "httpHeaders",
  limit: "limits",
  image_pull_secret: "imagePullSecrets",
  match_expression: "matchExpressions",
  rule: "rules",
  subject: "subjects",
  path: "paths",
};

/** Names whose API spelling is not the camelCase of the provider's (Go's initialisms). */
const IRREGULAR_NAMES: Readonly<Record<string, string>> = {
  cluster_ip: "clusterIP",
  cluster_ips: "clusterIPs",
  external_ips: "externalIPs",
  load_balancer_ip: "loadBalancerIP",
  host_ip: "hostIP",
  client_ip: "clientIP",
};

/** API fields that hold lists of objects; any other field holding a one-element block list is an object. */
const API_LIST_FIELDS = new Set([
  "rules",
  "subjects",
  "paths",
  "tls",
  "containers",
  "initContainers",
  "ports",
  "env",
  "envFrom",
  "volumes",
  "volumeMounts",
  "topologySpreadConstraints",
  "tolerations",
  "imagePullSecrets",
  "metrics",
  "policies",
  "httpHeaders",
  "ingress",
  "egress",
  "from",
  "to",
  "limits",
  "matchExpressions",
  "hostAliases",
]);

/** Provider arguments that are maps: their keys are data (label keys, env names), never renamed. */
const MAP_ARGUMENTS = new Set([
  "labels",
  "annotations",
  "data",
  "binary_data",
  "match_labels",
  "node_selector",
  "hard",
  "limits",
  "requests",
  "default",
  "default_request",
  "max",
  "min",
  "max_limit_request_ratio",
]);

/** Integers the provider types as strings (to tell an explicit 0 from unset). */
const INTEGER_FIELDS = new Set(["runAsUser", "runAsGroup", "fsGroup", "replicas"]);
/** Integer fields that may be a Terraform expression. */
const COMPUTED_COUNT_FIELDS = new Set(["minReplicas"]);
/** IntOrString fields: a number when the provider's string holds digits only. */
const INT_OR_STRING_FIELDS = new Set(["port", "targetPort", "maxSurge", "maxUnavailable", "minAvailable"]);

/** Resolves a Terraform expression (the text between `${` and `}`) to a plausible literal. */
export type ExpressionResolver = (expression: string) => string;

/** Placeholders for expressions whose value is only known at plan or apply time. */
export function placeholderFor(expression: string): string {
  return /\.sha256_digest$/.test(expression.trim()) ? DIGEST_PLACEHOLDER : EXPRESSION_PLACEHOLDER;
}

/**
 * Every kubernetes_* resource of a stack, converted to its API object. References to other
 * resources of the stack (`${kubernetes_namespace_v1.x.metadata[0].name}`) resolve to their
 * literal values; any other expression becomes a placeholder. Fails on a resource type without a
 * known kind, so that a new resource type cannot escape the schema checks unnoticed.
 */
export function kubernetesObjectsOf(stack: TerraformJson): ConvertedResource[] {
  const resolve = referenceResolver(stack);
  return Object.keys(stack.resource ?? {})
    .filter((type) => type.startsWith("kubernetes_"))
    .sort()
    .flatMap((type) =>
      resourcesOf(stack, type).map((block) => ({
        type,
        address: block.address,
        object: toKubernetesObject(type, block.body, resolve),
      })),
    );
}

/** One resource's Terraform arguments as the Kubernetes API object the provider creates. */
export function toKubernetesObject(
  type: string,
  body: Readonly<Record<string, unknown>>,
  resolve: ExpressionResolver = placeholderFor,
): KubernetesObject {
  const kind = KUBERNETES_RESOURCE_KINDS[type];
  if (kind === undefined) {
    throw new Error(`no Kubernetes kind known for resource type ${type}; add it to KUBERNETES_RESOURCE_KINDS`);
  }
  if (type === "kubernetes_manifest") {
    return substituteAll(body.manifest, resolve) as KubernetesObject;
  }
  const fields: Record<string, unknown> = {};
  for (const [argument, value] of Object.entries(body)) {
    if (TERRAFORM_ONLY_ARGUMENTS.has(argument)) {
      continue;
    }
    const [field, converted] = convertField(argument, value, [argument], { type, resolve });
    fields[field] = converted;
  }
  if (type === "kubernetes_secret_v1" && isRecord(fields.data)) {
    // The provider takes plain text and base64-encodes it; the API object holds base64.
    fields.data = Object.fromEntries(
      Object.entries(fields.data).map(([key, value]) => [key, Buffer.from(String(value)).toString("base64")]),
    );
  }
  const metadata = isRecord(fields.metadata) ? fields.metadata : {};
  return { apiVersion: kind.apiVersion, kind: kind.kind, ...fields, metadata };
}

interface Context {
  readonly type: string;
  readonly resolve: ExpressionResolver;
}

function convertField(argument: string, value: unknown, path: readonly string[], context: Context): [string, unknown] {
  const listName = Array.isArray(value) ? LIST_BLOCK_NAMES[argument] : undefined;
  const field = listName ?? IRREGULAR_NAMES[argument] ?? camelCase(argument);
  let converted = convertValue(value, path, context);

  if (Array.isArray(converted) && !API_LIST_FIELDS.has(field) && converted.some(isRecord)) {
    // A block the provider declares as a list of at most one: an object in the API.
    if (converted.length !== 1) {
      throw new Error(
        `${path.join(".")}: expected one block for the API object field ${field}, got ${converted.length}`,
      );
    }
    converted = converted[0];
  } else if (isRecord(converted) && API_LIST_FIELDS.has(field) && !isMapArgument(argument, path, context)) {
    converted = [converted];
  }

  if (converted === EXPRESSION_PLACEHOLDER && COMPUTED_COUNT_FIELDS.has(field)) {
    // A count computed at plan time (the blue-green replica floor): any valid count stands for it.
    converted = 1;
  } else if (typeof converted === "string" && INTEGER_FIELDS.has(field)) {
    converted = Number(converted);
  } else if (typeof converted === "string" && INT_OR_STRING_FIELDS.has(field) && /^\d+$/.test(converted)) {
    converted = Number(converted);
  }
  return [field, converted];
}

function convertValue(value: unknown, path: readonly string[], context: Context): unknown {
  if (typeof value === "string") {
    return substituteExpressions(value, context.resolve);
  }
  if (Array.isArray(value)) {
    return value.map((item) => convertValue(item, path, context));
  }
  if (!isRecord(value)) {
    return value;
  }
  const argument = path[path.length - 1] ?? "";
  if (isMapArgument(argument, path, context)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, convertValue(item, [...path, key], context)]),
    );
  }
  const converted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const [field, fieldValue] = convertField(key, item, [...path, key], context);
    converted[field] = fieldValue;
  }
  return converted;
}

function isMapArgument(argument: string, path: readonly string[], context: Context): boolean {
  // A Service's selector is a plain label map; everywhere else `selector` is a LabelSelector block.
  if (context.type === "kubernetes_service_v1" && path.join(".") === "spec.selector") {
    return true;
  }
  return MAP_ARGUMENTS.has(argument);
}

/**
 * Replaces each `${...}` of a Terraform template string by what `resolve` returns, and turns the
 * escapes `$${` and `%%{` back into the literal text they stand for.
 */
export function substituteExpressions(text: string, resolve: ExpressionResolver): string {
  return substituteSequences(text, (sequence) => {
    if (!sequence.terminated) {
      throw new Error(`unterminated Terraform expression in ${JSON.stringify(text)}`);
    }
    return resolve(sequence.expression);
  });
}

/**
 * Resolves references to attributes of the stack's own resources that are set literally in the
 * configuration (`kubernetes_config_map_v1.x.metadata[0].name`); anything else gets a placeholder.
 */
export function referenceResolver(stack: TerraformJson): ExpressionResolver {
  return (expression) => {
    const match = /^([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[a-z_]+|\[\d+\])+)$/.exec(expression.trim());
    if (match) {
      const [, type = "", name = "", attributePath = ""] = match;
      const value = attributeAt(stack.resource?.[type]?.[name], attributePath);
      if (typeof value === "string" && !value.includes("${")) {
        return value;
      }
    }
    return placeholderFor(expression);
  };
}

function attributeAt(body: unknown, attributePath: string): unknown {
  let current = body;
  for (const [, attribute, index] of attributePath.matchAll(/\.([a-z_]+)|\[(\d+)\]/g)) {
    if (attribute !== undefined) {
      current = isRecord(current) ? current[attribute] : undefined;
    } else if (Array.isArray(current)) {
      current = current[Number(index)];
    }
    // An index into a block written as a single object (cdktf writes one-block lists so) is the block.
  }
  return current;
}

/** A manifest's values with every Terraform expression in its strings substituted. */
function substituteAll(value: unknown, resolve: ExpressionResolver): unknown {
  if (typeof value === "string") {
    return substituteExpressions(value, resolve);
  }
  if (Array.isArray(value)) {
    return value.map((item) => substituteAll(item, resolve));
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteAll(item, resolve)]));
  }
  return value;
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The converted objects of one kind, typed with the kubernetes-models interface the caller names
 * (`objectsOfKind<IDeployment>(objects, "Deployment")`). The schema tests check that they conform.
 */
export function objectsOfKind<T>(resources: readonly ConvertedResource[], kind: string): T[] {
  return resources.filter((resource) => resource.object.kind === kind).map((resource) => resource.object as T);
}
