import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDeliveryApp } from "../../lib/app/app";
import { synthesizeAllOrNothing } from "../../lib/app/synth";
import type { DeliveryConfig } from "../../lib/config";
import { changedStacksCommand } from "../../scripts/deliver/changed-stacks";
import { planDelivery, readOutput, type DeliveryPlan } from "../../scripts/deliver/delivery-plan";
import { loadDefaultConfig } from "../support/synth";
import { FLEET_PREFIX, synthesizeFleet, type FleetContents } from "./fixtures/fleet-output";

// Which stacks a delivery runs, and in which order, from two synthesized outputs: the base commit's
// and the head's. The pairs are synthesized by cdktf itself, so manifest.json's `dependencies` are
// the ones `stack.addDependency` records.

jest.setTimeout(30_000);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "changed-stacks-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let outputs = 0;
/** A fresh output: for the tests that edit its manifest. */
function fleet(contents: FleetContents): string {
  const outdir = path.join(dir, `fleet-${(outputs += 1)}`);
  synthesizeFleet(outdir, contents);
  return outdir;
}

const shared = new Map<string, string>();
/** An output synthesized once per contents, for the tests that only read it. */
function sharedFleet(contents: FleetContents): string {
  const key = JSON.stringify(contents);
  let outdir = shared.get(key);
  if (outdir === undefined) {
    outdir = fleet(contents);
    shared.set(key, outdir);
  }
  return outdir;
}

/** Stack ids per level. */
const levelIds = (plan: DeliveryPlan): string[][] => plan.levels.map((level) => level.map((entry) => entry.stack));

const TWO_SERVICES = { services: { "orders-api": "1", "billing-api": "1" } };

describe("the stacks a delivery runs", () => {
  it("runs nothing when the head synthesizes exactly what the base did", () => {
    const plan = planDelivery(readOutput(sharedFleet(TWO_SERVICES)), readOutput(sharedFleet(TWO_SERVICES)));
    expect(plan.levels).toEqual([]);
    expect(plan.notRun).toEqual([]);
    expect(plan.removed).toEqual([]);
    expect(plan.unchanged).toContain("github-orders-api");
  });

  it("runs only the changed service's stacks after a one-service change, github before the environments", () => {
    const plan = planDelivery(
      readOutput(sharedFleet(TWO_SERVICES)),
      readOutput(sharedFleet({ services: { "orders-api": "2", "billing-api": "1" } })),
    );
    expect(levelIds(plan)).toEqual([["github-orders-api"], ["production-orders-api", "staging-orders-api"]]);
    expect(plan.levels[0]?.[0]).toEqual({
      stack: "github-orders-api",
      workspace: `${FLEET_PREFIX}-github-orders-api`,
      directory: "stacks/github-orders-api",
      change: "changed",
    });
    expect(plan.unchanged).toEqual(
      expect.arrayContaining(["github-billing-api", "staging", "production", "staging-billing-api"]),
    );
  });

  it("runs a changed shared stack in an earlier level than every stack that depends on it", () => {
    const plan = planDelivery(
      readOutput(sharedFleet(TWO_SERVICES)),
      readOutput(sharedFleet({ services: { "orders-api": "2", "billing-api": "1" }, shared: "2" })),
    );
    expect(levelIds(plan)).toEqual([
      ["github-orders-api", "production", "staging"],
      ["production-orders-api", "staging-orders-api"],
    ]);
  });

  it("never re-runs an unchanged stack, even when a stack it depends on changed", () => {
    const plan = planDelivery(
      readOutput(sharedFleet(TWO_SERVICES)),
      readOutput(sharedFleet({ ...TWO_SERVICES, shared: "2" })),
    );
    // The per-service stacks did not change: an unchanged stack is never re-run.
    expect(levelIds(plan)).toEqual([["production", "staging"]]);
  });

  it("treats every stack as new without a base, and a new service's stacks as new", () => {
    const first = planDelivery(undefined, readOutput(sharedFleet(TWO_SERVICES)));
    expect(levelIds(first)).toEqual([
      ["github-billing-api", "github-orders-api", "production", "staging"],
      ["production-billing-api", "production-orders-api", "staging-billing-api", "staging-orders-api"],
    ]);
    expect(first.levels.flat().every((entry) => entry.change === "new")).toBe(true);

    const added = planDelivery(
      readOutput(sharedFleet(TWO_SERVICES)),
      readOutput(sharedFleet({ services: { ...TWO_SERVICES.services, "search-api": "1" } })),
    );
    expect(levelIds(added)).toEqual([["github-search-api"], ["production-search-api", "staging-search-api"]]);
    expect(added.levels.flat().map((entry) => entry.change)).toEqual(["new", "new", "new"]);
  });

  it("lists changed local-state and cluster stacks without running them", () => {
    const plan = planDelivery(
      readOutput(sharedFleet(TWO_SERVICES)),
      readOutput(sharedFleet({ ...TWO_SERVICES, cluster: "2", development: "2" })),
    );
    expect(plan.levels).toEqual([]);
    expect(plan.notRun.map((entry) => entry.stack)).toEqual(["cluster-production", "cluster-staging", "development"]);
    expect(plan.notRun[2]?.reason).toMatch(/^local state \(no terraform\.cloud block\)/);
    expect(plan.notRun[0]?.reason).toMatch(/^cluster stack: a cluster administrator applies it/);
    expect(plan.notRun[0]?.workspace).toBe(`${FLEET_PREFIX}-cluster-production`);
  });

  it("reports a stack only the base has as removed, with what the operator does, and never runs it", () => {
    const plan = planDelivery(
      readOutput(sharedFleet(TWO_SERVICES)),
      readOutput(sharedFleet({ services: { "orders-api": "1" } })),
    );
    expect(plan.levels).toEqual([]);
    expect(plan.removed).toEqual([
      { stack: "github-billing-api", workspace: `${FLEET_PREFIX}-github-billing-api` },
      { stack: "production-billing-api", workspace: `${FLEET_PREFIX}-production-billing-api` },
      { stack: "staging-billing-api", workspace: `${FLEET_PREFIX}-staging-billing-api` },
    ]);
  });

  it("orders stacks deterministically, whatever order the manifest lists them in", () => {
    const head = fleet({ services: { "orders-api": "2", "billing-api": "2" }, shared: "2" });
    const manifestFile = path.join(head, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { stacks: Record<string, unknown> };
    const reversed = Object.fromEntries(Object.entries(manifest.stacks).reverse());
    const base = readOutput(sharedFleet(TWO_SERVICES));
    const before = planDelivery(base, readOutput(head));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, stacks: reversed }));
    expect(planDelivery(base, readOutput(head))).toEqual(before);
  });
});

