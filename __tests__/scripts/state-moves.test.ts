import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDeliveryApp } from "../../lib/app/app";
import { synthesizeAllOrNothing } from "../../lib/app/synth";
import { readSynthesizedStacks } from "../../lib/terraform-json/synthesized-output";
import { isObject, terraformBlocks, type JsonObject } from "../../lib/terraform-json/terraform-json";
import { planStateMoves, splitFrom, stateMoveScript, type StackJson } from "../../scripts/migration/state-moves";
import { offlineTerraformEnvironment } from "../support/terraform-cli";
import { loadDefaultConfig, PROJECT_ROOT } from "../support/synth";

// The move from one state per environment to stacks per service, played on a synthesized pair:
// "before" is the default config's output in the shared layout (one `github` stack, one stack per
// environment, `<environment>-cluster`), as synthesized at commit af9d7e3 and reduced to its
// resource addresses (fixtures/shared-stacks-layout.json); "after" is the same config's output
// now. The generated script then runs terraform's own `state mv` on local state files of the old
// layout.

jest.setTimeout(120_000);

let dir: string;
let before: StackJson[];
let after: StackJson[];

const SHARED_LAYOUT = path.join(__dirname, "fixtures/shared-stacks-layout.json");

function writeOutput(outdir: string, stacks: readonly StackJson[]): void {
  const manifest: Record<string, { synthesizedStackPath: string }> = {};
  for (const stack of stacks) {
    fs.mkdirSync(path.join(outdir, "stacks", stack.id), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", stack.id, "cdk.tf.json"), JSON.stringify(stack.json));
    manifest[stack.id] = { synthesizedStackPath: `stacks/${stack.id}/cdk.tf.json` };
  }
  fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ stacks: manifest }));
}

/** A state file (format version 4) that holds one instance of every managed resource of a stack. */
function stateOf(stack: StackJson): object {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: `lineage-${stack.id}`,
    outputs: {},
    resources: terraformBlocks(stack.json)
      .filter((block) => block.mode === "managed")
      .map((block) => ({
        mode: "managed",
        type: block.type,
        name: block.name,
        provider: `provider["registry.terraform.io/hashicorp/${block.type.split("_")[0] ?? ""}"]`,
        instances: [{ schema_version: 0, attributes: { id: block.address } }],
      })),
  };
}

function stateAddresses(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: { type: string; name: string }[] };
  return state.resources.map((resource) => `${resource.type}.${resource.name}`).sort();
}

