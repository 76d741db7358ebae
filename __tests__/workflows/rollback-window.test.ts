import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  activeColorVariableName,
  imageVariableName,
  replicaFloorVariableName,
  warmUntilVariableName,
} from "../../lib/domain";
import { CI_WORKFLOW_FILE, serviceWorkflowFiles, type ServicePipelineProps } from "../../renderers/workflows";
import { servicePipelineProps } from "../../stacks/github-stack";
import {
  fakeGithub,
  fakeRegistry,
  fakeService,
  fakeTerraformCloud,
  writeCommandStubs,
  type FakeGithub,
  type FakeRegistry,
  type FakeRun,
  type FakeService,
  type FakeTerraformCloud,
} from "../support/pipeline-fakes";
import { loadDefaultConfig, stackOf, synthesizeDefaultConfig } from "../support/synth";
import { runJob, workflowJobs, type JobResult, type ParsedJob } from "../support/workflow-runner";
import { evaluateWorkload, type EvaluatedWorkload } from "../support/workload-evaluation";

// The rollback window played over time, end to end: the generated deploy-production job runs with
// bash against a fake Terraform Cloud (its clock is the scenario's: `date -u +%s` answers
// FAKE_NOW_SECONDS), and every run it starts is planned by terraform's own evaluation of the
// synthesized production stack with that run's variables, at the scenario's time, with the
// cluster's Deployments as the stack's `kubernetes_resources` lookup would list them. Between
// runs the cluster plays the autoscalers: a colour runs what its traffic needs (LOAD on the
// selected colour, none on the other) and never fewer than its floor; an idle colour drops to its
// floor at once, the worst case for a late rollback.

jest.setTimeout(120_000);

const SERVICE = "orders-api";
const LOAD = 6;
const WINDOW_MINUTES = 30;
const MINUTE = 60_000;
const digest = (n: number) => `sha256:${String(n).repeat(64)}`;
const [BOOTSTRAP, R1, R2, R3] = [digest(1), digest(2), digest(3), digest(4)];
const VERSIONS: Record<string, string> = { [BOOTSTRAP]: "1.0.0", [R1]: "1.1.0", [R2]: "1.2.0", [R3]: "1.3.0" };
const WARM_UNTIL = warmUntilVariableName(SERVICE);
const ACTIVE_COLOR = activeColorVariableName(SERVICE);

const config = loadDefaultConfig();
const service = config.services.find((candidate) => candidate.name === SERVICE);
if (service === undefined) {
  throw new Error(`the default config has no service ${SERVICE}`);
}
const app = synthesizeDefaultConfig();
const base = servicePipelineProps(config, service);
const STAGING = base.staging.workspace;
const PRODUCTION = base.production.workspace;

let dir: string;
let tfc: FakeTerraformCloud;
let github: FakeGithub;
let registry: FakeRegistry;
let production: FakeService;
let staging: FakeService;
let jobs: Record<string, ParsedJob>;
const broken = new Set<string>();

/** The scenario's clock, in milliseconds. */
let now = Date.parse("2026-12-01T09:00:00Z");
/** spec.replicas of each Deployment in the production namespace. */
const cluster: Record<string, number> = {};
/** The variables of the last plan the scenario applied. */
let applied: Record<string, string> = {};

const rfc3339 = (milliseconds: number) => new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, "Z");
const replicas = (color: string) => cluster[`${SERVICE}-${color}`];

/** Terraform plans `variables` now against the cluster, then the apply lands and the autoscalers settle. */
function planAndApply(variables: Record<string, string>): EvaluatedWorkload {
  const planned = evaluateWorkload(stackOf(app, "production-orders-api"), SERVICE, variables, {
    planTime: rfc3339(now),
    replicas: { ...cluster },
  });
  if ("error" in planned) {
    throw new Error(`terraform rejected ${JSON.stringify(variables)}:\n${planned.error}`);
  }
  for (const [color, deployment] of Object.entries(planned.deployments)) {
    const name = `${SERVICE}-${color}`;
    if (deployment.minReplicas === null) {
      delete cluster[name];
    } else {
      cluster[name] = Math.max(deployment.minReplicas, color === planned.selectedColor ? LOAD : 0);
    }
  }
  applied = { ...variables };
  return planned;
}

/** One planned run of the job: its message, the plan, and each colour's size just before it applied. */
interface PlayedRun {
  readonly message: string;
  readonly plan: EvaluatedWorkload;
  readonly before: Readonly<Record<string, number | undefined>>;
}

