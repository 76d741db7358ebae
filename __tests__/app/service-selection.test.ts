import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { parseConfig } from "../../lib/config";
import { runSynthCommand } from "../../lib/app/synth-command";
import { generateConfig, generatedServiceNames } from "../../scripts/bench/generate-config";
import { editedDefaultConfig } from "../support/config-text";
import { filesUnder } from "../support/files";
import { DEFAULT_CONFIG_PATH, synthesizeConfig, type SynthesizedApp } from "../support/synth";
import { at, text as textOf } from "../../lib/terraform-json/terraform-json";

// Synthesizing a subset of the services (DELIVERY_SERVICES, `npm run synth -- --services`), and
// the per-service layout's promise behind it: a service's stacks depend on that service alone.
jest.setTimeout(120_000);

const SHARED_STACK_IDS = ["staging", "production", "cluster-staging", "cluster-production", "development"];

function serviceStackIds(service: string): string[] {
  return [`github-${service}`, `staging-${service}`, `production-${service}`];
}

/** The default config with two more services: orders-api, billing-api, search-api. */
const THREE_SERVICES = editedDefaultConfig(
  [["services", 1], { name: "billing-api" }],
  [["services", 2], { name: "search-api" }],
);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "service-selection-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const configFile = path.join(scratch, "delivery.yaml");
fs.writeFileSync(configFile, THREE_SERVICES);

/** `npm run synth` in this process, into a new directory; its exit code, stderr and files. */
async function synth(name: string, env: Record<string, string> = {}, argv: string[] = []) {
  const outdir = path.join(scratch, name);
  const lines: string[] = [];
  const code = await runSynthCommand({
    argv,
    env: { PATH: process.env.PATH, DELIVERY_CONFIG: configFile, CDKTF_OUTDIR: outdir, ...env },
    stderr: (line) => lines.push(line),
  });
  return {
    code,
    stderr: lines.join("\n"),
    written: fs.existsSync(outdir),
    files: fs.existsSync(outdir) ? filesUnder(outdir) : {},
  };
}

/** The stack ids a synthesized tree holds. */
function stacksIn(files: Record<string, string>): string[] {
  return Object.keys(files)
    .flatMap((file) => /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(file)?.[1] ?? [])
    .sort();
}

/** The files of some stacks of a tree. */
function stackFiles(files: Record<string, string>, ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [`stacks/${id}/cdk.tf.json`, files[`stacks/${id}/cdk.tf.json`] ?? ""]));
}

describe("synthesizing some services", () => {
  let full: Awaited<ReturnType<typeof synth>>;
  beforeAll(async () => {
    full = await synth("full");
  });

  it("synthesizes every service's stacks without a selection", () => {
    expect(full.code).toBe(0);
    expect(stacksIn(full.files)).toEqual(
      [...SHARED_STACK_IDS, ...["orders-api", "billing-api", "search-api"].flatMap(serviceStackIds)].sort(),
    );
  });

  it.each([
    ["DELIVERY_SERVICES=orders-api", { DELIVERY_SERVICES: "orders-api" }, []],
    ["--services orders-api", {}, ["--services", "orders-api"]],
    ["--services=orders-api", {}, ["--services=orders-api"]],
  ])(
    "%s writes only orders-api's stacks and the shared ones, byte-identical to a full synth's",
    async (_, env: Record<string, string>, argv: string[]) => {
      const only = await synth(`only-${argv.join("") || "env"}`, env, argv);
      expect(only.code).toBe(0);
      expect(only.stderr).toContain("synth: only the stacks of orders-api and the shared stacks");
      const ids = [...SHARED_STACK_IDS, ...serviceStackIds("orders-api")].sort();
      expect(stacksIn(only.files)).toEqual(ids);
      expect(stackFiles(only.files, ids)).toEqual(stackFiles(full.files, ids));
      // cdktf deploys the narrowed output in the same order: each service stack after its dependencies.
      const manifest = JSON.parse(only.files["manifest.json"] ?? "{}") as {
        stacks: Record<string, { dependencies: string[] }>;
      };
      expect(Object.keys(manifest.stacks).sort()).toEqual(ids);
      expect(manifest.stacks["staging-orders-api"]?.dependencies).toEqual(["staging", "github-orders-api"]);
      expect(manifest.stacks["production-orders-api"]?.dependencies).toEqual(["production", "github-orders-api"]);
    },
  );

  it("takes several services, in any order and with spaces after the commas, and --services over DELIVERY_SERVICES", async () => {
    const two = await synth("two", { DELIVERY_SERVICES: "orders-api" }, ["--services", "search-api, billing-api"]);
    expect(two.code).toBe(0);
    expect(two.stderr).toContain("synth: only the stacks of search-api, billing-api and the shared stacks");
    const ids = [...SHARED_STACK_IDS, ...serviceStackIds("billing-api"), ...serviceStackIds("search-api")].sort();
    expect(stacksIn(two.files)).toEqual(ids);
    expect(stackFiles(two.files, ids)).toEqual(stackFiles(full.files, ids));
  });

  // Unknown services and malformed lists: __tests__/app/bad-inputs.test.ts ("bad settings"), which
  // also checks that the previous output is left byte for byte.
  it("fails on a service the config does not have, naming DELIVERY_SERVICES, and writes nothing", async () => {
    const unknown = await synth("unknown", { DELIVERY_SERVICES: "orders-api,payments-api" });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "DELIVERY_SERVICES: names no configured service: payments-api; configured: orders-api, billing-api, search-api",
    );
    expect(unknown.written).toBe(false);
  });

  it("fails on a malformed --services list, naming --services, and writes nothing", async () => {
    const malformed = await synth("malformed", {}, ["--services", "orders-api;billing-api"]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("--services: must be a comma-separated list of service names");
    expect(malformed.written).toBe(false);
  });
});

