import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type TerraformStack } from "cdktf";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { parse } from "yaml";
import { buildDeliveryApp } from "../../lib/app/app";
import { synthesizeAllOrNothing } from "../../lib/app/synth";
import { serviceEnvironmentStackId } from "../../lib/domain";
import { configWith } from "../support/config-text";
import { PROJECT_ROOT, stackOf, synthesizeDefaultConfig } from "../support/synth";
import { resourcesOf } from "../../lib/terraform-json/terraform-json";

const README = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");

describe("the README's examples", () => {
  it("suppress a finding with the suppression example, for both colours of production", () => {
    const block = /\*\*Suppressing a finding\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(README)?.[1];
    const example = parse(block ?? "") as { policy: { suppressions: unknown[] } };
    const config = configWith([["policy", "suppressions"], example.policy.suppressions]);
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "readme-example-")), "cdktf.out");
    const annotations = synthesizeAllOrNothing((dir) => {
      const app = buildDeliveryApp(config, { outdir: dir });
      // The escape hatch the README describes: replicas pinned on the production Deployments,
      // which the service's production stack holds.
      const production = app.node.findChild(serviceEnvironmentStackId("production", "orders-api")) as TerraformStack;
      for (const deployment of production.node.findAll().filter((node) => node instanceof DeploymentV1)) {
        deployment.addOverride("spec.replicas", "4");
      }
      return app;
    }, outdir);
    const suppressed = annotations.filter((annotation) => annotation.message.startsWith("suppressed K8S015"));
    expect(suppressed.map((annotation) => annotation.message.split(" ")[2])).toEqual([
      "kubernetes_deployment_v1.orders-api-workload_blue_deployment_A7DA3F1C:",
      "kubernetes_deployment_v1.orders-api-workload_green_deployment_8B98A176:",
    ]);
    expect(annotations.filter((annotation) => annotation.level === "warning")).toEqual([]);
  });

  it("name the branches staging deploys from as the synthesized deployment policies do", () => {
    const row = /\| may deploy +\| (.+?) +\|/.exec(README)?.[1] ?? "";
    const listed = [...row.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    const policies = resourcesOf(
      stackOf(synthesizeDefaultConfig(), serviceEnvironmentStackId("staging", "orders-api")),
      "github_repository_environment_deployment_policy",
    );
    expect(policies.map((policy) => policy.body.branch_pattern).sort()).toEqual(listed.sort());
  });
});