/** Runs deploy-production for `released` at the scenario's time and plays each run it started, in order. */
async function deployProduction(
  released: string,
  window = String(WINDOW_MINUTES),
): Promise<{ result: JobResult; runs: PlayedRun[] }> {
  // The staging job's record that the digest passed there (what the production job requires).
  tfc.runs.push(verifiedRecord(released));
  const first = tfc.runs.length;
  const job = jobs["deploy-production"];
  if (job === undefined) {
    throw new Error("no deploy-production job");
  }
  const result = await runJob(job, {
    workspace: dir,
    secrets: { TF_API_TOKEN: "production-token", COSIGN_PUBLIC_KEY: "public-key" },
    vars: { TF_CLOUD_ORGANIZATION: "acme", ROLLBACK_WINDOW_MINUTES: window },
    needs: { publish: { digest: released, version: VERSIONS[released] ?? "0.0.0" } },
    github: {
      token: "job-token",
      server_url: "https://github.com",
      repository: "acme-platform/orders-api",
      run_id: "7",
    },
    environment: {
      PATH: `${path.join(dir, ".bin")}:${process.env.PATH ?? ""}`,
      HOME: dir,
      GITHUB_REPOSITORY: "acme-platform/orders-api",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      GITHUB_REF: "refs/heads/main",
      TFC_API_URL: tfc.api,
      TFC_POLL_SECONDS: "0",
      HEALTH_DELAY_SECONDS: "0",
      HEALTH_ATTEMPTS: "2",
      FAKE_GITHUB_API: github.url,
      FAKE_REGISTRY: registry.url,
      FAKE_NOW_SECONDS: String(now / 1000),
    },
  });
  const runs = tfc.runs
    .slice(first)
    .filter((run) => run.workspace === PRODUCTION)
    .map((run) => {
      const before = { blue: replicas("blue"), green: replicas("green") };
      return { message: run.message, plan: planAndApply(run.variables), before };
    });
  return { result, runs };
}

function verifiedRecord(verified: string): FakeRun {
  return {
    id: `run-staging-${verified.slice(7, 9)}`,
    workspace: STAGING,
    message: `Verified healthy: ${SERVICE} ${verified}`,
    polls: [],
    status: "applied",
    planOnly: false,
    actions: [],
    variables: {},
  };
}

function answerFor(variables: Record<string, string>) {
  const color = variables[ACTIVE_COLOR] || "blue";
  const image = variables[imageVariableName(SERVICE, color === "green" ? "green" : "blue")] ?? "";
  if (image === "") {
    return { status: 503, version: "" };
  }
  return { status: broken.has(image) ? 500 : 200, version: VERSIONS[image] ?? "?" };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-window-"));
  tfc = await fakeTerraformCloud([STAGING, PRODUCTION]);
  github = await fakeGithub();
  registry = await fakeRegistry();
  for (const signed of [R1, R2, R3]) registry.signed.add(signed);
  staging = await fakeService(() => ({ status: 200, version: "" }));
  // The health check sees what Terraform Cloud last applied (the runs are planned after the job).
  production = await fakeService(() => {
    const runs = tfc.runs.filter((run) => run.workspace === PRODUCTION && run.status === "applied");
    return answerFor(runs[runs.length - 1]?.variables ?? applied);
  });
  const props: ServicePipelineProps = {
    ...base,
    staging: { ...base.staging, url: staging.url },
    production: { ...base.production, url: production.url },
  };
  const files = serviceWorkflowFiles(props);
  for (const file of files) {
    fs.mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content);
  }
  jobs = workflowJobs(files.find((file) => file.path === CI_WORKFLOW_FILE)?.content ?? "");
  writeCommandStubs(path.join(dir, ".bin"));
});

