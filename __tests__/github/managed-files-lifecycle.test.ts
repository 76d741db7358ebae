import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { ManagedFiles } from "../../constructs/github";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";
import { offlineTerraformEnvironment } from "../support/terraform-cli";
import { gitBlobSha, type ManagedFile } from "../../lib/domain";

// The pull-request delivery decides at plan time, from what the target branch holds, whether to
// propose anything and on which head branch. This plays its life through the real terraform over
// the synthesized expressions: the data sources become variables (the target's head commit and the
// blob id of each file on it, null when missing, as the provider reports a 404), the GitHub
// resources become terraform_data stand-ins with the same for_each, depends_on, ignore_changes and
// forced replacements, and what GitHub and the provider do between applies is done to the state:
// - a squash merge deletes the head branch (`delete_branch_on_merge`); refreshing then drops the
//   branch and its files from state (github/resource_github_branch.go:138-142,
//   github/resource_github_repository_file.go:288-297 at v6.10.0), the pull request stays (a merged
//   one still reads back) and the target holds the desired blobs;
// - the branch's `ref` is computed (github/resource_github_branch.go:61-65), unknown until created;
// - `head_ref` and `base_repository` force a new pull request (resource_github_repository_pull_request.go:41-57).
jest.setTimeout(60_000);

const HEAD = /^automation\/managed-files\/main\/[0-9a-f]{12}$/;

interface ResourceChange {
  address: string;
  change: { actions: string[]; after?: { input?: Record<string, unknown> } };
}

interface StateResource {
  address: string;
  values: { input?: Record<string, unknown> };
}

function synthesized(files: readonly ManagedFile[]): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  new ManagedFiles(stack, "files", { repository: "api", files });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

type Blocks = Record<string, Record<string, unknown>>;

/** The synthesized delivery with data sources as variables and GitHub resources as terraform_data. */
function standIns(stack: TerraformJson): string {
  const data = (stack as { data?: Record<string, Blocks> }).data ?? {};
  const resource = (stack.resource ?? {}) as Record<string, Blocks>;
  let text = JSON.stringify({
    locals: (stack as { locals?: unknown }).locals,
    resource: {
      terraform_data: {
        ...Object.fromEntries(
          Object.entries(resource.github_branch ?? {}).map(([name, body]) => [
            name,
            {
              for_each: body.for_each,
              depends_on: body.depends_on,
              input: {
                branch: body.branch,
                source_branch: body.source_branch,
                source_sha: body.source_sha,
                ref: "refs/heads/${each.key}",
              },
              lifecycle: {
                ignore_changes: ((body.lifecycle as { ignore_changes: string[] }).ignore_changes ?? []).map(
                  (attribute) => `input.${attribute}`,
                ),
              },
            },
          ]),
        ),
        ...Object.fromEntries(
          Object.entries(resource.github_repository_file ?? {}).map(([name, body]) => [
            name,
            {
              for_each: body.for_each,
              depends_on: body.depends_on,
              input: { file: body.file, content: body.content, branch: body.branch },
            },
          ]),
        ),
        ...Object.fromEntries(
          Object.entries(resource.github_repository_pull_request ?? {}).map(([name, body]) => [
            name,
            {
              for_each: body.for_each,
              depends_on: body.depends_on,
              input: { base_ref: body.base_ref, head_ref: body.head_ref, title: body.title, body: body.body },
              triggers_replace: [body.head_ref, body.base_repository],
            },
          ]),
        ),
      },
    },
    variable: {
      target_head: { type: "string", default: null, nullable: true },
      target_blobs: { type: "map(string)", default: {} },
    },
  });
  for (const name of Object.keys(data.github_branch ?? {})) {
    text = text.replaceAll(`data.github_branch.${name}.sha`, "var.target_head");
  }
  for (const [name, body] of Object.entries(data.github_repository_file ?? {})) {
    text = text.replaceAll(
      `data.github_repository_file.${name}.sha`,
      `lookup(var.target_blobs, \\"${String(body.file)}\\", null)`,
    );
  }
  return text
    .replace(/github_(branch|repository_file|repository_pull_request)\.files_/g, "terraform_data.files_")
    .replaceAll("each.value.ref", "each.value.output.ref");
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "managed-files-lifecycle-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function terraform(...args: string[]): string {
  return execFileSync("terraform", args, { cwd: dir, encoding: "utf8", env: offlineTerraformEnvironment(dir) });
}

/** What the target branch holds: its head commit and the blob id of each file on it. */
interface Target {
  readonly head: string | null;
  readonly blobs: Readonly<Record<string, string>>;
}

