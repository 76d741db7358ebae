import { selectorMatches } from "./label-selector";
import { DEPLOYMENT_TYPES } from "./pod-templates";
import type { SynthesizedStack, TerraformBlock } from "./synthesized-stack";
import { mapAt, nested, stringAt, stringsAt } from "../lib/terraform-json/terraform-json";

/** A Deployment and the objects that scale, protect and isolate its pods. */
export interface DeploymentCoverage {
  readonly deployment: TerraformBlock;
  /** `deployment 'orders-api-blue' in namespace 'production'` */
  readonly label: string;
  /** HorizontalPodAutoscalers whose scale target is this Deployment. */
  readonly autoscalers: readonly TerraformBlock[];
  /** PodDisruptionBudgets selecting its pods. */
  readonly disruptionBudgets: readonly TerraformBlock[];
  /** NetworkPolicies selecting its pods that isolate them for ingress / egress. */
  readonly ingressPolicies: readonly TerraformBlock[];
  readonly egressPolicies: readonly TerraformBlock[];
}

const AUTOSCALER_TYPES = [
  "kubernetes_horizontal_pod_autoscaler",
  "kubernetes_horizontal_pod_autoscaler_v1",
  "kubernetes_horizontal_pod_autoscaler_v2",
  "kubernetes_horizontal_pod_autoscaler_v2beta2",
];
const DISRUPTION_BUDGET_TYPES = ["kubernetes_pod_disruption_budget", "kubernetes_pod_disruption_budget_v1"];
const NETWORK_POLICY_TYPES = ["kubernetes_network_policy", "kubernetes_network_policy_v1"];

/**
 * Relates every Deployment of the stack to its autoscalers, disruption budgets and network
 * policies. Names and namespaces given by reference (`${kubernetes_namespace_v1.ns.metadata[0].name}`)
 * are resolved, so literal and referenced names compare equal.
 */
export function deploymentCoverage(stack: SynthesizedStack): DeploymentCoverage[] {
  const namespaceOf = (block: TerraformBlock) =>
    stack.resolve(stringAt(nested(block.body, "metadata"), "namespace") ?? "default");
  const nameOf = (block: TerraformBlock) => stack.resolve(stringAt(nested(block.body, "metadata"), "name") ?? "");
  // Each candidate's namespace (and an autoscaler's target) is resolved once and indexed, so
  // relating D Deployments to their objects stays linear in the size of the stack.
  const byNamespace = (types: readonly string[]) => groupBy(stack.resources(...types), namespaceOf);
  const autoscalersByTarget = groupBy(
    stack.resources(...AUTOSCALER_TYPES).filter((autoscaler) => {
      return stringAt(nested(autoscaler.body, "spec", "scale_target_ref"), "kind") === "Deployment";
    }),
    (autoscaler) =>
      `${namespaceOf(autoscaler)}/${stack.resolve(stringAt(nested(autoscaler.body, "spec", "scale_target_ref"), "name") ?? "")}`,
  );
  const budgetsByNamespace = byNamespace(DISRUPTION_BUDGET_TYPES);
  const policiesByNamespace = byNamespace(NETWORK_POLICY_TYPES);

  return stack.resources(...DEPLOYMENT_TYPES).map((deployment) => {
    const namespace = namespaceOf(deployment);
    const name = nameOf(deployment);
    const podLabels = mapAt(nested(deployment.body, "spec", "template", "metadata"), "labels");

    const autoscalers = autoscalersByTarget.get(`${namespace}/${name}`) ?? [];
    const disruptionBudgets = (budgetsByNamespace.get(namespace) ?? []).filter((budget) =>
      selectorMatches(nested(budget.body, "spec", "selector"), podLabels),
    );
    const policies = (policiesByNamespace.get(namespace) ?? []).filter((policy) =>
      // An empty pod_selector selects every pod of the namespace.
      selectorMatches(nested(policy.body, "spec", "pod_selector") ?? {}, podLabels),
    );
    return {
      deployment,
      label: `deployment '${name}' in namespace '${namespace}'`,
      autoscalers,
      disruptionBudgets,
      ingressPolicies: policies.filter((policy) => policyTypesOf(policy).includes("Ingress")),
      egressPolicies: policies.filter((policy) => policyTypesOf(policy).includes("Egress")),
    };
  });
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, [item]);
    } else {
      group.push(item);
    }
  }
  return groups;
}

/** Kubernetes defaults `policyTypes` to Ingress, plus Egress when the policy has egress rules. */
function policyTypesOf(policy: TerraformBlock): string[] {
  const spec = nested(policy.body, "spec");
  const declared = stringsAt(spec, "policy_types");
  if (declared.length > 0) {
    return declared;
  }
  return spec?.egress === undefined ? ["Ingress"] : ["Ingress", "Egress"];
}