afterAll(async () => {
  await Promise.all([tfc, github, registry, staging, production].map((server) => server.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the rollback window over bootstrap, three releases and a rollback (bash runs the deploy job, terraform plans each run)", () => {
  let release1WarmUntil = "";

  it("bootstrap: blue, pinned to the bootstrap digest, serves at the 6 replicas its traffic needs", () => {
    tfc.variables[PRODUCTION] = { [imageVariableName(SERVICE, "blue")]: BOOTSTRAP };
    const planned = planAndApply({ ...(tfc.variables[PRODUCTION] ?? {}) });
    expect(planned.deployments.blue).toEqual({
      exists: true,
      image: expect.stringContaining(BOOTSTRAP) as unknown,
      minReplicas: 3,
    });
    expect(planned.deployments.green?.exists).toBe(false);
    expect(cluster).toEqual({ [`${SERVICE}-blue`]: LOAD });
  });

  it("release 1: green is raised to blue's 6 replicas before the switch, and the window ends 30 minutes after it", async () => {
    now += 60 * MINUTE;
    const { result, runs } = await deployProduction(R1);
    expect(result.status).toBe("success");
    const [deployed, switched] = runs;
    expect(runs.map((run) => run.message)).toEqual([
      `Deploy ${SERVICE} 1.1.0 (${R1}) to the idle colour green`,
      `Switch ${SERVICE} traffic from blue to green (1.1.0, ${R1})`,
    ]);
    expect(deployed?.plan.selectedColor).toBe("blue");
    expect(deployed?.plan.deployments.green).toEqual({
      exists: true,
      image: expect.stringContaining(R1) as unknown,
      minReplicas: 6,
    });
    expect(switched?.before).toEqual({ blue: 6, green: 6 });
    expect(switched?.plan.selectedColor).toBe("green");
    expect(tfc.variables[PRODUCTION]?.[WARM_UNTIL]).toBe(rfc3339(now + WINDOW_MINUTES * MINUTE));
    release1WarmUntil = tfc.variables[PRODUCTION]?.[WARM_UNTIL] ?? "";
    // The hand-set floor is never touched by the pipeline.
    expect(tfc.variables[PRODUCTION]).not.toHaveProperty(replicaFloorVariableName(SERVICE));
    expect(cluster).toEqual({ [`${SERVICE}-blue`]: 6, [`${SERVICE}-green`]: 6 });
  });

  it("within the window, a late rollback would land on blue still at 6; the first plan after it lowers both floors to 3", () => {
    now += (WINDOW_MINUTES - 1) * MINUTE;
    const late = planAndApply({ ...(tfc.variables[PRODUCTION] ?? {}) });
    expect(late.deployments.blue?.minReplicas).toBe(6);
    expect(replicas("blue")).toBe(6);
    now += 2 * MINUTE;
    const reset = planAndApply({ ...(tfc.variables[PRODUCTION] ?? {}) });
    expect([reset.deployments.blue?.minReplicas, reset.deployments.green?.minReplicas]).toEqual([3, 3]);
    expect(cluster).toEqual({ [`${SERVICE}-blue`]: 3, [`${SERVICE}-green`]: 6 });
  });

  it("release 2 fails its health check and is rolled back within the window onto green, still at 6", async () => {
    now += 60 * MINUTE;
    broken.add(R2);
    const { result, runs } = await deployProduction(R2);
    expect(result.status).toBe("failure");
    const [deployed, switched, rolledBack] = runs;
    expect(deployed?.plan.deployments.blue).toEqual({
      exists: true,
      image: expect.stringContaining(R2) as unknown,
      minReplicas: 6,
    });
    expect(switched?.plan.selectedColor).toBe("blue");
    // The colour the rollback returns to kept its 6 replicas while blue had the traffic.
    expect(switched?.plan.deployments.green?.minReplicas).toBe(6);
    expect(rolledBack?.before.green).toBe(6);
    expect(rolledBack?.message).toBe(`Roll back ${SERVICE}: traffic to green after ${R2} failed`);
    expect(rolledBack?.plan.selectedColor).toBe("green");
    expect(rolledBack?.plan.deployments.green?.image).toContain(R1);
    // The exact previous values, the warm-until time included: release 1's window, long past.
    expect(tfc.variables[PRODUCTION]).toEqual({
      [imageVariableName(SERVICE, "blue")]: BOOTSTRAP,
      [imageVariableName(SERVICE, "green")]: R1,
      [ACTIVE_COLOR]: "green",
      [WARM_UNTIL]: release1WarmUntil,
    });
    expect(cluster).toEqual({ [`${SERVICE}-blue`]: 3, [`${SERVICE}-green`]: 6 });
  });

  it("release 3 goes to blue at green's 6 replicas and keeps green at 6 for the window", async () => {
    now += 60 * MINUTE;
    const { result, runs } = await deployProduction(R3);
    expect(result.status).toBe("success");
    const [deployed, switched] = runs;
    expect(deployed?.plan.deployments.blue).toEqual({
      exists: true,
      image: expect.stringContaining(R3) as unknown,
      minReplicas: 6,
    });
    expect(switched?.before).toEqual({ blue: 6, green: 6 });
    expect(switched?.plan.selectedColor).toBe("blue");
    expect(tfc.variables[PRODUCTION]?.[WARM_UNTIL]).toBe(rfc3339(now + WINDOW_MINUTES * MINUTE));
    expect(cluster).toEqual({ [`${SERVICE}-blue`]: 6, [`${SERVICE}-green`]: 6 });
  });

  it.each(["", "30m"])(
    "fails before any change when the rollback window is '%s', not whole minutes",
    async (window) => {
      const before = { ...(tfc.variables[PRODUCTION] ?? {}) };
      const { result, runs } = await deployProduction(R3, window);
      expect(result.status).toBe("failure");
      expect(result.log).toContain("expected whole minutes");
      expect(runs).toEqual([]);
      expect(tfc.variables[PRODUCTION]).toEqual(before);
    },
  );
});
