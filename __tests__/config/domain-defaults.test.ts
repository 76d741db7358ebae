import { TerraformStack, Testing } from "cdktf";
import { WebService } from "../../constructs/kubernetes";
import { parseConfig } from "../../lib/config";
import { ENVIRONMENT_DEFAULTS, SERVICE_DEFAULTS, SERVICE_LIMITS } from "../../lib/domain";
import { configProblems } from "../support/config-problems";
import { MINIMAL_CONFIG_TEXT } from "../support/config-text";

const DIGEST = `ghcr.io/acme/api@sha256:${"a".repeat(64)}`;

function webService(props: Partial<ConstructorParameters<typeof WebService>[2]>): void {
  new WebService(new TerraformStack(Testing.app(), "s"), "api", {
    name: "api",
    namespace: "staging",
    rollout: { strategy: "rolling", image: DIGEST },
    routing: { controllerNamespace: SERVICE_DEFAULTS.gateway.namespace },
    ...props,
  });
}

describe("service defaults and limits (lib/domain)", () => {
  it("are the defaults the configuration gives a service that sets nothing", () => {
    const [service] = parseConfig(MINIMAL_CONFIG_TEXT, "minimal.yaml").services;
    expect(service).toMatchObject({
      port: SERVICE_DEFAULTS.port,
      healthPaths: SERVICE_DEFAULTS.healthPaths,
      resources: SERVICE_DEFAULTS.resources,
      autoscaling: SERVICE_DEFAULTS.autoscaling,
      shutdown: SERVICE_DEFAULTS.shutdown,
    });
  });

  it("are the environment defaults of the configuration", () => {
    const { environments } = parseConfig(MINIMAL_CONFIG_TEXT, "minimal.yaml");
    for (const name of ["staging", "production"] as const) {
      expect(environments[name]).toMatchObject(ENVIRONMENT_DEFAULTS[name]);
      expect(environments[name].network.routing.gateway).toEqual(SERVICE_DEFAULTS.gateway);
      expect(environments[name].network.routing.controllerNamespace).toBe(SERVICE_DEFAULTS.gateway.namespace);
    }
  });

  it("bound the configuration and the WebService construct alike", () => {
    const { replicas, targetUtilizationPercent } = SERVICE_LIMITS;
    const tooMany = { min: 1, max: replicas.max + 1 };
    expect(() => webService({ replicas: tooMany })).toThrow(/replicas\.max/);
    const text = MINIMAL_CONFIG_TEXT.replace(
      "services: [{ name: api }]",
      `services: [{ name: api, environments: { staging: { replicas: { min: 1, max: ${tooMany.max} } } } }]`,
    );
    expect(configProblems(text)).toEqual([expect.stringContaining(`replicas.max: must be at most ${replicas.max}`)]);
    const low = targetUtilizationPercent.min - 1;
    expect(() => webService({ autoscaling: { targetCpuUtilizationPercent: low } })).toThrow(
      /targetCpuUtilizationPercent/,
    );
    expect(() =>
      webService({ replicas, autoscaling: { targetCpuUtilizationPercent: targetUtilizationPercent.min } }),
    ).not.toThrow();
  });
});
