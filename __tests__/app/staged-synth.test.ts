import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TokenMap } from "cdktf/lib/tokens/private/token-map";
import { buildDeliveryApp, stackIdsOf, stageDeliveryApp } from "../../lib/app/app";
import { synthesizeAllOrNothing } from "../../lib/app/synth";
import { parseConfig, type DeliveryConfig } from "../../lib/config";
import { generateConfig } from "../../scripts/bench/generate-config";
import { filesUnder } from "../support/files";
import { DEFAULT_CONFIG_PATH } from "../support/synth";

// The synth command builds the app one service at a time and lets each written service go
// (stageDeliveryApp): the output must not depend on it, and what stays in memory must not grow
// with the number of services.

const TEMPLATE = fs.readFileSync(DEFAULT_CONFIG_PATH, "utf8");
const configOf = (count: number): DeliveryConfig => parseConfig(generateConfig(TEMPLATE, count), `${count}.yaml`);

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "staged-synth-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The registry's size as the tokens cdktf never forgets on its own would make it grow. */
function registeredTokens(): number {
  const registry = TokenMap.instance() as unknown as { stringTokenMap: Map<string, unknown> };
  return registry.stringTokenMap.size;
}

describe("synth one service at a time", () => {
  it("writes byte-identical stacks and manifest whether the app is built whole or one service at a time", () => {
    const config = configOf(4);
    const whole = path.join(dir, "whole");
    const staged = path.join(dir, "staged");
    synthesizeAllOrNothing((scratch) => buildDeliveryApp(config, { outdir: scratch }), whole);
    synthesizeAllOrNothing((scratch) => stageDeliveryApp(config, { outdir: scratch }), staged);
    const files = filesUnder(staged);
    expect(Object.keys(files).filter((file) => file.endsWith("cdk.tf.json")).length).toBe(stackIdsOf(config).length);
    expect(files).toEqual(filesUnder(whole));
  });

  it("records each service stack's dependencies in the manifest: its environment's shared stack and its repository's", () => {
    const config = configOf(2);
    const outdir = path.join(dir, "dependencies");
    synthesizeAllOrNothing((scratch) => stageDeliveryApp(config, { outdir: scratch }), outdir);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { dependencies: string[] }>;
    };
    expect(manifest.stacks["production-service-002"]?.dependencies).toEqual(["production", "github-service-002"]);
    expect(manifest.stacks["github-service-002"]?.dependencies).toEqual([]);
    expect(manifest.stacks.staging?.dependencies).toEqual([]);
  });

  it("lets every written service go: the tree keeps the shared stacks only, and the token registry does not grow with the fleet", () => {
    const retained = (count: number) => {
      const before = registeredTokens();
      const staged = stageDeliveryApp(configOf(count), { outdir: path.join(dir, `retained-${count}`) });
      synthesizeAllOrNothing(() => staged, path.join(dir, `retained-out-${count}`));
      return {
        stacks: staged.app.node.children.map((child) => child.node.id),
        tokens: registeredTokens() - before,
      };
    };
    const three = retained(3);
    const twelve = retained(12);
    expect(three.stacks).toEqual(["cluster-staging", "cluster-production", "staging", "production", "development"]);
    expect(twelve.stacks).toEqual(three.stacks);
    // The shared stacks' tokens stay (they are the same for any fleet); no service's does.
    expect(twelve.tokens).toBe(three.tokens);
  });

  it("keeps every stack in the tree when built whole (buildDeliveryApp), for tests and cdktf's own synth", () => {
    const config = configOf(2);
    const app = buildDeliveryApp(config, { outdir: path.join(dir, "whole-tree") });
    expect(app.node.children.map((child) => child.node.id)).toEqual(stackIdsOf(config));
  });

  it("keeps the other services' lock files through a synth of one service, without their stale JSON", () => {
    const config = configOf(2);
    const outdir = path.join(dir, "partial");
    synthesizeAllOrNothing((scratch) => stageDeliveryApp(config, { outdir: scratch }), outdir);
    const other = path.join(outdir, "stacks", "production-service-002");
    fs.writeFileSync(path.join(other, ".terraform.lock.hcl"), "# the committed provider lock\n");
    synthesizeAllOrNothing(
      (scratch) => stageDeliveryApp(config, { outdir: scratch, services: ["service-001"] }),
      outdir,
      { partial: true },
    );
    expect(fs.readFileSync(path.join(other, ".terraform.lock.hcl"), "utf8")).toBe("# the committed provider lock\n");
    expect(fs.existsSync(path.join(other, "cdk.tf.json"))).toBe(false);
    expect(fs.existsSync(path.join(outdir, "stacks", "production-service-001", "cdk.tf.json"))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, unknown>;
    };
    expect(Object.keys(manifest.stacks).sort()).toEqual(stackIdsOf(config, ["service-001"]).sort());
  });
});
