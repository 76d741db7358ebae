import { cidrProblem } from "../../lib/domain/cidr";
import { configProblems } from "../support/config-problems";
import { configWith, editedDefaultConfig, type ConfigEdit } from "../support/config-text";

describe("workload settings in the configuration", () => {
  it("default to blue as the active colour, a Gateway API route, kube-dns and NodeLocal DNS, no egress, no quota and a 10 s drain", () => {
    const config = configWith(
      [["environments", "production", "activeColor"], "delete"],
      [["environments", "production", "network"], "delete"],
      [["environments", "production", "quota"], "delete"],
      [["environments", "production", "limitRange"], "delete"],
      [["services", 0, "shutdown"], "delete"],
    );
    expect(config.environments.production).toMatchObject({
      activeColor: "blue",
      network: {
        routing: {
          kind: "gateway",
          gateway: { name: "public", namespace: "gateway-system" },
          controllerNamespace: "gateway-system",
        },
        dns: {
          kubeDns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
          nodeLocalCache: true,
          endpoints: [],
        },
        egress: [],
      },
    });
    expect(config.environments.production.quota).toBeUndefined();
    expect(config.environments.production.limitRange).toBeUndefined();
    expect(config.services[0]?.shutdown).toEqual({
      terminationGracePeriodSeconds: 30,
      drainSeconds: 10,
    });
  });

  it("accepts IPv6 endpoints and UDP", () => {
    const config = configWith([
      ["environments", "staging", "network", "egress"],
      [{ name: "metrics", cidr: "fd00:10::/64", port: 8125, protocol: "UDP" }],
    ]);
    expect(config.environments.staging.network.egress).toEqual([
      { name: "metrics", cidr: "fd00:10::/64", port: 8125, protocol: "UDP" },
    ]);
  });

  const egress = (endpoint: Record<string, unknown>): ConfigEdit => [
    ["environments", "staging", "network", "egress"],
    [{ name: "db", cidr: "10.0.0.0/24", port: 5432, ...endpoint }],
  ];

  it.each<[string, ConfigEdit[], string]>([
    [
      "an endpoint CIDR that is not a CIDR block",
      [egress({ cidr: "10.0.0.300/24" })],
      "environments.staging.network.egress[0].cidr: must be an IPv4 or IPv6 CIDR block such as '10.20.0.0/16' or 'fd00:10::/64' (got '10.0.0.300/24')",
    ],
    [
      "an endpoint CIDR without a prefix length",
      [egress({ cidr: "10.0.0.7" })],
      "environments.staging.network.egress[0].cidr: must be an IPv4 or IPv6 CIDR block",
    ],
    [
      "an endpoint CIDR with a prefix longer than the address",
      [egress({ cidr: "10.0.0.0/33" })],
      "environments.staging.network.egress[0].cidr: must have a prefix length from 0 to 32 (got '10.0.0.0/33')",
    ],
    [
      "an endpoint CIDR with host bits set",
      [egress({ cidr: "10.0.0.7/24" })],
      "environments.staging.network.egress[0].cidr: must be a network address with the host bits zero (did you mean '10.0.0.0/24'?)",
    ],
    [
      "an endpoint port out of range",
      [egress({ port: 70000 })],
      "environments.staging.network.egress[0].port: must be an integer from 1 to 65535 (got 70000)",
    ],
    [
      "an endpoint protocol other than TCP or UDP",
      [egress({ protocol: "SCTP" })],
      "environments.staging.network.egress[0].protocol: must be one of: TCP, UDP (got 'SCTP')",
    ],
    [
      "two endpoints with the same name",
      [
        [
          ["environments", "staging", "network", "egress"],
          [
            { name: "db", cidr: "10.0.0.0/24", port: 5432 },
            { name: "db", cidr: "10.0.1.0/24", port: 5432 },
          ],
        ],
      ],
      "environments.staging.network.egress[1].name: must be unique within the environment: 'db' is listed twice",
    ],
    [
      "a controller namespace Kubernetes rejects",
      [[["environments", "staging", "network", "routing", "controllerNamespace"], "Envoy_Gateway"]],
      "environments.staging.network.routing.controllerNamespace: must be a DNS-1123 label",
    ],
    [
      "an Ingress without a class or a controller namespace",
      [[["environments", "staging", "network", "routing"], { kind: "ingress" }]],
      "environments.staging.network.routing.ingressClassName: is required when kind is ingress",
    ],
    [
      "TLS settings on a Gateway route (TLS is the listener's)",
      [[["environments", "staging", "network", "routing", "tls"], { secretName: "orders-tls" }]],
      "environments.staging.network.routing.tls: applies to kind ingress only",
    ],
    [
      "DNS with no resolver at all",
      [[["environments", "staging", "network", "dns"], { kubeDns: false, nodeLocalCache: false }]],
      "environments.staging.network.dns: must allow at least one resolver",
    ],
    [
      "an active colour other than blue or green",
      [[["environments", "production", "activeColor"], "purple"]],
      "environments.production.activeColor: must be one of: blue, green (got 'purple')",
    ],
    [
      "an invalid memory quantity",
      [[["services", 0, "resources", "requests", "memory"], "256 MB"]],
      "services[0].resources.requests.memory: must be a positive Kubernetes memory quantity such as '256Mi' or '1Gi' (got '256 MB')",
    ],
    [
      "an invalid ephemeral storage quantity",
      [[["services", 0, "resources", "limits", "ephemeralStorage"], "big"]],
      "services[0].resources.limits.ephemeralStorage: must be a positive Kubernetes memory quantity",
    ],
    [
      "an ephemeral storage limit below its request",
      [[["services", 0, "resources", "requests", "ephemeralStorage"], "1Gi"]],
      "services[0].resources.limits.ephemeralStorage: must be at least the request (1Gi); got 256Mi",
    ],
    [
      "a service's production minimum below two",
      [[["services", 0, "environments", "production", "replicas"], { min: 1, max: 4 }]],
      "services[0].environments.production.replicas.min: must be at least 2 in production",
    ],
    [
      "a service's min above its max",
      [[["services", 0, "environments", "staging", "replicas"], { min: 4, max: 2 }]],
      "services[0].environments.staging.replicas.min: min must not be above max",
    ],
    [
      "a drain that leaves uvicorn no time after SIGTERM",
      [[["services", 0, "shutdown"], { terminationGracePeriodSeconds: 10, drainSeconds: 8 }]],
      "services[0].shutdown.drainSeconds: must be at most 7 (terminationGracePeriodSeconds - 3) so that uvicorn has at least one second after SIGTERM and a 2 s margin remains before the kill (got 8)",
    ],
    [
      "a drain path without a leading slash",
      [[["services", 0, "shutdown", "drainPath"], "drain"]],
      "services[0].shutdown.drainPath: must be an HTTP path starting with '/'",
    ],
    [
      "a grace period of zero",
      [[["services", 0, "shutdown", "terminationGracePeriodSeconds"], 0]],
      "services[0].shutdown.terminationGracePeriodSeconds: must be from 1 to 3600 seconds (got 0)",
    ],
    [
      "a quota amount that is no quantity",
      [[["environments", "production", "quota", "requests", "cpu"], "eight"]],
      "environments.production.quota.requests.cpu: must be a positive Kubernetes CPU quantity",
    ],
    [
      "a quota whose limits are below its requests",
      [[["environments", "production", "quota", "limits", "memory"], "8Gi"]],
      "environments.production.quota.limits.memory: must be at least requests.memory (16Gi) (got '8Gi')",
    ],
    [
      "a quota too small for every Deployment at its minimum plus a surge pod",
      [[["environments", "production", "quota", "requests", "cpu"], "1"]],
      "environments.production.quota.requests.cpu: must be at least 2: orders-api 8 pods x 250m (minimum replicas plus one surge pod per Deployment) (got '1')",
    ],
    [
      "a quota with too few pods",
      [[["environments", "production", "quota", "pods"], 5]],
      "environments.production.quota.pods: must be at least 8: every Deployment at its minimum replicas plus one surge pod during a rollout (got 5)",
    ],
    [
      "a limit range maximum below a service's limit",
      [[["environments", "production", "limitRange", "max", "memory"], "256Mi"]],
      "environments.production.limitRange.max.memory: must be at least the memory limit of service orders-api (512Mi), or Kubernetes rejects its pods (got '256Mi')",
    ],
    [
      "a limit range default below its default request",
      [[["environments", "production", "limitRange", "default", "cpu"], "50m"]],
      "environments.production.limitRange.default.cpu: must be at least defaultRequest.cpu (100m) (got '50m')",
    ],
    [
      "an environment variable that would override the app's APP_ENV",
      [[["services", 0, "variables", "environment", "APP_ENV"], "prod"]],
      "services[0].variables.environment.APP_ENV: is set for the app by the deployment (the environment's name); remove it",
    ],
    [
      "an environment's variable that would override the app's PORT",
      [[["services", 0, "environments", "staging", "variables", "PORT"], "80"]],
      "services[0].environments.staging.variables.PORT: is set for the app by the deployment (the service's port); remove it",
    ],
    [
      "an unknown key in the network settings",
      [[["environments", "staging", "network", "egres"], []]],
      "environments.staging.network.egres: unknown key (did you mean 'egress'?)",
    ],
  ])("rejects %s, naming the field", (_, edits, expected) => {
    expect(configProblems(editedDefaultConfig(...edits)).join("\n")).toContain(expected);
  });
});

describe("CIDR blocks", () => {
  it.each(["10.0.0.0/8", "0.0.0.0/0", "192.168.1.17/32", "fd00::/8", "2001:db8::/32", "::/0", "::ffff:10.0.0.0/120"])(
    "accepts %s",
    (cidr) => {
      expect(cidrProblem(cidr)).toBeUndefined();
    },
  );

  it.each<[string, ReturnType<typeof cidrProblem>]>([
    ["10.0.0.0", { kind: "syntax" }],
    ["10.0.0/8", { kind: "syntax" }],
    ["fd00::/129", { kind: "prefix", maxPrefix: 128 }],
    ["10.1.2.3/16", { kind: "host-bits", network: "10.1.0.0/16" }],
    ["2001:db8::1/64", { kind: "host-bits", network: "2001:db8:0:0:0:0:0:0/64" }],
    [" 10.0.0.0/8", { kind: "syntax" }],
  ])("rejects %s", (cidr, problem) => {
    expect(cidrProblem(cidr)).toEqual(problem);
  });
});
