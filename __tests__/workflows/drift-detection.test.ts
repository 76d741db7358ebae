import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { buildDeliveryApp } from "../../lib/app/app";
import { synthesizeAllOrNothing } from "../../lib/app/synth";
import { DRIFT_SCRIPT_PATH, DRIFT_WORKFLOW_PATH, driftWorkflow } from "../../renderers/workflows/drift-detection";
import { projectPipelineFiles } from "../../renderers/workflows";
import { startLoopbackApi, type ApiReply } from "../support/loopback-api";
import { loadDefaultConfig, PROJECT_ROOT } from "../support/synth";
import { readSynthesizedStacks } from "../../lib/terraform-json/synthesized-output";
import { at, text as textOf } from "../../lib/terraform-json/terraform-json";
import { actionlintFindings, actionValidatorErrors, hardeningProblems } from "../support/workflow-checks";

// Scheduled drift detection of this project's own stacks: the rendered workflow, and its script run
// for real (bash, curl, jq) against a fake Terraform Cloud API on loopback.

jest.setTimeout(30_000);

const SCRIPT = path.join(PROJECT_ROOT, DRIFT_SCRIPT_PATH);
const text = projectPipelineFiles().find((file) => file.path === DRIFT_WORKFLOW_PATH)?.content as string;

interface Step {
  name: string;
  run?: string;
  env?: Record<string, string>;
}
const workflow = parse(text) as {
  on: Record<string, unknown>;
  permissions: object;
  jobs: Record<string, { permissions: object; steps: Step[] }>;
};

/** A run the fake API answers: its states one per poll (the last repeats), and whether the plan found changes. */
interface FakeRun {
  states: string[];
  hasChanges: boolean;
}

interface FakeApi {
  readonly url: string;
  readonly webhook: string;
  /** Workspace name -> the run its next refresh-only plan plays. */
  readonly plays: Record<string, FakeRun>;
  readonly created: { workspace: string; attributes: Record<string, unknown> }[];
  readonly notifications: { text: string }[];
  readonly authorizations: Set<string | undefined>;
  close(): Promise<void>;
}

async function startFakeApi(): Promise<FakeApi> {
  const api = {
    plays: {} as Record<string, FakeRun>,
    created: [] as FakeApi["created"],
    notifications: [] as FakeApi["notifications"],
    authorizations: new Set<string | undefined>(),
  };
  const polls = new Map<string, number>();
  const server = await startLoopbackApi(({ method, url, body, authorization }): ApiReply => {
    if (method === "POST" && url === "/hook") {
      api.notifications.push(JSON.parse(body) as { text: string });
      return { status: 200, json: {} };
    }
    api.authorizations.add(authorization);
    const workspace = /^\/api\/v2\/organizations\/acme\/workspaces\/([^/]+)$/.exec(url)?.[1];
    if (method === "GET" && workspace !== undefined) {
      return workspace in api.plays
        ? { status: 200, json: { data: { id: `ws-${workspace}`, type: "workspaces" } } }
        : { status: 404, json: { errors: [{ status: "404", title: "not found" }] } };
    }
    if (method === "POST" && url === "/api/v2/runs") {
      const parsed = JSON.parse(body) as {
        data: { attributes: Record<string, unknown>; relationships: { workspace: { data: { id: string } } } };
      };
      const name = parsed.data.relationships.workspace.data.id.replace(/^ws-/, "");
      api.created.push({ workspace: name, attributes: parsed.data.attributes });
      return { status: 201, json: { data: { id: `run-${name}`, type: "runs" } } };
    }
    const run = /^\/api\/v2\/runs\/run-(.+)$/.exec(url)?.[1];
    const play = run === undefined ? undefined : api.plays[run];
    if (method === "GET" && run !== undefined && play !== undefined) {
      const poll = polls.get(run) ?? 0;
      polls.set(run, poll + 1);
      const status = play.states[Math.min(poll, play.states.length - 1)];
      return {
        status: 200,
        json: { data: { id: `run-${run}`, attributes: { status, "has-changes": play.hasChanges } } },
      };
    }
    return { status: 500, json: { errors: [{ detail: `unexpected ${method} ${url}` }] } };
  });
  return Object.assign(api, {
    url: `${server.origin}/api/v2`,
    webhook: `${server.origin}/hook`,
    close: () => server.close(),
  });
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: string;
}

