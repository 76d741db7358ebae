import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { ManagedFiles } from "../../constructs/github";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";
import { offlineTerraformEnvironment } from "../support/terraform-cli";
import { type ManagedFile } from "../../lib/domain";

// The pull-request delivery relies on Terraform semantics (ignore_changes, triggers_replace,
// replace_triggered_by). This runs the real terraform over the synthesized structure: GitHub
// resources become terraform_data stand-ins (no provider needed), the target branch's tip a variable.
jest.setTimeout(30_000);

interface ResourceChange {
  address: string;
  change: { actions: string[] };
}

function synthesized(files: ManagedFile[]): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  new ManagedFiles(stack, "files", { repository: "api", files });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The synthesized delivery with GitHub resources replaced by terraform_data stand-ins. */
function standIns(stack: TerraformJson): string {
  const rename = (text: string) =>
    text
      .replace(/\$\{data\.github_branch\.[^.]+\.sha\}/g, "${var.target_tip}")
      .replace(/github_repository_(file|pull_request)\./g, "terraform_data.");
  const resources: Record<string, Record<string, unknown>> = {};
  for (const [name, body] of Object.entries(stack.resource?.terraform_data ?? {})) {
    resources[name] = { ...body, "//": undefined };
  }
  for (const [name, body] of Object.entries(stack.resource?.github_repository_file ?? {})) {
    resources[name] = {
      input: { content: body.content, branch: body.branch, source_sha: body.autocreate_branch_source_sha },
      depends_on: body.depends_on,
    };
  }
  for (const [name, body] of Object.entries(stack.resource?.github_repository_pull_request ?? {})) {
    resources[name] = { input: { title: body.title }, lifecycle: body.lifecycle };
  }
  return rename(
    JSON.stringify({ variable: { target_tip: { type: "string" } }, resource: { terraform_data: resources } }, null, 1),
  );
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "managed-files-lifecycle-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function terraform(...args: string[]): string {
  return execFileSync("terraform", args, {
    cwd: dir,
    encoding: "utf8",
    env: offlineTerraformEnvironment(dir),
  });
}

/** Writes the configuration for these files, plans with the target at `tip`, and returns the planned actions. */
function plan(files: ManagedFile[], tip: string, ...options: string[]): Record<string, string> {
  fs.writeFileSync(path.join(dir, "main.tf.json"), standIns(synthesized(files)));
  terraform("plan", "-input=false", "-no-color", `-var=target_tip=${tip}`, ...options, "-out=tfplan");
  const changes = (JSON.parse(terraform("show", "-json", "tfplan")) as { resource_changes: ResourceChange[] })
    .resource_changes;
  return Object.fromEntries(
    changes
      .filter((change) => change.change.actions.join() !== "no-op")
      .map((change) => [
        change.address.replace(/^terraform_data\.files_main_/, "").replace(/_[0-9A-F]{8}$/, ""),
        change.change.actions.join("+"),
      ]),
  );
}

function sourceShas(): Record<string, unknown> {
  const state = JSON.parse(terraform("show", "-json")) as {
    values: { root_module: { resources: { address: string; values: { output?: { source_sha?: string } } }[] } };
  };
  return Object.fromEntries(
    state.values.root_module.resources
      .filter((resource) => resource.values.output?.source_sha !== undefined)
      .map((resource) => [
        resource.address.replace(/^terraform_data\.files_main_/, "").replace(/_[0-9A-F]{8}$/, ""),
        resource.values.output?.source_sha,
      ]),
  );
}

const v1 = [
  { path: "ci.yml", content: "run: echo ${{ github.sha }}" },
  { path: "SECURITY.md", content: "policy v1" },
];

describe("pull-request delivery, over successive applies", () => {
  beforeAll(() => {
    fs.writeFileSync(path.join(dir, "main.tf.json"), standIns(synthesized(v1)));
    terraform("init", "-input=false", "-no-color");
  });

  it("commits every file from the target's tip and opens the pull request", () => {
    expect(Object.values(plan(v1, "tip-0"))).toEqual(expect.arrayContaining(["create"]));
    terraform("apply", "-input=false", "-no-color", "tfplan");
    expect(sourceShas()).toEqual({ ciyml: "tip-0", SECURITYmd: "tip-0" });
  });

  it("plans nothing when only the target branch moved on (merges, other pull requests)", () => {
    expect(plan(v1, "tip-1")).toEqual({});
  });

  it("recommits only the changed file, from the target's current tip, and replaces the pull request", () => {
    const v2 = [v1[0] as ManagedFile, { path: "SECURITY.md", content: "policy v2" }];
    expect(plan(v2, "tip-2")).toEqual({
      "SECURITYmd-source-commit": "delete+create",
      SECURITYmd: "update",
      manifest: "delete+create",
      "pull-request": "delete+create",
    });
    terraform("apply", "-input=false", "-no-color", "tfplan");
    expect(sourceShas()).toEqual({ ciyml: "tip-0", SECURITYmd: "tip-2" });
  });

  it("leaves the pull request alone when a removed file is first taken out of state with the manifest", () => {
    const v2 = [v1[0] as ManagedFile, { path: "SECURITY.md", content: "policy v2" }];
    const state = JSON.parse(terraform("show", "-json")) as {
      values: { root_module: { resources: { address: string }[] } };
    };
    const addresses = state.values.root_module.resources
      .map((resource) => resource.address)
      .filter((address) => /\.files_main_(SECURITYmd|manifest)_[0-9A-F]{8}$/.test(address));
    terraform("state", "rm", ...addresses);
    expect(plan(v2.slice(0, 1), "tip-3")).toEqual({
      "SECURITYmd-source-commit": "delete",
      manifest: "create",
    });
    terraform("apply", "-input=false", "-no-color", "tfplan");
  });

  it("opens a new pull request when a file is added", () => {
    const v3 = [...v1.slice(0, 1), { path: "CODEOWNERS", content: "* @a" }];
    expect(plan(v3, "tip-3")).toEqual({
      "CODEOWNERS-source-commit": "create",
      CODEOWNERS: "create",
      manifest: "delete+create",
      "pull-request": "delete+create",
    });
  });

  it("proposes a file edited on main again, from main's current tip, when its source commit and pull request are replaced (README, Drift)", () => {
    const files = v1.slice(0, 1);
    const state = JSON.parse(terraform("show", "-json")) as {
      values: { root_module: { resources: { address: string }[] } };
    };
    const replaced = state.values.root_module.resources
      .map((resource) => resource.address)
      .filter((address) => /\.files_main_(ciyml-source-commit|pull-request)_[0-9A-F]{8}$/.test(address))
      .map((address) => `-replace=${address}`);
    expect(replaced).toHaveLength(2);
    expect(plan(files, "tip-4", ...replaced)).toEqual({
      "ciyml-source-commit": "delete+create",
      ciyml: "update",
      "pull-request": "delete+create",
    });
    terraform("apply", "-input=false", "-no-color", "tfplan");
    expect(sourceShas()).toEqual({ ciyml: "tip-4" });
  });
});
