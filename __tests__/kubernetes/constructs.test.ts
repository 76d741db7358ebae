import { TerraformStack, Testing } from "cdktf";
import {
  ActiveColorVariable,
  NamespaceNetworkPolicies,
  RegistryPullSecret,
  RestrictedNamespace,
  ServiceSettings,
  WebService,
  type WebServiceProps,
} from "../../constructs/kubernetes";
import { SensitiveVariable } from "../../constructs/terraform";
import { toKubernetesObject } from "../support/kubernetes-objects";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";
import { resourcesOf } from "../../lib/terraform-json/terraform-json";

const DIGEST = `sha256:${"a".repeat(64)}`;

function scratchStack(): TerraformStack {
  return new TerraformStack(Testing.app(), "test");
}

function synthesized(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

const rolling = (overrides: Partial<WebServiceProps> = {}): WebServiceProps => ({
  name: "web",
  namespace: "apps",
  rollout: { strategy: "rolling", image: `ghcr.io/acme/web@${DIGEST}` },
  routing: { controllerNamespace: "gateway-system" },
  ...overrides,
});

describe("WebService", () => {
  it("defaults to the secure choices: two replicas, spec limits, probes on the standard paths, a pre-stop sleep", () => {
    const stack = scratchStack();
    new WebService(stack, "web", rolling());
    const json = synthesized(stack);
    const [deployment] = resourcesOf(json, "kubernetes_deployment_v1");
    const object = toKubernetesObject("kubernetes_deployment_v1", deployment?.body ?? {});
    expect(JSON.stringify(object)).toContain('"limits":{"cpu":"1","ephemeral-storage":"256Mi","memory":"512Mi"}');
    expect(JSON.stringify(object)).toContain(
      '"preStop":{"exec":{"command":["/app/.venv/bin/python","-c","import time; time.sleep(10)"]}}',
    );
    expect(resourcesOf(json, "kubernetes_horizontal_pod_autoscaler_v2")[0]?.body.spec).toMatchObject({
      min_replicas: 2,
      max_replicas: 10,
    });
    expect(resourcesOf(json, "kubernetes_network_policy_v1")[0]?.body.spec).toMatchObject({
      ingress: [
        { from: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "gateway-system" } } }] },
      ],
    });
  });

  it.each<[string, Partial<WebServiceProps>, string]>([
    [
      "an image referenced by tag",
      { rollout: { strategy: "rolling", image: "ghcr.io/acme/web:latest" } },
      `rollout.image must be an image referenced by digest, 'repository@sha256:<64 hex digits>' (got "ghcr.io/acme/web:latest")`,
    ],
    [
      "a colour's image with a malformed digest",
      {
        rollout: {
          strategy: "blue-green",
          images: { blue: `ghcr.io/acme/web@${DIGEST}`, green: "ghcr.io/acme/web@sha256:abc" },
          defaultActiveColor: "blue",
        },
      },
      "rollout.images.green must be an image referenced by digest",
    ],
    ["a port out of range", { port: 70000 }, "port must be an integer from 1 to 65535 (got 70000)"],
    [
      "a probe path without '/'",
      { healthPaths: { readiness: "ready" } },
      `healthPaths.readiness must be an HTTP path starting with '/' (got "ready")`,
    ],
    [
      "a limit below its request",
      { resources: { requests: { memory: "1Gi" } } },
      `resources.limits.memory must be at least the request (1Gi) (got "512Mi")`,
    ],
    [
      "an invalid quantity",
      { resources: { limits: { cpu: "lots" } } },
      "resources.limits.cpu must be a Kubernetes quantity",
    ],
    [
      "min above max replicas",
      { replicas: { min: 5, max: 2 } },
      "replicas.max must be a whole number from replicas.min (5) to 1000 (got 2)",
    ],
    ["zero replicas", { replicas: { min: 0, max: 2 } }, "replicas.min must be a whole number from 1 to 1000 (got 0)"],
    [
      "more replicas than the configuration allows",
      { replicas: { min: 2, max: 1001 } },
      "replicas.max must be a whole number from replicas.min (2) to 1000 (got 1001)",
    ],
    [
      "a utilization target below the configuration's floor",
      { autoscaling: { targetMemoryUtilizationPercent: 5 } },
      "autoscaling.targetMemoryUtilizationPercent must be a whole percentage from 10 to 100 (got 5)",
    ],
    [
      "a utilization target of zero",
      { autoscaling: { targetCpuUtilizationPercent: 0 } },
      "autoscaling.targetCpuUtilizationPercent must be a whole percentage from 10 to 100 (got 0)",
    ],
    [
      "a scale-down window over an hour",
      { autoscaling: { scaleDownStabilizationSeconds: 7200 } },
      "autoscaling.scaleDownStabilizationSeconds must be a whole number of seconds from 0 to 3600 (got 7200)",
    ],
    [
      "a drain that leaves uvicorn no time after SIGTERM",
      { shutdown: { drainSeconds: 28, terminationGracePeriodSeconds: 30 } },
      "shutdown.drainSeconds must be at most shutdown.terminationGracePeriodSeconds - 3 (27)",
    ],
    [
      "a negative drain",
      { shutdown: { drainSeconds: -1 } },
      "shutdown.drainSeconds must be a whole number of seconds from 0 to 300 (got -1)",
    ],
    [
      "a name Kubernetes rejects",
      { name: "Web_Service" },
      `name must be a DNS-1123 label of at most 40 characters (got "Web_Service")`,
    ],
  ])("rejects %s, naming the prop and the value", (_, overrides, message) => {
    expect(() => new WebService(scratchStack(), "web", rolling(overrides))).toThrow(message);
  });
});

