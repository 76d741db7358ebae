import * as path from "node:path";
import { canarySettingsOf, canaryVerdictSeconds, loadConfig, type EnvironmentCanary } from "../../lib/config";
import { configProblems } from "../support/config-problems";
import { configWith, editedDefaultConfig, type ConfigEdit } from "../support/config-text";
import { PROJECT_ROOT } from "../support/synth";

const CANARY_EXAMPLE = path.join(PROJECT_ROOT, "config/examples/canary.yaml");

const PROMETHEUS = { prometheus: { address: "http://prometheus.monitoring:9090" } };
const canaryProduction = (canary: Record<string, unknown> = PROMETHEUS): ConfigEdit[] => [
  [["environments", "production", "strategy"], "canary"],
  [["environments", "production", "canary"], canary],
];

function canaryOf(config: ReturnType<typeof configWith>): EnvironmentCanary {
  const canary = config.environments.production.canary;
  if (canary === undefined) {
    throw new Error("expected production's canary settings");
  }
  return canary;
}

describe("canary releases in the configuration", () => {
  it("default to steps of 10/25/50/100 % a minute apart, 3 failed checks, success rate >= 99 % and p99 <= 500 ms", () => {
    expect(canaryOf(configWith(...canaryProduction()))).toEqual({
      prometheus: { address: "http://prometheus.monitoring:9090", namespace: "monitoring" },
      stepWeights: [10, 25, 50, 100],
      intervalSeconds: 60,
      failureThreshold: 3,
      gates: { successRatePercent: 99, latencyP99Milliseconds: 500, intervalSeconds: 60 },
      webhooks: [],
      testerNamespaces: [],
      progressDeadlineSeconds: 600,
    });
  });

  it("lets one service change its steps, interval, threshold, gates and webhooks, keeping the rest", () => {
    const config = configWith(...canaryProduction(), [
      ["services", 0, "environments", "production", "canary"],
      {
        stepWeights: [5, 50, 100],
        gates: { latencyP99Milliseconds: 250 },
        webhooks: [{ name: "smoke", type: "pre-rollout", url: "http://tester.qa/" }],
      },
    ]);
    const environment = canaryOf(config);
    const settings = canarySettingsOf(environment, config.services[0]?.environments.production.canary);
    expect(settings).toEqual({
      ...environment,
      stepWeights: [5, 50, 100],
      gates: { successRatePercent: 99, latencyP99Milliseconds: 250, intervalSeconds: 60 },
      webhooks: [{ name: "smoke", type: "pre-rollout", url: "http://tester.qa/", timeoutSeconds: 60 }],
    });
    expect(canarySettingsOf(environment, undefined)).toEqual(environment);
  });

  it("gives the wait step time for the pods, one interval per step and failed check, and promotion", () => {
    const environment = canaryOf(configWith(...canaryProduction()));
    // 600 s for the pods + (1 detection + 4 steps + 3 failed checks + 2 promotion) x 60 s.
    expect(canaryVerdictSeconds(environment)).toBe(1200);
  });

  it("counts the canary and the primary Deployment of each service against the quota", () => {
    const problems = configProblems(
      editedDefaultConfig(...canaryProduction(), [["environments", "production", "quota", "pods"], 7]),
    );
    // orders-api's production floor is 3: (3 + 1 surge pod) x 2 Deployments.
    expect(problems.map((line) => line.replace(/^ {2}\S+:\d+:\d+: /, ""))).toEqual([
      "environments.production.quota.pods: must be at least 8: every Deployment at its minimum replicas plus one surge pod during a rollout (got 7)",
    ]);
  });

  it.each<[string, ConfigEdit[], string]>([
    [
      "canary in staging",
      [[["environments", "staging", "strategy"], "canary"]],
      "environments.staging.strategy: 'canary' is for production only: its gates measure real users' traffic; use rolling or blue-green (got 'canary')",
    ],
    [
      "the canary strategy without its settings",
      [[["environments", "production", "strategy"], "canary"]],
      "environments.production.canary: is required with strategy 'canary': at least prometheus.address (the Prometheus Flagger's gates query)",
    ],
    [
      "canary settings with another strategy",
      [[["environments", "production", "canary"], PROMETHEUS]],
      "environments.production.canary: applies only with strategy 'canary' (this environment's strategy is 'blue-green')",
    ],
    [
      "a service's canary settings without the canary strategy",
      [[["services", 0, "environments", "production", "canary"], { failureThreshold: 2 }]],
      "services[0].environments.production.canary: applies only to an environment with strategy 'canary' (production)",
    ],
    [
      "steps that do not rise",
      canaryProduction({ ...PROMETHEUS, stepWeights: [10, 50, 50, 100] }),
      "environments.production.canary.stepWeights[2]: must be above the step before it (50): traffic to the canary only rises (got 50)",
    ],
    [
      "a step above 100 %",
      canaryProduction({ ...PROMETHEUS, stepWeights: [50, 150] }),
      "environments.production.canary.stepWeights[1]: must be from 1 to 100 (got 150)",
    ],
    [
      "an interval Flagger would not run",
      canaryProduction({ ...PROMETHEUS, intervalSeconds: 5 }),
      "environments.production.canary.intervalSeconds: must be from 10 to 3600 seconds (got 5)",
    ],
    [
      "a success rate above 100 %",
      canaryProduction({ ...PROMETHEUS, gates: { successRatePercent: 100.5 } }),
      "environments.production.canary.gates.successRatePercent: must be at most 100 (got 100.5)",
    ],
    [
      "a Prometheus address that is not a URL",
      canaryProduction({ ...PROMETHEUS, prometheus: { address: "prometheus:9090" } }),
      "environments.production.canary.prometheus.address: must be an http(s) URL",
    ],
    [
      "a webhook type the release does not use",
      canaryProduction({ ...PROMETHEUS, webhooks: [{ name: "gate", type: "confirm-rollout", url: "http://t/" }] }),
      "environments.production.canary.webhooks[0].type: must be one of: pre-rollout, rollout, post-rollout (got 'confirm-rollout')",
    ],
    [
      "two webhooks of the same name",
      canaryProduction({
        ...PROMETHEUS,
        webhooks: [
          { name: "smoke", type: "pre-rollout", url: "http://t/" },
          { name: "smoke", type: "rollout", url: "http://t/" },
        ],
      }),
      "environments.production.canary.webhooks[1].name: must be unique: 'smoke' is already used by webhooks[0] (got 'smoke')",
    ],
    [
      "Ingress routing",
      [
        ...canaryProduction(),
        [
          ["environments", "production", "network", "routing"],
          { kind: "ingress", ingressClassName: "nginx", controllerNamespace: "ingress-nginx" },
        ],
      ],
      "environments.production.network.routing.kind: must be 'gateway' with strategy 'canary': Flagger shifts the traffic through the HTTPRoute it generates (got 'ingress')",
    ],
    [
      "a service without a production URL",
      [...canaryProduction(), [["services", 0, "environments", "production", "url"], "delete"]],
      "services[0].environments.production.url: is required with strategy 'canary': the HTTPRoute Flagger generates routes the URL's host name",
    ],
    [
      "a misspelt canary field",
      canaryProduction({ ...PROMETHEUS, stepWeight: 10 }),
      "environments.production.canary.stepWeight: unknown key (did you mean 'stepWeights'?)",
    ],
  ])("rejects %s", (_, edits, message) => {
    expect(configProblems(editedDefaultConfig(...edits)).map((line) => line.replace(/^ {2}\S+:\d+:\d+: /, ""))).toEqual(
      [expect.stringContaining(message)],
    );
  });

  it("has a complete example, config/examples/canary.yaml, with per-service overrides", () => {
    const config = loadConfig(CANARY_EXAMPLE);
    expect(config.environments.production.strategy).toBe("canary");
    const environment = canaryOf(config);
    const [orders, payments] = config.services.map((service) =>
      canarySettingsOf(environment, service.environments.production.canary),
    );
    expect(orders).toMatchObject({
      stepWeights: [10, 25, 50, 100],
      webhooks: [{ name: "load-test", type: "rollout" }],
    });
    expect(payments).toMatchObject({
      stepWeights: [5, 10, 25, 50, 100],
      intervalSeconds: 120,
      gates: { successRatePercent: 99.9, latencyP99Milliseconds: 300, intervalSeconds: 60 },
      webhooks: [{ name: "smoke-test", type: "pre-rollout", timeoutSeconds: 30 }],
    });
  });
});