describe("the stacks of ten services", () => {
  const TEMPLATE = fs.readFileSync(DEFAULT_CONFIG_PATH, "utf8");
  const services = generatedServiceNames(10);
  const text = generateConfig(TEMPLATE, 10);
  const local = synthesizeConfig(parseConfig(text, "ten.yaml"));
  const cloud = synthesizeConfig(parseConfig(text, "ten.yaml"), { terraformCloud: { organization: "acme" } });
  const ids = Object.keys(local.stacks).sort();

  const workspaceOf = (app: SynthesizedApp, id: string) =>
    textOf(at(app.stacks[id], "terraform", "cloud", "workspaces", "name"));
  const statePathOf = (app: SynthesizedApp, id: string) =>
    textOf(at(app.stacks[id], "terraform", "backend", "local", "path"));

  it("have unique ids, each its own workspace <prefix>-<id> and local state file terraform.<id>.tfstate", () => {
    expect(ids).toEqual([...SHARED_STACK_IDS, ...services.flatMap(serviceStackIds)].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(cloud.stacks).sort()).toEqual(ids);
    const withWorkspace = ids.filter((id) => id !== "development");
    expect(withWorkspace.map((id) => workspaceOf(cloud, id))).toEqual(withWorkspace.map((id) => `scale-${id}`));
    expect(workspaceOf(cloud, "development")).toBeUndefined();
    expect(statePathOf(cloud, "development")).toBe("../../../terraform.development.tfstate");
    expect(ids.map((id) => statePathOf(local, id))).toEqual(ids.map((id) => `../../../terraform.${id}.tfstate`));
  });

  it("do not depend on the order the services are listed in: every stack file is the same", () => {
    const document = parseDocument(text);
    const listed = document.getIn(["services"]) as { items: unknown[] };
    listed.items.reverse();
    const reversed = synthesizeConfig(parseConfig(document.toString(), "reversed.yaml"));
    expect(Object.keys(reversed.files).sort()).toEqual(ids);
    for (const id of ids) {
      expect([id, reversed.files[id] === local.files[id]]).toEqual([id, true]);
    }
  });

  it("change only service-004's own stacks when service-004's config changes", () => {
    const document = parseDocument(text);
    document.setIn(["services", 3, "port"], 8080);
    document.setIn(["services", 3, "environments", "production", "replicas", "max"], 7);
    const edited = synthesizeConfig(parseConfig(document.toString(), "edited.yaml"));
    const changed = ids.filter((id) => edited.files[id] !== local.files[id]);
    expect(changed).toEqual(serviceStackIds("service-004").sort());
  });
});
