import * as fs from "node:fs";
import { parseConfig } from "../../lib/config";
import { generateConfig, generatedServiceNames } from "../../scripts/bench/generate-config";
import { slopes } from "../../scripts/bench";
import { DEFAULT_CONFIG_PATH, synthesizeConfig } from "../support/synth";
import { snakeCase } from "../../lib/domain";

const TEMPLATE = fs.readFileSync(DEFAULT_CONFIG_PATH, "utf8");

describe("generated configs for the scale benchmark", () => {
  const config = parseConfig(generateConfig(TEMPLATE, 10), "ten.yaml");

  it("list N schema-valid services with distinct names, repositories, images, URLs and secrets", () => {
    const services = config.services;
    expect(services.map((service) => service.name)).toEqual(generatedServiceNames(10));
    for (const field of [
      (s: (typeof services)[number]) => s.repository,
      (s: (typeof services)[number]) => s.image,
      (s: (typeof services)[number]) => s.environments.production.url,
      (s: (typeof services)[number]) => s.secrets.environment.at(-1),
    ]) {
      expect(new Set(services.map(field)).size).toBe(10);
    }
    expect(services[6]?.environments.staging.url).toBe("https://service-007.staging.example.com");
    expect(services[6]?.secrets.environment.at(-1)).toBe("SERVICE_007_API_KEY");
  });

  it("keep every other setting of the template's first service, and leave out namespace quotas sized for it", () => {
    const template = parseConfig(TEMPLATE, "template.yaml").services[0];
    const generated = config.services[3];
    expect(generated?.resources).toEqual(template?.resources);
    expect(generated?.autoscaling).toEqual(template?.autoscaling);
    expect(generated?.environments.production.replicas).toEqual(template?.environments.production.replicas);
    const templateEnvironments = parseConfig(TEMPLATE, "template.yaml").environments;
    for (const name of ["staging", "production"] as const) {
      const { quota, ...settings } = templateEnvironments[name];
      expect(config.environments[name]).toEqual(settings);
    }
  });

  it("rejects a count outside 1-999 and a template without services", () => {
    expect(() => generateConfig(TEMPLATE, 0)).toThrow(/count must be a whole number from 1 to 999 \(got 0\)/);
    expect(() => generateConfig("github: { owner: acme }\n", 2)).toThrow(/no services\[0\]/);
  });
});

/** The stacks every config has, whatever its services: each environment's shared and cluster stacks, development. */
const SHARED_STACK_IDS = ["staging", "production", "cluster-staging", "cluster-production", "development"];

/** A service's own stacks: its repository and its part of each environment. */
function serviceStackIds(service: string): string[] {
  return [`github-${service}`, `staging-${service}`, `production-${service}`];
}

/**
 * A stack's text with one service's name, in each spelling the output uses (`service-007`,
 * `service_007`, `SERVICE_007`), written as another's, and the hashes derived from names and
 * contents (construct id suffixes, SHA-256 file digests, git blob SHA-1s) blanked: what is left is the service's shape.
 */
function asService(text: string, from: string, to: string): string {
  const spellings = (name: string) => [name, snakeCase(name), snakeCase(name).toUpperCase()];
  const targets = spellings(to);
  let result = text;
  spellings(from).forEach((spelling, index) => {
    result = result.split(spelling).join(targets[index] ?? "");
  });
  return result.replace(/_[0-9A-F]{8}\b/g, "_<hash>").replace(/\b(?:[0-9a-f]{40}|[0-9a-f]{64})\b/g, "<digest>");
}

describe("synth at scale", () => {
  const size = 10;
  const services = generatedServiceNames(size);
  const [first = ""] = services;
  const one = synthesizeConfig(parseConfig(generateConfig(TEMPLATE, 1), "one.yaml"));
  const many = synthesizeConfig(parseConfig(generateConfig(TEMPLATE, size), "many.yaml"));

  it("synthesizes three stacks per service and the same shared stacks for ten services as for one, without warnings", () => {
    expect(Object.keys(one.stacks).sort()).toEqual([...SHARED_STACK_IDS, ...serviceStackIds(first)].sort());
    expect(Object.keys(many.stacks).sort()).toEqual([...SHARED_STACK_IDS, ...services.flatMap(serviceStackIds)].sort());
    expect(many.annotations).toEqual([]);
  });

  it.each([...SHARED_STACK_IDS, ...serviceStackIds(first)])(
    "writes the %s stack byte for byte as for one service: more services change no stack but their own",
    (id) => {
      expect(many.files[id]).toBe(one.files[id]);
    },
  );

  it.each(services.slice(1))(
    "gives %s stacks that are service-001's but for its name and the hashes derived from it",
    (service) => {
      for (const [index, id] of serviceStackIds(service).entries()) {
        const firstId = serviceStackIds(first)[index] ?? "";
        expect([id, asService(many.files[id] ?? "", service, first)]).toEqual([
          id,
          asService(many.files[firstId] ?? "", first, first),
        ]);
      }
    },
  );
});

describe("the benchmark's linearity check", () => {
  const sample = (services: number, value: number, noise = 0) => ({ services, value, noise });

  it("accepts time that grows by the same amount per service", () => {
    expect(slopes([sample(1, 400), sample(10, 445), sample(50, 645)], 0).linear).toBe(true);
  });

  it("fails time that grows faster than linearly", () => {
    const quadratic = [1, 10, 50].map((n) => sample(n, 400 + 2 * n * n));
    expect(slopes(quadratic, 5)).toEqual({
      perService: [
        { slope: 22, noise: 0 },
        { slope: 120, noise: 0 },
      ],
      linear: false,
    });
  });

  it("does not mistake run-to-run noise between small configs for growth", () => {
    expect(slopes([sample(1, 500, 60), sample(10, 480, 60), sample(50, 1080, 20)], 5).linear).toBe(true);
  });
});
