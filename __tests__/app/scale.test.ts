import * as fs from "node:fs";
import { parseConfig } from "../../lib/config";
import { generateConfig, generatedServiceNames } from "../../scripts/bench/generate-config";
import { slopes } from "../../scripts/bench";
import { DEFAULT_CONFIG_PATH, synthesizeConfig } from "../support/synth";
import { stringsIn, type JsonObject, type TerraformJson } from "../../lib/terraform-json/terraform-json";
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

/** Which generated service a block of the output belongs to: by construct path, else by a unique mention. */
function ownerOf(body: JsonObject, services: readonly string[]): string | undefined {
  const metadata = (body["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
  const segments = (metadata?.path ?? "").split("/");
  const byPath = services.find((name) =>
    segments.some((segment) => segment === name || segment.startsWith(`${name}-`)),
  );
  if (byPath !== undefined) return byPath;
  const texts = stringsIn(body).map((entry) => entry.value);
  const mentioned = services.filter((name) =>
    texts.some((value) => value.includes(name) || value.includes(snakeCase(name))),
  );
  return mentioned.length === 1 ? mentioned[0] : undefined;
}

/** Blocks per kind (`resource.<type>`, `data.<type>`, `variable`), and per kind and service. */
function census(stack: TerraformJson, services: readonly string[]) {
  const total = new Map<string, number>();
  const owned = new Map<string, Map<string, number>>();
  const count = (kind: string, owner: string | undefined) => {
    total.set(kind, (total.get(kind) ?? 0) + 1);
    if (owner === undefined) return;
    const byService = owned.get(kind) ?? new Map<string, number>();
    byService.set(owner, (byService.get(owner) ?? 0) + 1);
    owned.set(kind, byService);
  };
  for (const section of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries(stack[section] ?? {})) {
      for (const body of Object.values(byName)) count(`${section}.${type}`, ownerOf(body, services));
    }
  }
  for (const name of Object.keys(stack.variable ?? {})) {
    count(
      "variable",
      services.find((service) => name.startsWith(`${snakeCase(service)}_`)),
    );
  }
  return { total, owned };
}

describe("synth at scale", () => {
  const size = 10;
  const services = generatedServiceNames(size);
  const one = synthesizeConfig(parseConfig(generateConfig(TEMPLATE, 1), "one.yaml"));
  const many = synthesizeConfig(parseConfig(generateConfig(TEMPLATE, size), "many.yaml"));

  it("synthesizes the same stacks for one service and for ten, without warnings", () => {
    expect(Object.keys(many.stacks)).toEqual(Object.keys(one.stacks));
    expect(many.annotations).toEqual([]);
  });

  it.each(Object.keys(one.stacks))(
    "gives each of N services its own equal share of the %s stack: N times the per-service blocks plus the shared ones",
    (id) => {
      const single = census(one.stacks[id] as TerraformJson, services.slice(0, 1));
      const multiple = census(many.stacks[id] as TerraformJson, services);
      const kinds = [...new Set([...single.total.keys(), ...multiple.total.keys()])].sort();
      const shares = kinds.map((kind) => {
        const perService = services.map((service) => multiple.owned.get(kind)?.get(service) ?? 0);
        return { kind, perService: [...new Set(perService)], total: multiple.total.get(kind) ?? 0 };
      });
      // A kind that grows but is owned by no service means a per-service block whose construct id
      // does not start with the service name and whose body names no single service.
      expect(shares).toEqual(
        shares.map(({ kind, perService }) => ({
          kind,
          perService: [perService[0]],
          total: (single.total.get(kind) ?? 0) + (size - 1) * (perService[0] ?? 0),
        })),
      );
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