describe("ActiveColorVariable", () => {
  it("is one variable per service and stack, named <service>_active_color, found again on later calls", () => {
    const stack = scratchStack();
    const first = ActiveColorVariable.of(stack, "orders-api");
    expect(ActiveColorVariable.of(stack, "orders-api")).toBe(first);
    expect(synthesized(stack).variable?.orders_api_active_color).toMatchObject({ default: "", type: "string" });
  });

  it("rejects a name already taken by another construct at the top of the stack", () => {
    const stack = scratchStack();
    SensitiveVariable.of(stack, "orders_api_active_color", { description: "x" });
    expect(() => ActiveColorVariable.of(stack, "orders-api")).toThrow(
      "'orders_api_active_color' already names another construct at the top of stack test",
    );
  });
});

describe("ServiceSettings", () => {
  const props = { serviceName: "web", namespace: "apps", environment: "staging", port: 8000 };

  it("defaults LOG_LEVEL to info and creates no Secret without secret names", () => {
    const stack = scratchStack();
    const settings = new ServiceSettings(stack, "settings", props);
    expect(settings.secret).toBeUndefined();
    expect(resourcesOf(synthesized(stack), "kubernetes_config_map_v1")[0]?.body.data).toEqual({
      APP_ENV: "staging",
      LOG_LEVEL: "info",
      PORT: "8000",
    });
  });

  it("changes its checksum when a setting changes", () => {
    const a = new ServiceSettings(scratchStack(), "s", { ...props, settings: { LOG_LEVEL: "info" } });
    const b = new ServiceSettings(scratchStack(), "s", { ...props, settings: { LOG_LEVEL: "debug" } });
    expect(a.checksum).not.toBe(b.checksum);
    expect(a.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Partial<ConstructorParameters<typeof ServiceSettings>[2]>, string]>([
    [
      "a setting that overrides APP_ENV",
      { settings: { APP_ENV: "prod" } },
      "settings.APP_ENV is derived from the environment prop",
    ],
    ["a setting that overrides PORT", { settings: { PORT: "80" } }, "settings.PORT is derived from the port prop"],
    [
      "a name that is no environment variable",
      { settings: { "log-level": "x" } },
      "must be environment variable names (got 'log-level')",
    ],
    [
      "a name that is both a setting and a secret",
      { settings: { DATABASE_URL: "x" }, secretNames: ["DATABASE_URL"] },
      "DATABASE_URL is both a setting and a secret",
    ],
  ])("rejects %s", (_, overrides, message) => {
    expect(() => new ServiceSettings(scratchStack(), "s", { ...props, ...overrides })).toThrow(message);
  });
});

describe("namespace-level constructs", () => {
  it("RegistryPullSecret rejects an empty registry list", () => {
    expect(
      () =>
        new RegistryPullSecret(scratchStack(), "p", {
          namespace: "apps",
          registries: [],
          username: "u",
          password: "p",
        }),
    ).toThrow("registries must list at least one registry host (got none)");
  });

  it("RestrictedNamespace rejects quota amounts that are no quantities and a pod count below 1", () => {
    expect(
      () => new RestrictedNamespace(scratchStack(), "n", { name: "apps", quota: { requests: { cpu: "many" } } }),
    ).toThrow("quota.requests.cpu must be a Kubernetes quantity such as '250m' or '256Mi' (got 'many')");
    expect(() => new RestrictedNamespace(scratchStack(), "n", { name: "apps", quota: { pods: 0 } })).toThrow(
      "quota.pods must be a whole number of at least 1 (got 0)",
    );
    expect(
      () => new RestrictedNamespace(scratchStack(), "n", { name: "apps", limitRange: { max: { memory: "-1Gi" } } }),
    ).toThrow("limitRange.max.memory must be a Kubernetes quantity");
  });

  it("RestrictedNamespace writes a limit range with only the fields given", () => {
    const stack = scratchStack();
    new RestrictedNamespace(stack, "n", { name: "apps", limitRange: { max: { cpu: "2" } } });
    expect(resourcesOf(synthesized(stack), "kubernetes_limit_range_v1")[0]?.body.spec).toEqual({
      limit: [{ type: "Container", max: { cpu: "2" } }],
    });
  });

  it("NamespaceNetworkPolicies rejects a malformed CIDR and a port out of range", () => {
    expect(
      () =>
        new NamespaceNetworkPolicies(scratchStack(), "p", {
          namespace: "apps",
          egress: [{ name: "db", cidr: "10.0.0.1/24", port: 5432 }],
        }),
    ).toThrow(
      "egress[0].cidr must be a CIDR block with the host bits zero, such as '10.20.0.0/16' (got '10.0.0.1/24')",
    );
    expect(
      () =>
        new NamespaceNetworkPolicies(scratchStack(), "p", {
          namespace: "apps",
          egress: [{ name: "db", cidr: "10.0.0.0/24", port: 0 }],
        }),
    ).toThrow("egress[0].port must be an integer from 1 to 65535 (got 0)");
  });

  it("NamespaceNetworkPolicies lets the cluster DNS be elsewhere (NodeLocal DNSCache, other labels)", () => {
    const stack = scratchStack();
    new NamespaceNetworkPolicies(stack, "p", {
      namespace: "apps",
      dns: { kubeDns: { namespace: "dns", podLabels: { app: "dns" } } },
    });
    const dns = resourcesOf(synthesized(stack), "kubernetes_network_policy_v1").find(
      (block) => (block.body.metadata as { name: string }).name === "allow-dns",
    );
    expect(JSON.stringify(dns?.body)).toContain('"kubernetes.io/metadata.name":"dns"');
    expect(JSON.stringify(dns?.body)).toContain('"match_labels":{"app":"dns"}');
  });
});