let dir: string;
let outdir: string;
let api: FakeApi;

function runDrift(env: Record<string, string> = {}): Promise<Result> {
  const summaryFile = path.join(dir, `summary-${Math.random()}`);
  const outputFile = path.join(dir, `output-${Math.random()}`);
  return new Promise((resolve) => {
    execFile(
      "bash",
      [SCRIPT, outdir],
      {
        env: {
          PATH: process.env.PATH ?? "",
          TF_API_TOKEN: "plan-token-for-tests",
          TF_CLOUD_ORGANIZATION: "acme",
          TFC_API_URL: api.url,
          TFC_POLL_SECONDS: "0",
          GITHUB_STEP_SUMMARY: summaryFile,
          GITHUB_OUTPUT: outputFile,
          ...env,
        },
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

const clean = (): FakeRun => ({ states: ["pending", "planning", "planned_and_finished"], hasChanges: false });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
  outdir = path.join(dir, "cdktf.out");
  // The real synthesized output of the default config with Terraform Cloud: the workspace names
  // the script finds are the ones the stacks use.
  synthesizeAllOrNothing(
    (scratch) => buildDeliveryApp(loadDefaultConfig(), { outdir: scratch, terraformCloud: { organization: "acme" } }),
    outdir,
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every stack of the output with a Terraform Cloud workspace, in stack id order: what the script must plan. */
function workspacesOfOutput(): { stack: string; workspace: string }[] {
  return readSynthesizedStacks(outdir).flatMap((stack) => {
    const workspace = textOf(at(stack.json, "terraform", "cloud", "workspaces", "name"));
    return workspace === undefined ? [] : [{ stack: stack.id, workspace }];
  });
}

beforeEach(async () => {
  api = await startFakeApi();
  for (const { workspace } of workspacesOfOutput()) {
    api.plays[workspace] = clean();
  }
});

afterEach(() => api.close());

describe("the drift workflow", () => {
  it("runs on a daily schedule and on demand, with read-only credentials", () => {
    expect(workflow.on).toEqual({ schedule: [{ cron: "37 4 * * *" }], workflow_dispatch: {} });
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.drift?.permissions).toEqual({ contents: "read" });
    const step = workflow.jobs.drift?.steps.find((candidate) => candidate.run?.includes(DRIFT_SCRIPT_PATH));
    // A team token that may queue plans, not the deploy token (TF_API_TOKEN) that applies.
    expect(step?.env).toEqual({
      TF_API_TOKEN: "${{ secrets.TF_PLAN_TOKEN }}",
      DRIFT_WEBHOOK_URL: "${{ secrets.DRIFT_WEBHOOK_URL }}",
    });
  });

  it("has no actionlint finding, no action-validator error, and pins every action", async () => {
    expect(await actionlintFindings(text)).toEqual([]);
    expect(actionValidatorErrors(text)).toEqual([]);
    expect(hardeningProblems(text)).toEqual([]);
  });

  it("synthesizes before planning, so the workspaces follow the stack layout", () => {
    const runs = workflow.jobs.drift?.steps.flatMap((step) => (step.run === undefined ? [] : [step.run.trim()]));
    expect(runs?.slice(-2)).toEqual(["npm run synth", `bash ${DRIFT_SCRIPT_PATH} cdktf.out`]);
  });

  it("rejects a schedule GitHub would not run", () => {
    expect(() => driftWorkflow({ toolchain: [], cron: "every day" })).toThrow(/must have 5 fields/);
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
        "shellcheck is not installed (apt-get install shellcheck): skipping the shellcheck of the drift script",
      );
      return;
    }
    expect(() => execFileSync("shellcheck", ["--severity=style", SCRIPT], { encoding: "utf8" })).not.toThrow();
  });
});

describe("refresh-only plans of every deployed workspace", () => {
  it("starts a refresh-only, plan-only run in each workspace the output names, and none for local state", async () => {
    const result = await runDrift();
    expect(result.code).toBe(0);
    const expected = workspacesOfOutput();
    // Every stack with a workspace, the cluster stacks too: a refresh-only plan changes nothing.
    expect(expected.map((entry) => entry.stack)).toEqual([
      "cluster-production",
      "cluster-staging",
      "github-orders-api",
      "production",
      "production-orders-api",
      "staging",
      "staging-orders-api",
    ]);
    expect(expected.map((entry) => entry.workspace)).toEqual(expected.map((entry) => `orders-api-${entry.stack}`));
    expect(api.created.map((run) => run.workspace)).toEqual(expected.map((entry) => entry.workspace));
    for (const run of api.created) {
      expect(run.attributes).toMatchObject({ "refresh-only": true, "plan-only": true });
    }
    expect(api.authorizations).toEqual(new Set(["Bearer plan-token-for-tests"]));
  });

  it("exits 0 and reports every stack without drift when no plan finds changes", async () => {
    const result = await runDrift();
    expect(result.code).toBe(0);
    expect(result.summary).toContain("| `staging` | `orders-api-staging` | no drift |");
    expect(result.summary).toContain(`0 drifted, 0 failed, ${workspacesOfOutput().length} without drift.`);
    expect(result.outputs).toBe("drifted=\nfailed=\n");
    expect(api.notifications).toEqual([]);
  });

  it("exits 2, lists the drifted stack in the summary table and notifies when a refresh finds changes", async () => {
    api.plays["orders-api-production-orders-api"] = {
      states: ["planning", "planned_and_finished"],
      hasChanges: true,
    };
    const result = await runDrift({ DRIFT_WEBHOOK_URL: api.webhook });
    expect(result.code).toBe(2);
    expect(result.summary).toMatch(
      /\| `production-orders-api` \| `orders-api-production-orders-api` \| drifted \| \[run-orders-api-production-orders-api\]\(https:\/\/app\.terraform\.io\/app\/acme\/workspaces\/orders-api-production-orders-api\/runs\/run-orders-api-production-orders-api\) \|/,
    );
    expect(result.summary).toContain(`1 drifted, 0 failed, ${workspacesOfOutput().length - 1} without drift.`);
    expect(result.outputs).toContain("drifted=production-orders-api\n");
    expect(result.stdout).toContain("::warning::drift in the production-orders-api stack");
    expect(api.notifications).toEqual([
      { text: expect.stringContaining("drifted: production-orders-api; failed: none") as string },
    ]);
  });

  it("exits 1 when a run errors or a workspace is missing, even if another stack drifted", async () => {
    api.plays["orders-api-github-orders-api"] = { states: ["errored"], hasChanges: false };
    api.plays["orders-api-staging"] = { states: ["planned_and_finished"], hasChanges: true };
    delete api.plays["orders-api-production"];
    const result = await runDrift();
    expect(result.code).toBe(1);
    expect(result.summary).toContain("| `github-orders-api` | `orders-api-github-orders-api` | failed: errored |");
    expect(result.summary).toContain("| `production` | `orders-api-production` | could not start a run");
    expect(result.summary).toContain("| `staging` | `orders-api-staging` | drifted |");
    expect(result.outputs).toContain("failed=github-orders-api production\n");
  });

  it("reports a run that does not finish in time as failed instead of waiting forever", async () => {
    api.plays["orders-api-staging"] = { states: ["planning"], hasChanges: false };
    const result = await runDrift({ TFC_RUN_TIMEOUT_SECONDS: "0" });
    expect(result.code).toBe(1);
    expect(result.summary).toContain("| `staging` | `orders-api-staging` | failed: timed out (planning) |");
  });

  it("fails with a message naming the secret when no token is configured", async () => {
    const result = await runDrift({ TF_API_TOKEN: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("TF_PLAN_TOKEN");
    expect(api.created).toEqual([]);
  });
});
