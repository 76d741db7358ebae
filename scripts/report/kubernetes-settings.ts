import { fact, plural, type Extractor } from "./facts";
import { readable } from "./references";
import { at, block, blocks, jsonText, text, texts, type Json } from "../../lib/terraform-json/terraform-json";

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

/** What a reviewer looks for in each Kubernetes resource type (without the `_v1` suffix). */
export const KUBERNETES_EXTRACTORS: Readonly<Record<string, Extractor>> = {
  kubernetes_namespace: namespace,
  kubernetes_deployment: deployment,
  kubernetes_horizontal_pod_autoscaler: autoscaler,
  kubernetes_pod_disruption_budget: disruptionBudget,
  kubernetes_service: service,
  kubernetes_network_policy: networkPolicy,
  kubernetes_secret: keys,
  kubernetes_config_map: keys,
};