/** Rewrites one stack's dependencies in an output's manifest.json. */
function setDependencies(outdir: string, stack: string, dependencies: string[]): void {
  const manifestFile = path.join(outdir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
    stacks: Record<string, { dependencies: string[] }>;
  };
  (manifest.stacks[stack] as { dependencies: string[] }).dependencies = dependencies;
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
}

describe("the dependency graph", () => {
  it("fails naming the cycle when stacks depend on each other", () => {
    const head = fleet(TWO_SERVICES);
    setDependencies(head, "staging", ["staging-orders-api"]);
    expect(() => planDelivery(undefined, readOutput(head))).toThrow(
      /dependency cycle in .*manifest\.json: staging -> staging-orders-api -> staging; no order can apply these stacks/,
    );
  });

  it("fails naming the stack and the dependency the output does not hold", () => {
    const head = fleet(TWO_SERVICES);
    setDependencies(head, "staging-orders-api", ["staging", "network"]);
    expect(() => planDelivery(undefined, readOutput(head))).toThrow(
      /stack 'staging-orders-api' depends on 'network', which .*manifest\.json does not list/,
    );
  });

  it("holds a changed stack whose changed dependency the pipeline does not apply", () => {
    const base = sharedFleet(TWO_SERVICES);
    const head = fleet({ services: { "orders-api": "2", "billing-api": "1" }, cluster: "2" });
    setDependencies(head, "staging-orders-api", ["staging", "github-orders-api", "cluster-staging"]);
    const plan = planDelivery(readOutput(base), readOutput(head));
    expect(levelIds(plan)).toEqual([["github-orders-api"], ["production-orders-api"]]);
    expect(plan.notRun.find((entry) => entry.stack === "staging-orders-api")?.reason).toBe(
      "waits for cluster-staging: changed, and not applied by the pipeline; apply it first, then re-run the delivery",
    );
  });

  it("fails naming the file when an output has no manifest", () => {
    expect(() => readOutput(path.join(dir, "nothing"))).toThrow(/nothing\/manifest\.json not found: synthesize first/);
  });
});