const managedAddresses = (stack: StackJson) =>
  terraformBlocks(stack.json)
    .filter((block) => block.mode === "managed")
    .map((block) => block.address)
    .sort();

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-moves-"));
  const shared = JSON.parse(fs.readFileSync(SHARED_LAYOUT, "utf8")) as Record<string, JsonObject>;
  before = Object.entries(shared).map(([id, json]) => ({ id, json }));
  writeOutput(path.join(dir, "before"), before);
  synthesizeAllOrNothing(
    (scratch) => buildDeliveryApp(loadDefaultConfig(), { outdir: scratch }),
    path.join(dir, "after"),
  );
  after = readSynthesizedStacks(path.join(dir, "after"));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("migration to per-service stacks", () => {
  it("moves every service resource to its service's stack and keeps the shared ones; only the replaced managed-file delivery is destroyed and created", () => {
    const plan = planStateMoves(before, after);
    // The managed files' delivery changed in the same release (README "Managed files", upgrading):
    // the old per-branch files, pull requests and latches go, the head branches and proposed files
    // come; nothing else is destroyed or created.
    const kinds = (entries: readonly { stack: string; address: string }[]) =>
      [...new Set(entries.map((entry) => `${entry.stack}: ${entry.address.split(".")[0] ?? ""}`))].sort();
    expect(kinds(plan.removed)).toEqual([
      "github: github_repository_file",
      "github: github_repository_pull_request",
      "github: terraform_data",
    ]);
    expect(plan.removed.every((entry) => entry.address.includes(".orders-api-files_"))).toBe(true);
    expect(kinds(plan.added)).toEqual([
      "github-orders-api: github_branch",
      "github-orders-api: github_repository_file",
      "github-orders-api: github_repository_pull_request",
    ]);
    expect(plan.added.every((entry) => entry.address.includes(".orders-api-files_"))).toBe(true);
    expect(plan.ambiguous).toEqual([]);
    expect(plan.moves.length).toBeGreaterThan(0);
    expect(new Set(plan.moves.map((move) => `${move.from} -> ${move.to}`))).toEqual(
      new Set([
        "github -> github-orders-api",
        "production -> production-orders-api",
        "staging -> staging-orders-api",
        "production-cluster -> cluster-production",
        "staging-cluster -> cluster-staging",
      ]),
    );
    // The network baseline and the pull secret stay in the shared per-environment stack.
    const stays = (prefix: string) =>
      plan.moves.filter((move) => move.address.startsWith(prefix)).map((move) => move.to);
    expect(stays("kubernetes_network_policy_v1.network-policies")).toEqual([]);
    expect(stays("kubernetes_secret_v1.registry-credentials")).toEqual([]);
    expect(new Set(stays("kubernetes_namespace_v1."))).toEqual(new Set(["cluster-staging", "cluster-production"]));
    const total = before.reduce((sum, stack) => sum + managedAddresses(stack).length, 0);
    expect(plan.moves.length + plan.unchanged + plan.removed.length).toBe(total);
  });

  it("matches an address only in stacks split from its own: staging's resources never land in production's", () => {
    // staging and production hold the same addresses; each resource moves within its environment.
    const plan = planStateMoves(before, after);
    for (const move of plan.moves) {
      expect(splitFrom(move.from, move.to)).toBe(true);
    }
    expect(splitFrom("staging", "staging-orders-api")).toBe(true);
    expect(splitFrom("staging-cluster", "cluster-staging")).toBe(true);
    expect(splitFrom("staging", "cluster-staging")).toBe(true);
    expect(splitFrom("production-cluster", "cluster-staging")).toBe(false);
    expect(splitFrom("staging", "stagingx")).toBe(false);
  });

  it("lists what the new layout would destroy, create, or cannot place, instead of moving it", () => {
    const [github] = before.filter((stack) => stack.id === "github");
    if (github === undefined) throw new Error("no github stack");
    const resources = isObject(github.json.resource) ? github.json.resource : {};
    const renamed: StackJson[] = [
      {
        id: "github-a",
        json: {
          resource: {
            ...resources,
            github_repository: {
              ...(isObject(resources.github_repository) ? resources.github_repository : {}),
              only_in_after: {},
            },
          },
        },
      },
      { id: "github-b", json: { resource: resources } },
    ];
    const plan = planStateMoves([github], renamed);
    expect(plan.moves).toEqual([]);
    expect(plan.ambiguous.length).toBe(managedAddresses(github).length);
    expect(plan.ambiguous[0]?.candidates).toEqual(["github-a", "github-b"]);
    expect(plan.added).toEqual([{ stack: "github-a", address: "github_repository.only_in_after" }]);
    const gone = planStateMoves([github], [{ id: "github", json: {} }]);
    expect(gone.removed.length).toBe(managedAddresses(github).length);
    expect(stateMoveScript(gone, { before: "a", after: "b" })).toMatch(/# Destroyed by the new layout/);
  });

  it("runs with terraform state mv on the old layout's state files and leaves each stack's state with exactly its resources", () => {
    const plan = planStateMoves(before, after);
    const stateDir = path.join(dir, "states");
    fs.mkdirSync(stateDir);
    for (const stack of before) {
      fs.writeFileSync(path.join(stateDir, `terraform.${stack.id}.tfstate`), JSON.stringify(stateOf(stack)));
    }
    const script = path.join(dir, "moves.sh");
    fs.writeFileSync(script, stateMoveScript(plan, { before: "before", after: "after" }));
    execFileSync("bash", [script], {
      cwd: dir,
      env: { ...offlineTerraformEnvironment(dir), STATE_DIR: stateDir },
      encoding: "utf8",
    });
    // Each new stack holds exactly its resources, but for what its first apply creates.
    const created = new Set(plan.added.map((entry) => `${entry.stack} ${entry.address}`));
    for (const stack of after) {
      expect({ stack: stack.id, state: stateAddresses(path.join(stateDir, `terraform.${stack.id}.tfstate`)) }).toEqual({
        stack: stack.id,
        state: managedAddresses(stack).filter((address) => !created.has(`${stack.id} ${address}`)),
      });
    }
  });

  it("prints the script from two output directories (npm run migration)", () => {
    const output = execFileSync(
      process.execPath,
      [
        "--require",
        "./scripts/register-ts.cjs",
        "scripts/migration.ts",
        "--before",
        path.join(dir, "before"),
        "--after",
        path.join(dir, "after"),
      ],
      { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(output).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(output).toMatch(/\nmove 'github_repository\.[^']+' 'github' 'github-orders-api'\n/);
  });
});
