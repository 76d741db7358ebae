import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STACK_IDS } from "../support/synth";
import { editedDefaultConfig } from "../support/config-text";
import { PROJECT_ROOT } from "../support/synth";
import { filesUnder } from "../support/files";

// These tests run the real commands, as a user would, in child processes.
jest.setTimeout(60_000);

const QUIET_ENV = { CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", FORCE_COLOR: "0" };

function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function childEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...QUIET_ENV, ...env };
  for (const name of ["TF_CLOUD_ORGANIZATION", "TF_CLOUD_HOSTNAME", "DELIVERY_CONFIG", "CDKTF_OUTDIR"]) {
    if (!(name in env)) delete childEnv[name];
  }
  return childEnv;
}

/** `npm run synth`, exactly as the README says. */
function runSynth(cwd: string, env: Record<string, string> = {}, args: string[] = []) {
  const npmArgs = ["run", "--silent", "synth", ...(args.length > 0 ? ["--", ...args] : [])];
  return spawnSync("npm", npmArgs, { cwd, env: childEnvironment(env), encoding: "utf8" });
}

/** The command `npm run synth` runs (and cdktf.json's "app"), without npm's own start-up. */
function runApp(cwd: string, env: Record<string, string> = {}) {
  const command = ["--require", "./scripts/register-ts.cjs", "main.ts"];
  return spawnSync(process.execPath, command, { cwd, env: childEnvironment(env), encoding: "utf8" });
}

/** A copy of the project's sources at another path, sharing node_modules. */
function copyOfProject(): string {
  const dir = path.join(scratchDir("project-copy-"), "some", "nested", "checkout");
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of [
    "main.ts",
    "package.json",
    "cdktf.json",
    "tsconfig.json",
    "config",
    "lib",
    "renderers",
    "policy",
    "constructs",
    "stacks",
    "scripts",
  ]) {
    fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

describe("npm run synth", () => {
  // Two checkouts of the project at different paths, each synthesized once with `npm run synth`.
  let first: { project: string; stderr: string; status: number | null };
  let second: { project: string; stderr: string; status: number | null };
  beforeAll(() => {
    const synthesizeCopy = (args: string[]) => {
      const project = copyOfProject();
      const { stderr, status } = runSynth(project, {}, args);
      return { project, stderr, status };
    };
    first = synthesizeCopy([]);
    second = synthesizeCopy(["--quiet"]);
  });

  it("writes cdktf.out/stacks/<id>/cdk.tf.json for every stack and a manifest, with a line per stage and a summary", () => {
    expect(first.stderr.replace(/\d+\.\d\d s/g, "T s").split("\n")).toEqual([
      "synth: config/delivery.yaml is valid (T s)",
      `synth: ${STACK_IDS.length} stacks to build and write (T s)`,
      ...STACK_IDS.map((id) => `synth: stack ${id} (T s, guardrails T s)`),
      "synth: replaced cdktf.out (T s)",
      expect.stringMatching(
        new RegExp(
          `^synth: done: ${STACK_IDS.length} stacks, \\d+ resources and data sources in cdktf\\.out \\(T s\\)$`,
        ),
      ),
      "",
    ]);
    expect(first.status).toBe(0);
    expect(Object.keys(filesUnder(path.join(first.project, "cdktf.out"))).sort()).toEqual([
      "manifest.json",
      "stacks/cluster-production/cdk.tf.json",
      "stacks/cluster-staging/cdk.tf.json",
      "stacks/development/cdk.tf.json",
      "stacks/github-orders-api/cdk.tf.json",
      "stacks/production-orders-api/cdk.tf.json",
      "stacks/production/cdk.tf.json",
      "stacks/staging-orders-api/cdk.tf.json",
      "stacks/staging/cdk.tf.json",
    ]);
  });

  it("prints nothing with --quiet", () => {
    expect(second.stderr).toBe("");
  });

  it("gives byte-identical output in two different directories", () => {
    expect(second.status).toBe(0);
    const firstFiles = filesUnder(path.join(first.project, "cdktf.out"));
    expect(filesUnder(path.join(second.project, "cdktf.out"))).toEqual(firstFiles);
    expect(Object.values(firstFiles).join("\n")).not.toContain(first.project);
  });

  it("produces the same files under npx cdktf synth (so cdktf deploy plans what npm run synth shows)", () => {
    const outdir = path.join(second.project, "cdktf.out");
    fs.rmSync(outdir, { recursive: true });
    execFileSync(path.join(PROJECT_ROOT, "node_modules/.bin/cdktf"), ["synth"], {
      cwd: second.project,
      env: { ...process.env, ...QUIET_ENV, CI: "1" },
      stdio: "pipe",
    });
    expect(filesUnder(outdir)).toEqual(filesUnder(path.join(first.project, "cdktf.out")));
  });

  it("uses Terraform Cloud workspaces when TF_CLOUD_ORGANIZATION is set (the staging and staging-orders-api stacks)", () => {
    const outdir = scratchDir("synth-cloud-");
    const result = runSynth(PROJECT_ROOT, { TF_CLOUD_ORGANIZATION: "acme", CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    for (const id of ["staging", "staging-orders-api"]) {
      const stack = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), "utf8")) as {
        terraform: { cloud?: unknown; backend?: unknown };
      };
      expect(stack.terraform.cloud).toEqual({
        hostname: "app.terraform.io",
        organization: "acme",
        workspaces: { name: `orders-api-${id}` },
      });
      expect(stack.terraform.backend).toBeUndefined();
    }
  });

  describe("with a bad configuration", () => {
    it.each([
      ["malformed YAML", "github: [\n", /not valid YAML/],
      [
        "an unknown key",
        editedDefaultConfig([["services", 0, "colour"], "blue"]),
        /services\[0\]\.colour: unknown key/,
      ],
      [
        "a wrong type",
        editedDefaultConfig([["services", 0, "port"], "http"]),
        /services\[0\]\.port: must be of type number/,
      ],
      [
        "an out-of-range value",
        editedDefaultConfig([["environments", "staging", "replicas", "min"], 0]),
        /environments\.staging\.replicas\.min: must be at least 1/,
      ],
      ["a missing file", undefined, /missing\.yaml: file not found/],
    ])("fails on %s, names the file and field, and leaves an existing cdktf.out as it was", (_, text, message) => {
      const dir = scratchDir("bad-config-");
      const configFile = path.join(dir, text === undefined ? "missing.yaml" : "delivery.yaml");
      if (text !== undefined) fs.writeFileSync(configFile, text);
      const outdir = path.join(dir, "cdktf.out");
      fs.mkdirSync(path.join(outdir, "stacks", "staging"), { recursive: true });
      fs.writeFileSync(path.join(outdir, "stacks", "staging", "cdk.tf.json"), "previous output");
      const before = filesUnder(outdir);

      const result = runApp(PROJECT_ROOT, { DELIVERY_CONFIG: configFile, CDKTF_OUTDIR: outdir });

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(configFile);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
      expect(filesUnder(outdir)).toEqual(before);
    });
  });
});
