import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { TerraformStack, Testing } from "cdktf";
import { CanaryRelease, type CanaryReleaseProps } from "../../constructs/kubernetes";
import type { RuleCase } from "./policy";
import { secureWorkload } from "./policy-fixtures";
import { resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** The canary release of the secure workload `web` (namespace `shop`, Gateway `gateway/public`). */
export const WEB_CANARY: CanaryReleaseProps = {
  name: "web",
  namespace: "shop",
  autoscalerName: "web",
  gateways: [{ name: "public", namespace: "gateway" }],
  prometheusAddress: "http://prometheus.monitoring:9090",
  prometheusNamespace: "monitoring",
  ingressNamespace: "gateway",
  port: 8000,
};

/** The secure workload `web` released by Flagger. */
function canaryWorkload(stack: TerraformStack): void {
  secureWorkload(stack, "web");
  new CanaryRelease(stack, "web-canary", WEB_CANARY);
}

/** The Canary's address, which Terraform names after the construct path. */
function canaryAddress(): string {
  const stack = new TerraformStack(Testing.app(), "production");
  canaryWorkload(stack);
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  const canary = resourcesOf(json, "kubernetes_manifest").find(
    (block) => (block.body.manifest as { kind?: string }).kind === "Canary",
  );
  return canary?.address ?? "no Canary";
}

/** The passing and failing case of the Flagger rule, for the Kubernetes rules' table. */
export function canaryRuleCases(): RuleCase[] {
  return [
    {
      rule: "K8S024",
      accepts: "a Canary of a Deployment with its autoscaler, whose Services Flagger generates",
      pass: canaryWorkload,
      rejects: "a Terraform Service named as the Service Flagger generates for the Canary",
      fail: (stack) => {
        canaryWorkload(stack);
        new ServiceV1(stack, "web-service", {
          metadata: { name: "web", namespace: "shop" },
          spec: { selector: { "app.kubernetes.io/name": "web" }, port: [{ port: 80, targetPort: "http" }] },
        });
      },
      address: canaryAddress(),
    },
  ];
}