describe("npm run changed-stacks", () => {
  const run = (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = changedStacksCommand(
      args,
      (text) => (stdout += text),
      (text) => (stderr += text),
    );
    return { code, stdout, stderr };
  };

  it("prints the levels for people and writes the JSON the workflow reads", () => {
    const base = sharedFleet(TWO_SERVICES);
    const head = sharedFleet({ services: { "orders-api": "2" }, shared: "2" });
    const jsonFile = path.join(dir, "plan.json");
    const result = run(["--base", base, "--head", head, "--json", jsonFile]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").slice(0, 4)).toEqual([
      "Delivery: 5 stacks to run in 2 levels",
      "level 1: github-orders-api (changed, workspace fleet-github-orders-api), production (changed, workspace fleet-production), staging (changed, workspace fleet-staging)",
      "level 2: production-orders-api (changed, workspace fleet-production-orders-api), staging-orders-api (changed, workspace fleet-staging-orders-api)",
      expect.stringMatching(/^removed: github-billing-api: removed from the code, not destroyed/) as string,
    ]);
    const json = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as {
      levels: { stack: string }[][];
      removed: { stack: string; advice: string }[];
    };
    expect(json.levels.map((level) => level.map((entry) => entry.stack))).toEqual([
      ["github-orders-api", "production", "staging"],
      ["production-orders-api", "staging-orders-api"],
    ]);
    expect(json.removed[0]?.advice).toContain("queue a destroy plan in that workspace, review and confirm it");
  });

  it("writes only the JSON to stdout with --json -", () => {
    const result = run(["--no-base", "--head", sharedFleet(TWO_SERVICES), "--json", "-"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as DeliveryPlan).levels).toHaveLength(2);
  });

  it("fails with the message alone for a bad graph, and with the usage for bad options", () => {
    const head = fleet(TWO_SERVICES);
    setDependencies(head, "staging", ["staging"]);
    expect(run(["--no-base", "--head", head])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^changed-stacks: dependency cycle .*: staging -> staging;/) as string,
    });
    expect(run(["--head", head])).toMatchObject({ code: 2, stderr: expect.stringContaining("usage:") as string });
    expect(run(["--base", head, "--no-base", "--head", head]).code).toBe(2);
  });
});

describe("the project's own synthesized output", () => {
  function synthesize(config: DeliveryConfig): string {
    const outdir = path.join(dir, `project-${(outputs += 1)}`);
    synthesizeAllOrNothing(
      (scratch) => buildDeliveryApp(config, { outdir: scratch, terraformCloud: { organization: "acme" } }),
      outdir,
    );
    return outdir;
  }

  it("runs exactly the stacks whose JSON a service change touched, in manifest dependency order, whatever the layout", () => {
    const config = loadDefaultConfig();
    const [first, ...rest] = config.services;
    const changed = { ...config, services: [{ ...first, port: (first?.port ?? 8000) + 1 }, ...rest] } as DeliveryConfig;
    const base = readOutput(synthesize(config));
    const head = readOutput(synthesize(changed));
    const plan = planDelivery(base, head);

    const differing = [...head.stacks.values()]
      .filter((stack) => base.stacks.get(stack.id)?.text !== stack.text)
      .map((stack) => stack.id)
      .sort();
    const listed = [...plan.levels.flat().map((entry) => entry.stack), ...plan.notRun.map((entry) => entry.stack)];
    expect(listed.sort()).toEqual(differing);
    expect(differing.length).toBeGreaterThan(0);

    const levelOf = new Map(plan.levels.flatMap((level, index) => level.map((entry) => [entry.stack, index] as const)));
    for (const [stack, index] of levelOf) {
      for (const dependency of head.stacks.get(stack)?.dependencies ?? []) {
        const before = levelOf.get(dependency);
        if (before !== undefined) {
          expect(before).toBeLessThan(index);
        }
      }
    }
    expect(planDelivery(base, base).levels).toEqual([]);
  });
});
