import { selectorMatches } from "../label-selector";
import { DEPLOYMENT_TYPES } from "../pod-templates";
import { type PolicyRule, type Violation } from "../rule";
import type { SynthesizedStack, TerraformBlock } from "../synthesized-stack";
import { mapAt, nested, stringAt, type JsonObject } from "../../lib/terraform-json/terraform-json";

/**
 * Flagger's pod selector labels (`-selector-labels`, default `app,name,app.kubernetes.io/name`
 * in cmd/flagger/main.go at v1.44.0): the target Deployment's selector must hold one of them,
 * or Flagger cannot create the primary.
 */
const FLAGGER_SELECTOR_LABELS = ["app", "name", "app.kubernetes.io/name"] as const;

interface CanaryManifest {
  readonly block: TerraformBlock;
  readonly name: string;
  readonly namespace: string;
  readonly spec: JsonObject;
}

function canariesOf(stack: SynthesizedStack): CanaryManifest[] {
  return stack.resources("kubernetes_manifest").flatMap((block) => {
    const manifest = nested(block.body, "manifest");
    const apiVersion = stringAt(manifest, "apiVersion") ?? "";
    if (!apiVersion.startsWith("flagger.app/") || stringAt(manifest, "kind") !== "Canary") {
      return [];
    }
    const metadata = nested(manifest, "metadata");
    return [
      {
        block,
        name: stack.resolve(stringAt(metadata, "name") ?? ""),
        namespace: stack.resolve(stringAt(metadata, "namespace") ?? "default"),
        spec: nested(manifest, "spec") ?? {},
      },
    ];
  });
}

/** `namespace/name` of a typed resource (`metadata` block) or a manifest (`manifest.metadata`). */
function keyOf(stack: SynthesizedStack, block: TerraformBlock): string {
  const metadata = nested(block.body, "metadata") ?? nested(block.body, "manifest", "metadata");
  return `${stack.resolve(stringAt(metadata, "namespace") ?? "default")}/${stack.resolve(stringAt(metadata, "name") ?? "")}`;
}

/** What is wrong with one Canary against the rest of the stack. */
function canaryProblems(stack: SynthesizedStack, canary: CanaryManifest): string[] {
  const problems: string[] = [];
  const target = nested(canary.spec, "targetRef");
  const targetName = stack.resolve(stringAt(target, "name") ?? "");
  const deployment = stack
    .resources(...DEPLOYMENT_TYPES)
    .find((candidate) => keyOf(stack, candidate) === `${canary.namespace}/${targetName}`);
  if (stringAt(target, "kind") !== "Deployment" || deployment === undefined) {
    return [
      `targets ${stringAt(target, "kind") ?? "nothing"} '${targetName}', which is not a Deployment of this stack`,
    ];
  }
  const selector = mapAt(nested(deployment.body, "spec", "selector"), "match_labels");
  const selectorLabel = FLAGGER_SELECTOR_LABELS.find((label) => selector[label] !== undefined);
  if (selectorLabel === undefined) {
    problems.push(
      `targets Deployment '${targetName}', whose selector has none of Flagger's selector labels (${FLAGGER_SELECTOR_LABELS.join(", ")})`,
    );
  }

  const autoscalerName = stack.resolve(stringAt(nested(canary.spec, "autoscalerRef"), "name") ?? "");
  const autoscaler = stack
    .resources("kubernetes_horizontal_pod_autoscaler_v2")
    .find((candidate) => keyOf(stack, candidate) === `${canary.namespace}/${autoscalerName}`);
  const scaled = stack.resolve(stringAt(nested(autoscaler?.body, "spec", "scale_target_ref"), "name") ?? "");
  if (autoscaler === undefined || scaled !== targetName) {
    problems.push(
      `has no autoscalerRef to a HorizontalPodAutoscaler of Deployment '${targetName}': Flagger copies it for the primary, which otherwise never scales`,
    );
  }

  // Flagger rewrites these to its own spec on every reconcile (kubernetes_default.go, gateway_api.go)
  // and the next apply rewrites them back: traffic would flip between the two owners.
  const generated = new Set(
    [canary.name, `${canary.name}-primary`, `${canary.name}-canary`].map((name) => `${canary.namespace}/${name}`),
  );
  const apex = `${canary.namespace}/${canary.name}`;
  for (const service of stack.resources("kubernetes_service", "kubernetes_service_v1")) {
    if (generated.has(keyOf(stack, service))) {
      problems.push(`shares a name with ${service.address}: Flagger generates that Service`);
    }
  }
  for (const route of stack.resources("kubernetes_manifest")) {
    const manifest = nested(route.body, "manifest");
    if (stringAt(manifest, "kind") === "HTTPRoute" && keyOf(stack, route) === apex) {
      problems.push(`shares a name with ${route.address}: Flagger generates that HTTPRoute`);
    }
  }

  if (selectorLabel !== undefined) {
    // The primary's pods carry the template's labels with the selector label suffixed (makePrimaryLabels).
    const templateLabels = mapAt(nested(deployment.body, "spec", "template", "metadata"), "labels");
    const primaryLabels = { ...templateLabels, [selectorLabel]: `${selector[selectorLabel] ?? ""}-primary` };
    const budgets = stack
      .resources("kubernetes_pod_disruption_budget", "kubernetes_pod_disruption_budget_v1")
      .filter((budget) => keyOf(stack, budget).startsWith(`${canary.namespace}/`))
      .filter((budget) => selectorMatches(nested(budget.body, "spec", "selector"), primaryLabels));
    if (budgets.length === 0) {
      problems.push(
        `leaves the primary's pods (${selectorLabel}=${primaryLabels[selectorLabel]}) without a PodDisruptionBudget`,
      );
    }
  }
  return problems;
}

export const CANARY_RULES: readonly PolicyRule[] = [
  {
    id: "K8S024",
    severity: "error",
    description:
      "Each Flagger Canary targets a Deployment and its autoscaler; Flagger alone owns its Services and route",
    source: { title: "Flagger: how it works", url: "https://docs.flagger.app/usage/how-it-works" },
    fix: "use CanaryRelease with the rollout strategy 'canary', which leaves the Service and route to Flagger",
    check: (stack): Violation[] =>
      canariesOf(stack).flatMap((canary) => {
        const problems = canaryProblems(stack, canary);
        return problems.length === 0 ? [] : [{ address: canary.block.address, message: problems.join("; ") }];
      }),
  },
];
