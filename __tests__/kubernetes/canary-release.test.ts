import { TerraformStack, Testing } from "cdktf";
import { CanaryObserver, CanaryRelease, type CanaryReleaseProps } from "../../constructs/kubernetes";
import { crdSchemas, validateAgainst } from "../support/crd-schema";
import { FLAGGER_CRD_FILE, flaggerObject, flaggerObjectsOf, flaggerSchemaErrors } from "../support/flagger";
import { toKubernetesObject } from "../support/kubernetes-objects";
import { resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

const props = (overrides: Partial<CanaryReleaseProps> = {}): CanaryReleaseProps => ({
  name: "web",
  namespace: "production",
  autoscalerName: "web",
  gateways: [{ name: "public", namespace: "gateway" }],
  hosts: ["web.example.com"],
  prometheusAddress: "http://prometheus.monitoring:9090",
  prometheusNamespace: "monitoring",
  ingressNamespace: "gateway",
  port: 8000,
  ...overrides,
});

function synthesized(overrides: Partial<CanaryReleaseProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  new CanaryRelease(stack, "web-canary", props(overrides));
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

interface CanarySpec {
  provider: string;
  targetRef: { kind: string; name: string };
  autoscalerRef: { kind: string; name: string };
  service: { port: number; targetPort: string; gatewayRefs: unknown[]; hosts?: string[] };
  analysis: {
    interval: string;
    threshold: number;
    stepWeights: number[];
    metrics: { name: string; thresholdRange: { min?: number; max?: number }; interval: string }[];
    webhooks: { name: string; type: string; url: string; timeout: string; metadata?: Record<string, string> }[];
  };
}

const canarySpec = (json: TerraformJson) => flaggerObject(json, "Canary", "web").spec as CanarySpec;

describe("CanaryRelease", () => {
  it("releases in steps of 10, 25, 50 and 100 % at one-minute intervals, rolling back after 3 failed checks", () => {
    const { analysis } = canarySpec(synthesized());
    expect(analysis).toMatchObject({ interval: "1m", threshold: 3, stepWeights: [10, 25, 50, 100] });
  });

  it("gates every step on a success rate of at least 99 % and a p99 latency of at most 500 ms over one minute", () => {
    expect(canarySpec(synthesized()).analysis.metrics).toEqual([
      {
        name: "request-success-rate",
        templateRef: { name: "web-success-rate", namespace: "production" },
        thresholdRange: { min: 99 },
        interval: "1m",
      },
      {
        name: "request-duration-p99",
        templateRef: { name: "web-latency-p99", namespace: "production" },
        thresholdRange: { max: 500 },
        interval: "1m",
      },
    ]);
  });

  it("queries the configured Prometheus for the canary's pods only, latency in milliseconds", () => {
    const json = synthesized();
    for (const name of ["web-success-rate", "web-latency-p99"]) {
      const spec = flaggerObject(json, "MetricTemplate", name).spec as { provider: unknown; query: string };
      expect(spec.provider).toEqual({ type: "prometheus", address: "http://prometheus.monitoring:9090" });
      expect(spec.query).toContain('kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"');
    }
    const latency = flaggerObject(json, "MetricTemplate", "web-latency-p99").spec as { query: string };
    expect(latency.query).toMatch(/^histogram_quantile\(\n {2}0\.99,[^]*\* 1000$/);
  });

  it("takes the steps, interval, threshold, gates and webhooks from its props", () => {
    const { analysis } = canarySpec(
      synthesized({
        stepWeights: [5, 20, 100],
        intervalSeconds: 30,
        failureThreshold: 2,
        gates: { successRatePercent: 99.9, latencyP99Milliseconds: 250, intervalSeconds: 120 },
        webhooks: [
          { name: "smoke", type: "pre-rollout", url: "http://tester.qa/", metadata: { type: "bash", cmd: "curl x" } },
          { name: "load", type: "rollout", url: "http://tester.qa/", timeoutSeconds: 90 },
        ],
      }),
    );
    expect(analysis).toMatchObject({ interval: "30s", threshold: 2, stepWeights: [5, 20, 100] });
    expect(analysis.metrics.map((metric) => [metric.thresholdRange, metric.interval])).toEqual([
      [{ min: 99.9 }, "2m"],
      [{ max: 250 }, "2m"],
    ]);
    expect(analysis.webhooks).toEqual([
      {
        name: "smoke",
        type: "pre-rollout",
        url: "http://tester.qa/",
        timeout: "1m",
        metadata: { type: "bash", cmd: "curl x" },
      },
      { name: "load", type: "rollout", url: "http://tester.qa/", timeout: "90s" },
    ]);
  });

  it("targets the Terraform-owned Deployment and its autoscaler, routed by the Gateway API through the given Gateway", () => {
    const spec = canarySpec(synthesized());
    expect(spec.provider).toBe("gatewayapi:v1");
    expect(spec.targetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "web" });
    expect(spec.autoscalerRef).toEqual({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: "web" });
    expect(spec.service).toEqual({
      port: 80,
      targetPort: "http",
      portName: "http",
      gatewayRefs: [{ name: "public", namespace: "gateway" }],
      hosts: ["web.example.com"],
    });
  });

  it("creates the MetricTemplates before the Canary that names them", () => {
    const json = synthesized();
    const canary = resourcesOf(json, "kubernetes_manifest").find(
      (block) => (block.body.manifest as { kind: string }).kind === "Canary",
    );
    expect(canary?.body.depends_on).toHaveLength(2);
  });

  it("protects and opens the primary's pods, which Flagger labels app.kubernetes.io/name: <name>-primary", () => {
    const json = synthesized({ testerNamespaces: ["qa"] });
    const [budget] = resourcesOf(json, "kubernetes_pod_disruption_budget_v1").map((block) =>
      toKubernetesObject("kubernetes_pod_disruption_budget_v1", block.body),
    );
    expect(budget?.spec).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "web-primary" } },
      maxUnavailable: 1,
    });
    const policies = resourcesOf(json, "kubernetes_network_policy_v1").map((block) =>
      toKubernetesObject("kubernetes_network_policy_v1", block.body),
    );
    const from = (namespace: string) => [
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
    ];
    const ports = [{ port: 8000, protocol: "TCP" }];
    expect(Object.fromEntries(policies.map((policy) => [policy.metadata.name, policy.spec]))).toEqual({
      "web-primary-ingress": {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "web-primary" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: from("gateway"), ports }],
      },
      "web-metrics": {
        podSelector: { matchLabels: { "app.kubernetes.io/instance": "web" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: from("monitoring"), ports }],
      },
      "web-testers": {
        podSelector: { matchLabels: { "app.kubernetes.io/instance": "web" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: from("qa"), ports }],
      },
    });
  });

  it("validates every object against Flagger's v1.44.0 CRD schemas", () => {
    const json = synthesized({
      webhooks: [{ name: "smoke", type: "pre-rollout", url: "http://tester.qa/", metadata: { cmd: "curl x" } }],
      gateways: [{ name: "public", namespace: "gateway", sectionName: "https" }],
    });
    const objects = flaggerObjectsOf(json);
    expect(objects.map(({ object }) => object.kind).sort()).toEqual(["Canary", "MetricTemplate", "MetricTemplate"]);
    for (const { object } of objects) {
      expect(flaggerSchemaErrors(object)).toEqual([]);
    }
  });

  it.each([
    [{ stepWeights: [] }, "stepWeights must be at least one traffic percentage"],
    [{ stepWeights: [10, 10] }, "stepWeights[1] must be above the step before it (10) (got 10)"],
    [{ stepWeights: [50, 120] }, "stepWeights[1] must be a whole number from 1 to 100 (got 120)"],
    [{ intervalSeconds: 5 }, "intervalSeconds must be a whole number from 10 to 3600 (got 5)"],
    [{ failureThreshold: 0 }, "failureThreshold must be a whole number from 1 to 100 (got 0)"],
    [{ gates: { successRatePercent: 101 } }, "gates.successRatePercent must be a percentage above 0 and at most 100"],
    [{ gates: { latencyP99Milliseconds: 0 } }, "gates.latencyP99Milliseconds must be a number of milliseconds above 0"],
    [{ gateways: [] }, "gateways must be at least one Gateway"],
    [{ prometheusAddress: "prometheus:9090" }, "prometheusAddress must be an http(s) URL"],
    [{ webhooks: [{ name: "a", type: "event" as never, url: "http://t/" }] }, "webhooks[0].type must be one of"],
    [{ webhooks: [{ name: "a", type: "rollout" as const, url: "t" }] }, "webhooks[0].url must be an http(s) URL"],
    [
      {
        webhooks: [
          { name: "a", type: "rollout" as const, url: "http://t/" },
          { name: "a", type: "pre-rollout" as const, url: "http://t/" },
        ],
      },
      "webhooks[1].name must be unique",
    ],
  ])("rejects %j", (overrides, message) => {
    expect(() => synthesized(overrides)).toThrow(`CanaryRelease web: ${message}`);
  });
});

