import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { TerraformStack, Testing } from "cdktf";
import { CanaryRelease } from "../../constructs/kubernetes";
import { CANARY_RULES } from "../../policy/rules/canary-rules";
import { SynthesizedStack } from "../../policy/synthesized-stack";
import { WEB_CANARY } from "../support/canary-fixtures";
import { secureWorkload } from "../support/policy-fixtures";

/** The K8S024 messages for a stack of the secure workload `web`, changed by `build`. */
function problems(build: (stack: TerraformStack, workload: ReturnType<typeof secureWorkload>) => void): string[] {
  const stack = new TerraformStack(Testing.app(), "production");
  build(stack, secureWorkload(stack, "web"));
  const json = JSON.parse(Testing.synth(stack)) as Record<string, never>;
  const [rule] = CANARY_RULES;
  return (rule?.check(new SynthesizedStack("production", json, true)) ?? []).flatMap((violation) =>
    violation.message.split("; "),
  );
}

describe("K8S024 (Flagger Canary)", () => {
  it("accepts a CanaryRelease of the Deployment and its autoscaler", () => {
    expect(problems((stack) => new CanaryRelease(stack, "canary", WEB_CANARY))).toEqual([]);
  });

  it("fails a Canary of a Deployment the stack does not have", () => {
    expect(problems((stack) => new CanaryRelease(stack, "canary", { ...WEB_CANARY, name: "other" }))).toEqual([
      "targets Deployment 'other', which is not a Deployment of this stack",
    ]);
  });

  it("fails a Canary whose autoscalerRef names no autoscaler of its Deployment", () => {
    expect(
      problems((stack) => new CanaryRelease(stack, "canary", { ...WEB_CANARY, autoscalerName: "missing" })),
    ).toEqual([
      "has no autoscalerRef to a HorizontalPodAutoscaler of Deployment 'web': Flagger copies it for the primary, which otherwise never scales",
    ]);
  });

  it("fails a target Deployment whose selector Flagger cannot use", () => {
    expect(
      problems((stack, { deployment }) => {
        deployment.addOverride("spec.selector.match_labels", { "app.kubernetes.io/name": null, tier: "web" });
        new CanaryRelease(stack, "canary", WEB_CANARY);
      }),
    ).toEqual([
      "targets Deployment 'web', whose selector has none of Flagger's selector labels (app, name, app.kubernetes.io/name)",
    ]);
  });

  it("fails a Terraform HTTPRoute named as the route Flagger generates", () => {
    const found = problems((stack) => {
      new CanaryRelease(stack, "canary", WEB_CANARY);
      new Manifest(stack, "route", {
        manifest: {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: "web", namespace: "shop" },
        },
      });
    });
    expect(found).toEqual(["shares a name with kubernetes_manifest.route: Flagger generates that HTTPRoute"]);
  });

  it("fails a primary without a disruption budget", () => {
    const found = problems((stack) => {
      const release = new CanaryRelease(stack, "canary", WEB_CANARY);
      const budget = release.node.findChild("primary-disruption-budget");
      budget.node.scope?.node.tryRemoveChild(budget.node.id);
    });
    expect(found).toEqual([
      "leaves the primary's pods (app.kubernetes.io/name=web-primary) without a PodDisruptionBudget",
    ]);
  });
});
