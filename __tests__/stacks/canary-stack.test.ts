import * as path from "node:path";
import { loadConfig } from "../../lib/config";
import { clusterStackId, environmentStackId, serviceEnvironmentStackId } from "../../lib/domain";
import { resourcesOf } from "../../lib/terraform-json/terraform-json";
import { flaggerObject, flaggerObjectsOf, flaggerSchemaErrors } from "../support/flagger";
import { PROJECT_ROOT, stackOf, synthesizeConfig, groupOf } from "../support/synth";

// config/examples/canary.yaml synthesized as `npm run synth` does (guardrails included: a finding
// of severity error fails the synth).
const config = loadConfig(path.join(PROJECT_ROOT, "config/examples/canary.yaml"));
const app = synthesizeConfig(config);
const production = groupOf(app, "production");
const staging = groupOf(app, "staging");

const namesOf = (stack: typeof production, type: string) =>
  resourcesOf(stack, type).map((block) => {
    const metadata = block.body.metadata as { name?: string } | { name?: string }[];
    return (Array.isArray(metadata) ? metadata[0] : metadata)?.name;
  });

interface CanarySpec {
  targetRef: { name: string };
  autoscalerRef: { name: string };
  service: { gatewayRefs: unknown[]; hosts: string[] };
  analysis: {
    interval: string;
    threshold: number;
    stepWeights: number[];
    metrics: { thresholdRange: Record<string, number>; interval: string }[];
    webhooks: { name: string; type: string }[];
  };
}

describe("the canary example (config/examples/canary.yaml)", () => {
  it("synthesizes a Canary and its two MetricTemplates per service in production, none in staging", () => {
    const kinds = flaggerObjectsOf(production).map(({ object }) => `${object.kind} ${object.metadata.name ?? ""}`);
    expect(kinds.sort()).toEqual([
      "Canary orders-api",
      "Canary payments-api",
      "MetricTemplate orders-api-latency-p99",
      "MetricTemplate orders-api-success-rate",
      "MetricTemplate payments-api-latency-p99",
      "MetricTemplate payments-api-success-rate",
    ]);
    expect(flaggerObjectsOf(staging)).toEqual([]);
  });

  it("writes each service's Canary and MetricTemplates in that service's production stack, none in the shared one", () => {
    for (const service of ["orders-api", "payments-api"]) {
      const own = flaggerObjectsOf(stackOf(app, serviceEnvironmentStackId("production", service)));
      expect(own.map(({ object }) => `${object.kind} ${object.metadata.name ?? ""}`).sort()).toEqual([
        `Canary ${service}`,
        `MetricTemplate ${service}-latency-p99`,
        `MetricTemplate ${service}-success-rate`,
      ]);
    }
    expect(flaggerObjectsOf(stackOf(app, environmentStackId("production")))).toEqual([]);
  });

  it("validates every Flagger object against the CRD schemas of Flagger v1.44.0", () => {
    for (const { address, object } of flaggerObjectsOf(production)) {
      expect({ address, errors: flaggerSchemaErrors(object) }).toEqual({ address, errors: [] });
    }
  });

  it("releases orders-api with the defaults and payments-api with its own steps, gates and smoke test", () => {
    const orders = flaggerObject(production, "Canary", "orders-api").spec as CanarySpec;
    expect(orders.analysis).toMatchObject({ interval: "1m", threshold: 3, stepWeights: [10, 25, 50, 100] });
    expect(orders.analysis.metrics.map((metric) => metric.thresholdRange)).toEqual([{ min: 99 }, { max: 500 }]);
    expect(orders.analysis.webhooks.map((webhook) => [webhook.name, webhook.type])).toEqual([["load-test", "rollout"]]);
    expect(orders.service.hosts).toEqual(["orders.example.com"]);

    const payments = flaggerObject(production, "Canary", "payments-api").spec as CanarySpec;
    expect(payments.analysis).toMatchObject({ interval: "2m", threshold: 3, stepWeights: [5, 10, 25, 50, 100] });
    expect(payments.analysis.metrics.map((metric) => [metric.thresholdRange, metric.interval])).toEqual([
      [{ min: 99.9 }, "1m"],
      [{ max: 300 }, "1m"],
    ]);
    expect(payments.analysis.webhooks.map((webhook) => [webhook.name, webhook.type])).toEqual([
      ["smoke-test", "pre-rollout"],
    ]);
  });

  it("queries the configured Prometheus", () => {
    const template = flaggerObject(production, "MetricTemplate", "orders-api-success-rate").spec as {
      provider: { address: string };
    };
    expect(template.provider.address).toBe("http://prometheus.monitoring:9090");
  });

  it("keeps one Terraform Deployment per service and leaves the Services named after it to Flagger", () => {
    const deployments = namesOf(production, "kubernetes_deployment_v1");
    expect(deployments.sort()).toEqual(["orders-api", "payments-api"]);
    const services = namesOf(production, "kubernetes_service_v1");
    for (const name of ["orders-api", "payments-api"]) {
      expect(services).not.toContain(name);
      expect(services).not.toContain(`${name}-primary`);
      expect(services).not.toContain(`${name}-canary`);
    }
    expect(namesOf(staging, "kubernetes_service_v1")).toEqual(expect.arrayContaining(["orders-api", "payments-api"]));
  });

  it("lets the pipeline's account, written by the cluster-production stack, read only the two Canaries and their primaries", () => {
    const cluster = stackOf(app, clusterStackId("production"));
    const rules = resourcesOf(cluster, "kubernetes_role_v1").map((block) => block.body.rule);
    expect(rules).toContainEqual([
      {
        api_groups: ["flagger.app"],
        resources: ["canaries"],
        resource_names: ["orders-api", "payments-api"],
        verbs: ["get"],
      },
      {
        api_groups: ["apps"],
        resources: ["deployments"],
        resource_names: ["orders-api-primary", "payments-api-primary"],
        verbs: ["get"],
      },
    ]);
    expect(resourcesOf(production, "kubernetes_role_v1")).toEqual([]);
  });

  it("lets the environment's deployer, written by the cluster-production stack, write the Canaries and MetricTemplates", () => {
    const cluster = stackOf(app, clusterStackId("production"));
    const rules = resourcesOf(cluster, "kubernetes_role_v1").flatMap(
      (block) => block.body.rule as { api_groups: string[]; resources: string[]; verbs: string[] }[],
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ api_groups: ["flagger.app"], resources: ["canaries", "metrictemplates"] }),
    );
  });
});

describe("the canary example's guardrails", () => {
  it("find nothing: the Deployment keeps every pod rule, and K8S024 holds", () => {
    expect(app.annotations.map((annotation) => `${annotation.level} ${annotation.message}`)).toEqual([]);
  });
});
