import * as path from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../../lib/config";
import { CI_WORKFLOW_FILE, serviceWorkflowFiles, validatePipelineProps } from "../../renderers/workflows";
import { deploymentTimeoutMinutes } from "../../renderers/workflows/deployment/deployment-job";
import { servicePipelineProps } from "../../stacks/github-stack";
import { PROJECT_ROOT } from "../support/synth";
import { actionlintFindings, actionValidatorErrors } from "../support/workflow-checks";

jest.setTimeout(20_000);

interface ParsedStep {
  name: string;
  id?: string;
  if?: string;
  env?: Record<string, string>;
  run?: string;
}

const config = loadConfig(path.join(PROJECT_ROOT, "config/examples/canary.yaml"));

function ciWorkflow(serviceIndex: number): { text: string; jobs: Record<string, { steps: ParsedStep[] }> } {
  const service = config.services[serviceIndex];
  if (service === undefined) {
    throw new Error(`the canary example has no service ${serviceIndex}`);
  }
  const file = serviceWorkflowFiles(servicePipelineProps(config, service)).find(
    (candidate) => candidate.path === CI_WORKFLOW_FILE,
  );
  const text = file?.content ?? "";
  return { text, jobs: (parse(text) as { jobs: Record<string, { steps: ParsedStep[] }> }).jobs };
}

describe("the production deploy job of a canary environment", () => {
  const { text, jobs } = ciWorkflow(0);
  const production = jobs["deploy-production"]?.steps ?? [];
  const names = production.map((step) => step.id ?? step.name);

  it("notes the start, sets the digest through Terraform Cloud, then waits for Flagger's verdict before the health check", () => {
    const order = ["canary-start", "current", "deploy", "canary"].map((id) => names.indexOf(id));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const health = production.findIndex((step) => step.name.startsWith("Health check"));
    expect(health).toBeGreaterThan(names.indexOf("canary"));
  });

  it("rolls the image variable back when the canary fails, so no later apply brings the failed digest back", () => {
    const rollback = production.find((step) => step.name === "Roll back to the previous image");
    expect(rollback?.if).toBe("failure() && (steps.deploy.outcome == 'success' || steps.deploy.outcome == 'failure')");
    expect(names.indexOf("Roll back to the previous image")).toBeGreaterThan(names.indexOf("canary"));
  });

  it("reads the cluster with the production environment's read-only token, and waits as long as the release can take", () => {
    const wait = production.find((step) => step.id === "canary");
    expect(wait?.env).toMatchObject({
      K8S_API_URL: "${{ vars.K8S_API_URL }}",
      K8S_NAMESPACE: "${{ vars.K8S_NAMESPACE }}",
      K8S_TOKEN: "${{ secrets.K8S_CANARY_TOKEN }}",
      CANARY_SINCE: "${{ steps.canary-start.outputs.at }}",
      // orders-api: 600 s for the pods + (1 + 4 steps + 3 failed checks + 2) x 60 s.
      CANARY_TIMEOUT_SECONDS: "1200",
    });
    expect(wait?.run).toContain("Waits for Flagger's verdict");
  });

  it("waits longer for a service with more and slower steps", () => {
    const wait = ciWorkflow(1).jobs["deploy-production"]?.steps.find((step) => step.id === "canary");
    // payments-api: 600 s + (1 + 5 steps + 3 failed checks + 2) x 120 s.
    expect(wait?.env?.CANARY_TIMEOUT_SECONDS).toBe("1920");
  });

  it("gives the job the verdict's time on top of a rolling deployment's, so the rollback still runs", () => {
    const props = servicePipelineProps(config, config.services[0] ?? ({} as never));
    const { canary: _canary, ...rolling } = props.production;
    const without = deploymentTimeoutMinutes(
      { ...props, production: { ...rolling, strategy: "rolling" } },
      "production",
    );
    expect(deploymentTimeoutMinutes(props, "production") - without).toBe(20);
  });

  it("leaves staging's rolling job without a wait step", () => {
    const staging = jobs["deploy-staging"]?.steps ?? [];
    expect(staging.some((step) => step.id === "canary" || step.id === "canary-start")).toBe(false);
  });

  it("passes actionlint and the workflow schema", async () => {
    expect(await actionlintFindings(text)).toEqual([]);
    expect(actionValidatorErrors(text)).toEqual([]);
  });

  it("rejects a canary environment without its settings, and settings without the strategy", () => {
    const props = servicePipelineProps(config, config.services[0] ?? ({} as never));
    const { canary: _canary, ...withoutSettings } = props.production;
    expect(() => validatePipelineProps({ ...props, production: withoutSettings })).toThrow(
      "service orders-api: production canary settings are required with strategy 'canary' and only with it (strategy 'canary')",
    );
    expect(() =>
      validatePipelineProps({ ...props, staging: { ...props.staging, canary: { verdictTimeoutSeconds: 60 } } }),
    ).toThrow("staging canary settings are required with strategy 'canary' and only with it (strategy 'rolling')");
  });
});