/** `head-branch[<branch>]` for `terraform_data.files_main_head-branch_1A2B3C4D["<branch>"]`. */
function shortAddress(address: string): string {
  return address.replace(/^terraform_data\.files_main_/, "").replace(/_[0-9A-F]{8}(?=\[|$)/, "");
}

/** Plans the configuration for these files against the target, and returns the planned actions. */
function plan(files: readonly ManagedFile[], target: Target): Record<string, string> {
  fs.writeFileSync(path.join(dir, "main.tf.json"), standIns(synthesized(files)));
  fs.writeFileSync(
    path.join(dir, "target.auto.tfvars.json"),
    JSON.stringify({ target_head: target.head, target_blobs: target.blobs }),
  );
  terraform("plan", "-input=false", "-no-color", "-out=tfplan");
  const changes = (JSON.parse(terraform("show", "-json", "tfplan")) as { resource_changes?: ResourceChange[] })
    .resource_changes;
  return Object.fromEntries(
    (changes ?? [])
      .filter((change) => change.change.actions.join() !== "no-op")
      .map((change) => [shortAddress(change.address), change.change.actions.join("+")]),
  );
}

function apply(): void {
  terraform("apply", "-input=false", "-no-color", "tfplan");
}

function state(): StateResource[] {
  const shown = JSON.parse(terraform("show", "-json")) as { values?: { root_module: { resources?: StateResource[] } } };
  return shown.values?.root_module.resources ?? [];
}

/** The head branches in state, with the commit each was created from. */
function headBranches(): Record<string, unknown> {
  return Object.fromEntries(
    state()
      .filter((resource) => shortAddress(resource.address).startsWith("head-branch["))
      .map((resource): [string, unknown] => [String(resource.values.input?.branch), resource.values.input?.source_sha]),
  );
}

/** The files committed to head branches, by path. */
function committedPaths(): string[] {
  return state()
    .filter((resource) => /-proposed\[/.test(shortAddress(resource.address)))
    .map((resource) => String(resource.values.input?.file))
    .sort();
}

/** The head_ref of each pull request in state. */
function pullRequests(): unknown[] {
  return state()
    .filter((resource) => shortAddress(resource.address).startsWith("proposal-pull-request["))
    .map((resource) => resource.values.input?.head_ref);
}

/** GitHub squash-merges the proposal and deletes its head branch; the refresh drops what is gone. */
function merge(files: readonly ManagedFile[], head: string): Target {
  const gone = state()
    .map((resource) => resource.address)
    .filter((address) => /^(head-branch|.*-proposed)\[/.test(shortAddress(address)));
  terraform("state", "rm", ...gone);
  return { head, blobs: blobsOf(files) };
}

function blobsOf(files: readonly ManagedFile[]): Record<string, string> {
  return Object.fromEntries(files.map((file) => [file.path, gitBlobSha(file.content)]));
}

const v1: readonly ManagedFile[] = [
  { path: "ci.yml", content: "run: echo ${{ github.sha }}\n" },
  { path: "SECURITY.md", content: "policy v1\n" },
];
const v2: readonly ManagedFile[] = [v1[0] as ManagedFile, { path: "SECURITY.md", content: "policy v2\n" }];
const v3: readonly ManagedFile[] = [v1[0] as ManagedFile, { path: "SECURITY.md", content: "policy v3\n" }];

describe("the blob id a proposal compares", () => {
  it("is git's own id of the content, as the contents API returns it in `sha`", () => {
    for (const content of ["", "policy v1\n", "run: echo ${{ github.sha }}\n", "ünïcode ✓\n"]) {
      const git = execFileSync("git", ["hash-object", "--stdin"], { input: content, encoding: "utf8" }).trim();
      expect(gitBlobSha(content)).toBe(git);
    }
  });
});

describe("when terraform reads a data source (why the target's lookups name the repository literally)", () => {
  // terraform_remote_state is terraform's built-in data source: no provider to download.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "data-source-deferral-"));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  function planned(path: string): string {
    fs.writeFileSync(
      `${scratch}/main.tf.json`,
      JSON.stringify({
        resource: { terraform_data: { repository: { input: "api" } } },
        data: { terraform_remote_state: { target: { backend: "local", config: { path } } } },
        output: { read: { value: "${data.terraform_remote_state.target.outputs}" } },
      }),
    );
    const run = (...args: string[]) =>
      execFileSync("terraform", args, { cwd: scratch, encoding: "utf8", env: offlineTerraformEnvironment(scratch) });
    run("init", "-input=false", "-no-color");
    return run("plan", "-input=false", "-no-color");
  }

  beforeAll(() => {
    fs.writeFileSync(
      `${scratch}/api.tfstate`,
      JSON.stringify({ version: 4, terraform_version: "1.11.0", serial: 1, lineage: "l", outputs: {}, resources: [] }),
    );
  });

  it("reads a data source naming its arguments literally during plan, while the repository is still to be created", () => {
    expect(planned("api.tfstate")).not.toContain("will be read during apply");
  });

  it("defers to apply a data source that references a managed resource with pending changes, even a known attribute", () => {
    expect(planned("${terraform_data.repository.input}.tfstate")).toContain(
      "data.terraform_remote_state.target will be read during apply",
    );
  });
});

describe("pull-request delivery of managed files, over successive applies", () => {
  let firstHead = "";
  let secondHead = "";

  beforeAll(() => {
    fs.writeFileSync(path.join(dir, "main.tf.json"), standIns(synthesized(v1)));
    terraform("init", "-input=false", "-no-color");
  });

  it("evaluates with the repository not created yet: everything is proposed, from the tip at apply time", () => {
    const planned = plan(v1, { head: null, blobs: {} });
    expect(Object.values(planned).every((action) => action === "create")).toBe(true);
    expect(Object.keys(planned)).toHaveLength(4);
  });

  it("bootstraps: files missing on main are committed to a fresh head branch from main's head, and PR 1 opens", () => {
    const planned = plan(v1, { head: "c0", blobs: { "README.md": "r0" } });
    expect(Object.values(planned)).toEqual(["create", "create", "create", "create"]);
    apply();
    const branches = headBranches();
    expect(Object.values(branches)).toEqual(["c0"]);
    firstHead = Object.keys(branches)[0] ?? "";
    expect(firstHead).toMatch(HEAD);
    expect(committedPaths()).toEqual(["SECURITY.md", "ci.yml"]);
    expect(pullRequests()).toEqual([firstHead]);
  });

  it("plans nothing while PR 1 is open and main moves on without touching a managed file", () => {
    expect(plan(v1, { head: "c1", blobs: { "README.md": "r1" } })).toEqual({});
  });

  it("after PR 1 is merged, main matches: no branch, no file commit, the merged pull request is only forgotten", () => {
    const target = merge(v1, "c2");
    expect(plan(v1, target)).toEqual({ [`proposal-pull-request["${firstHead}"]`]: "delete" });
    apply();
    expect(plan(v1, target)).toEqual({});
    expect(state()).toEqual([]);
  });

  it("proposes a file edited on main again: a new branch from main's new head, with only that file, and PR 2", () => {
    const edited = { head: "c3", blobs: { ...blobsOf(v1), "ci.yml": gitBlobSha("run: echo edited\n") } };
    const planned = plan(v1, edited);
    expect(Object.values(planned)).toEqual(["create", "create", "create"]);
    apply();
    const branches = headBranches();
    secondHead = Object.keys(branches)[0] ?? "";
    expect(secondHead).toMatch(HEAD);
    expect(secondHead).not.toBe(firstHead);
    expect(branches).toEqual({ [secondHead]: "c3" });
    expect(committedPaths()).toEqual(["ci.yml"]);
    expect(pullRequests()).toEqual([secondHead]);
  });

  it("after PR 2 is merged, plans nothing once the merged pull request is forgotten", () => {
    const target = merge(v1, "c4");
    expect(plan(v1, target)).toEqual({ [`proposal-pull-request["${secondHead}"]`]: "delete" });
    apply();
    expect(plan(v1, target)).toEqual({});
  });

  it("proposes new content from a release of this tool in PR 3, committing only the changed file", () => {
    const planned = plan(v2, { head: "c5", blobs: blobsOf(v1) });
    expect(Object.values(planned)).toEqual(["create", "create", "create"]);
    apply();
    const branches = headBranches();
    const thirdHead = Object.keys(branches)[0] ?? "";
    expect([firstHead, secondHead]).not.toContain(thirdHead);
    expect(branches).toEqual({ [thirdHead]: "c5" });
    expect(committedPaths()).toEqual(["SECURITY.md"]);
    expect(pullRequests()).toEqual([thirdHead]);
  });

  it("replaces an open proposal whose content is superseded: closes it, deletes its branch, opens the new one", () => {
    const [previous] = Object.keys(headBranches());
    const planned = plan(v3, { head: "c6", blobs: blobsOf(v1) });
    const created = Object.keys(planned).find(
      (address) => address.startsWith("head-branch[") && address !== `head-branch["${previous}"]`,
    );
    expect(planned).toMatchObject({
      [`head-branch["${previous}"]`]: "delete",
      [`SECURITYmd-proposed["${previous}"]`]: "delete",
      [`proposal-pull-request["${previous}"]`]: "delete",
    });
    expect(created).toBeDefined();
    apply();
    expect(Object.values(headBranches())).toEqual(["c6"]);
    expect(pullRequests()).toEqual([Object.keys(headBranches())[0]]);
  });

  it("proposes again in a new pull request when a closed proposal's branch is deleted by hand", () => {
    const target = { head: "c7", blobs: blobsOf(v1) };
    const [head] = Object.keys(headBranches());
    // Closed without merging, then its branch deleted: the refresh drops the branch and its file.
    terraform(
      "state",
      "rm",
      ...state()
        .map((resource) => resource.address)
        .filter((address) => /^(head-branch|.*-proposed)\[/.test(shortAddress(address))),
    );
    expect(plan(v3, target)).toEqual({
      [`head-branch["${head}"]`]: "create",
      [`SECURITYmd-proposed["${head}"]`]: "create",
      [`proposal-pull-request["${head}"]`]: "delete+create",
    });
    apply();
  });

  it("stops managing a file removed from the set without touching it on main, once its proposal merged", () => {
    const target = merge(v3, "c8");
    plan(v3, target);
    apply();
    expect(plan(v3.slice(0, 1), target)).toEqual({});
  });
});