describe("the CRD schema validator", () => {
  const schemas = crdSchemas(FLAGGER_CRD_FILE);
  const canary = (spec: Record<string, unknown>) => ({
    apiVersion: "flagger.app/v1beta1",
    kind: "Canary",
    metadata: { name: "web" },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      service: { port: 80 },
      analysis: { interval: "1m", threshold: 3, stepWeights: [10, 100] },
      ...spec,
    },
  });
  const errors = (object: unknown) => validateAgainst(schemas["flagger.app/v1beta1/Canary"] ?? {}, object);

  it("reads the Canary and MetricTemplate kinds of the CRD file", () => {
    expect(Object.keys(schemas).sort()).toEqual(["flagger.app/v1beta1/Canary", "flagger.app/v1beta1/MetricTemplate"]);
  });

  it("accepts a minimal Canary, with a port name or number as targetPort (x-kubernetes-int-or-string)", () => {
    expect(errors(canary({}))).toEqual([]);
    expect(errors(canary({ service: { port: 80, targetPort: "http" } }))).toEqual([]);
    expect(errors(canary({ service: { port: 80, targetPort: 8000 } }))).toEqual([]);
  });

  it("rejects a misspelt field, a wrong type, a missing required field and a value outside an enum", () => {
    expect(errors(canary({ service: { port: 80, hostz: [] } }))).toEqual(["$.spec.service: has unknown field hostz"]);
    expect(errors(canary({ service: { port: "80" } }))).toEqual([
      '$.spec.service.port: must be of type number (got "80")',
    ]);
    expect(errors(canary({ targetRef: { kind: "Deployment", name: "web" } }))).toEqual([
      "$.spec.targetRef: requires apiVersion",
    ]);
    expect(errors(canary({ service: { port: 80, trafficDistribution: "Anywhere" } }))).toEqual([
      expect.stringContaining("$.spec.service.trafficDistribution: must be one of"),
    ]);
  });

  it("rejects an analysis that names no way to progress (oneOf iterations, stepWeight, stepWeights)", () => {
    expect(errors(canary({ analysis: { interval: "1m", threshold: 3 } }))).toEqual([
      expect.stringContaining("$.spec.analysis: must match exactly one of"),
    ]);
  });

  it("rejects a duration Flagger cannot parse, a port out of range and a webhook type it does not know", () => {
    expect(errors(canary({ analysis: { interval: "one minute", threshold: 1, stepWeight: 5 } }))).toEqual([
      '$.spec.analysis.interval: must match ^[0-9]+(m|s) (got "one minute")',
    ]);
    expect(
      errors(canary({ service: { port: 80, gatewayRefs: [{ name: "g", port: 70000 }] } })).some((error) =>
        error.includes("must be at most 65535"),
      ),
    ).toBe(true);
    expect(
      errors(
        canary({
          analysis: {
            interval: "1m",
            threshold: 1,
            stepWeight: 5,
            webhooks: [{ name: "w", url: "http://x", type: "later" }],
          },
        }),
      ),
    ).toEqual([expect.stringContaining("$.spec.analysis.webhooks[0].type: must be one of")]);
  });
});

describe("CanaryObserver", () => {
  const observer = (serviceNames: readonly string[]) => {
    const stack = new TerraformStack(Testing.app(), "test");
    new CanaryObserver(stack, "observer", { namespace: "production", serviceNames });
    return JSON.parse(Testing.synth(stack)) as TerraformJson;
  };

  it("may only get the named Canaries and their primary Deployments", () => {
    // In the provider's attribute names: rule blocks of api_groups, resources, resource_names, verbs.
    const [role] = resourcesOf(observer(["web", "api", "web"]), "kubernetes_role_v1");
    expect(role?.body.rule).toEqual([
      { api_groups: ["flagger.app"], resources: ["canaries"], resource_names: ["api", "web"], verbs: ["get"] },
      {
        api_groups: ["apps"],
        resources: ["deployments"],
        resource_names: ["api-primary", "web-primary"],
        verbs: ["get"],
      },
    ]);
  });

  it("binds the role to its own account, whose token Kubernetes writes into canary-observer-token", () => {
    const json = observer(["web"]);
    const [binding] = resourcesOf(json, "kubernetes_role_binding_v1");
    const roleRef = binding?.body.role_ref as { kind: string; name: string };
    expect(roleRef.kind).toBe("Role");
    expect(roleRef.name).toMatch(/^\$\{kubernetes_role_v1\.observer_role_\w+\.metadata\[0\]\.name\}$/);
    expect(binding?.body.subject).toMatchObject([{ kind: "ServiceAccount", namespace: "production" }]);
    const [secret] = resourcesOf(json, "kubernetes_secret_v1");
    expect(secret?.body).toMatchObject({
      type: "kubernetes.io/service-account-token",
      wait_for_service_account_token: true,
      metadata: { name: "canary-observer-token" },
    });
    expect(secret?.body.data).toBeUndefined();
  });

  it("rejects an empty list of services", () => {
    expect(() => observer([])).toThrow("CanaryObserver: serviceNames must list at least one service");
  });
});
