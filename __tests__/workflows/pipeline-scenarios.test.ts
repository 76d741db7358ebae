import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
  type FakeService,
  type FakeTerraformCloud,
} from "../support/pipeline-fakes";
import { loadDefaultConfig } from "../support/synth";
import { runJob, workflowJobs, type JobResult, type ParsedJob } from "../support/workflow-runner";

// The generated CI/CD workflow played for real: its `run:` steps and `.github/scripts/*.sh` run
// with bash, job by job in the order `needs:` gives (publish -> deploy-staging ->
// deploy-production), against local fakes of Terraform Cloud, GitHub, the registry and the
// deployed service (all on 127.0.0.1). The service answers with the version of the digest that
// Terraform Cloud last applied, so a health check sees what a real rollout would show.

jest.setTimeout(60_000);

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const OLD = digest(1);
const NEW = digest(2);
const VERSIONS: Record<string, string> = { [OLD]: "1.3.0", [NEW]: "1.4.0" };

const config = loadDefaultConfig();
const service = config.services[0];
if (service === undefined) {
  throw new Error("the default config has a service");
}

let dir: string;
let tfc: FakeTerraformCloud;
let github: FakeGithub;
let registry: FakeRegistry;
let staging: FakeService;
let production: FakeService;
/** Digests whose image fails every health check. */
let broken: Set<string>;
let jobs: Record<string, ParsedJob>;
let props: ServicePipelineProps;

/** The variables of the workspace's last applied run: what the cluster runs. */
function live(workspace: string): Record<string, string> {
  const applied = tfc.runs.filter((run) => run.workspace === workspace && run.status === "applied");
  return applied[applied.length - 1]?.variables ?? tfc.variables[workspace] ?? {};
}

function answerFor(image: string | undefined) {
  if (image === undefined || image === "") {
    return { status: 503, version: "" };
  }
  return { status: broken.has(image) ? 500 : 200, version: VERSIONS[image] ?? "?" };
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-scenarios-"));
  broken = new Set();
  // Only the workspaces of the service's own stacks per environment (<prefix>-<env>-<service>)
  // exist: a deploy job that targets any other workspace gets a 404.
  tfc = await fakeTerraformCloud(["orders-api-staging-orders-api", "orders-api-production-orders-api"]);
  github = await fakeGithub();
  registry = await fakeRegistry();
  staging = await fakeService(() => answerFor(live("orders-api-staging-orders-api").orders_api_image));
  production = await fakeService(() => {
    const variables = live("orders-api-production-orders-api");
    const color = variables.orders_api_active_color || "blue";
    return answerFor(variables[`orders_api_image_${color}`]);
  });
  const base = servicePipelineProps(config, service);
  props = {
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

afterEach(async () => {
  await Promise.all([tfc, github, registry, staging, production].map((server) => server.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function job(id: string): ParsedJob {
  const found = jobs[id];
  if (found === undefined) {
    throw new Error(`no job ${id}`);
  }
  return found;
}

/** Runs a deploy job of the published `image` on main, with the environment's own token. */
function deploy(id: "deploy-staging" | "deploy-production", image: string, overrides: Record<string, string> = {}) {
  return runJob(job(id), {
    workspace: dir,
    secrets: { TF_API_TOKEN: `${id}-token`, COSIGN_PUBLIC_KEY: "public-key" },
    vars: { TF_CLOUD_ORGANIZATION: "acme", ROLLBACK_WINDOW_MINUTES: "30" },
    needs: { publish: { digest: image, version: VERSIONS[image] ?? "0.0.0" } },
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
      ...overrides,
    },
  });
}

const messages = (workspace: string) => tfc.runs.filter((run) => run.workspace === workspace).map((run) => run.message);
const outcome = (result: JobResult, step: RegExp) =>
  result.steps.find((candidate) => step.test(candidate.name))?.outcome;

describe("a release through staging and production", () => {
  beforeEach(() => {
    registry.signed.add(NEW);
    tfc.variables["orders-api-staging-orders-api"] = { orders_api_image: OLD };
    tfc.variables["orders-api-production-orders-api"] = { orders_api_image_blue: OLD, orders_api_active_color: "" };
  });

  it("deploys the signed digest to staging, records that it passed, then switches production to it", async () => {
    const stagingRun = await deploy("deploy-staging", NEW);
    expect([stagingRun.status, stagingRun.log]).toEqual(["success", expect.any(String)]);
    expect(tfc.variables["orders-api-staging-orders-api"]?.orders_api_image).toBe(NEW);
    expect(messages("orders-api-staging-orders-api")).toEqual([
      expect.stringMatching(/^Deploy orders-api 1\.4\.0 \(sha256:2+\) from acme-platform\/orders-api@0123/),
      `Verified healthy: orders-api ${NEW}`,
    ]);
    expect(staging.hits).toEqual(expect.arrayContaining(["/health", "/readiness", "/liveness"]));

    const productionRun = await deploy("deploy-production", NEW);
    expect(productionRun.status).toBe("success");
    expect(tfc.variables["orders-api-production-orders-api"]).toEqual({
      orders_api_image_blue: OLD,
      orders_api_image_green: NEW,
      orders_api_active_color: "green",
      // The end of the rollback window: 30 minutes after the switch.
      orders_api_warm_until: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
    });
    expect(github.deployments.map((deployment) => [deployment.environment, deployment.statuses])).toEqual([
      ["staging", ["in_progress", "success"]],
      ["production", ["in_progress", "success"]],
    ]);
  });

  it("rejects a digest for production that has no passed-staging record in Terraform Cloud, changing nothing", async () => {
    // A GitHub deployment record claiming success is what anyone with write access could create.
    github.deployments.push({ id: 99, environment: "staging", payload: { digest: NEW }, statuses: ["success"] });
    const result = await deploy("deploy-production", NEW);
    expect(result.status).toBe("failure");
    expect(result.log).toContain(`no run of orders-api-staging-orders-api names ${NEW}: it was never deployed there`);
    expect(tfc.runs).toEqual([]);
    expect(outcome(result, /Roll back/)).toBe("skipped");
  });

  it("rejects a digest whose newest staging run is its rollback", async () => {
    broken.add(NEW);
    expect((await deploy("deploy-staging", NEW)).status).toBe("failure");
    const result = await deploy("deploy-production", NEW);
    expect(result.status).toBe("failure");
    expect(result.log).toContain(`${NEW} has not passed orders-api-staging-orders-api`);
  });

  it("rejects an image without this repository's signature before any Terraform Cloud change", async () => {
    registry.signed.clear();
    const result = await deploy("deploy-staging", NEW);
    expect(result.status).toBe("failure");
    expect(outcome(result, /Verify the image signature/)).toBe("failure");
    expect(tfc.runs).toEqual([]);
  });
});

describe("Terraform Cloud runs that do not deploy", () => {
  beforeEach(() => {
    registry.signed.add(NEW);
    tfc.variables["orders-api-staging-orders-api"] = { orders_api_image: OLD };
  });

  async function failedDeployment(polls: { status: string; confirmable?: boolean; planOnly?: boolean }[], env = {}) {
    tfc.script.push(polls);
    const result = await deploy("deploy-staging", NEW, env);
    expect(result.status).toBe("failure");
    expect(outcome(result, /^Deploy the digest/)).toBe("failure");
    return result;
  }

  it("fails a plan-only run (nothing applied) and rolls the variable back", async () => {
    const result = await failedDeployment([{ status: "planning" }, { status: "planned_and_finished", planOnly: true }]);
    expect(result.log).toContain("run run-1 of orders-api-staging-orders-api was plan-only: nothing was applied");
    expect(tfc.variables["orders-api-staging-orders-api"]?.orders_api_image).toBe(OLD);
    expect(messages("orders-api-staging-orders-api")[1]).toBe(`Roll back orders-api to ${OLD} after ${NEW} failed`);
  });

  it("discards a run that waits for confirmation when the time is up, then rolls back", async () => {
    const result = await failedDeployment([{ status: "planning" }, { status: "planned", confirmable: true }], {
      TFC_RUN_TIMEOUT_SECONDS: "10",
    });
    expect(result.log).toContain("waits for a person (planned");
    expect(tfc.runs[0]?.actions).toEqual(["discard"]);
    expect(tfc.runs[1]?.status).toBe("applied");
    expect(tfc.variables["orders-api-staging-orders-api"]?.orders_api_image).toBe(OLD);
  });

  it("shows the failed plan's log for an errored run, then rolls back", async () => {
    const result = await failedDeployment([{ status: "planning" }, { status: "errored" }]);
    expect(result.log).toContain("::error::run run-1 of orders-api-staging-orders-api ended errored");
    expect(result.log).toContain("Error: Invalid value for variable");
    expect(tfc.runs[1]?.message).toBe(`Roll back orders-api to ${OLD} after ${NEW} failed`);
  });

  it("cancels a run that does not finish in time, and the rollback still runs and applies", async () => {
    const result = await failedDeployment([{ status: "applying" }], { TFC_RUN_TIMEOUT_SECONDS: "10" });
    expect(result.log).toContain("still applying after 10 s");
    expect(tfc.runs[0]?.actions).toEqual(["cancel"]);
    expect(outcome(result, /Roll back/)).toBe("success");
    expect(tfc.runs[1]?.status).toBe("applied");
    expect(live("orders-api-staging-orders-api").orders_api_image).toBe(OLD);
  });
});

describe("rollback", () => {
  beforeEach(() => registry.signed.add(NEW));

  it("on a first release restores the empty variable (no image), never a tag", async () => {
    tfc.variables["orders-api-staging-orders-api"] = {};
    broken.add(NEW);
    const result = await deploy("deploy-staging", NEW);
    expect(result.status).toBe("failure");
    expect(result.log).toContain("First release in orders-api-staging-orders-api");
    expect(tfc.variables["orders-api-staging-orders-api"]).toEqual({ orders_api_image: "" });
    expect(messages("orders-api-staging-orders-api")[1]).toBe(`Roll back orders-api to no image after ${NEW} failed`);
  });

  it("refuses to start when the image variable holds a tag, which a rollback could not restore", async () => {
    tfc.variables["orders-api-staging-orders-api"] = { orders_api_image: "1.3.0" };
    const result = await deploy("deploy-staging", NEW);
    expect(result.status).toBe("failure");
    expect(result.log).toContain("must be an image digest (sha256:...) or empty");
    expect(tfc.runs).toEqual([]);
  });

  it("restores the exact colour and images of production when the health check fails after the switch", async () => {
    tfc.variables["orders-api-staging-orders-api"] = { orders_api_image: OLD };
    tfc.variables["orders-api-production-orders-api"] = {
      orders_api_image_blue: OLD,
      orders_api_image_green: "",
      orders_api_active_color: "",
    };
    expect((await deploy("deploy-staging", NEW)).status).toBe("success");
    broken.add(NEW);
    const result = await deploy("deploy-production", NEW);
    expect(result.status).toBe("failure");
    expect(outcome(result, /Health check/)).toBe("failure");
    expect(tfc.variables["orders-api-production-orders-api"]).toEqual({
      orders_api_image_blue: OLD,
      orders_api_image_green: "",
      orders_api_active_color: "",
      orders_api_warm_until: "",
    });
    expect(messages("orders-api-production-orders-api")).toEqual([
      `Deploy orders-api 1.4.0 (${NEW}) to the idle colour green`,
      `Switch orders-api traffic from blue to green (1.4.0, ${NEW})`,
      `Roll back orders-api: traffic to blue after ${NEW} failed`,
    ]);
    expect(github.deployments[1]?.statuses).toEqual(["in_progress", "failure"]);
  });

  it("rolls back when the service answers healthy but with the previous version", async () => {
    tfc.variables["orders-api-staging-orders-api"] = { orders_api_image: OLD };
    VERSIONS[NEW] = "1.3.0";
    try {
      const result = await deploy("deploy-staging", NEW, { VERSION: "1.4.0" });
      expect(result.status).toBe("failure");
      expect(result.log).toContain("does not name version 1.4.0");
      expect(tfc.variables["orders-api-staging-orders-api"]?.orders_api_image).toBe(OLD);
    } finally {
      VERSIONS[NEW] = "1.4.0";
    }
  });
});

describe("publishing", () => {
  function git(...args: string[]) {
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: dir,
        stdio: "pipe",
      },
    );
  }

  async function publish(ref: string, scanned = ["linux-amd64", "linux-arm64"]) {
    git("init", "--quiet", "--initial-branch=main");
    git("commit", "--allow-empty", "--quiet", "-m", "release");
    git("tag", "v1.4.0");
    const report = JSON.stringify({ Results: [{ Target: "os", Vulnerabilities: [] }] });
    for (const platform of scanned) {
      fs.writeFileSync(path.join(dir, `trivy-${platform}.json`), report);
    }
    return runJob(job("publish"), {
      workspace: dir,
      secrets: { COSIGN_PRIVATE_KEY: "private-key", COSIGN_PASSWORD: "password" },
      actionOutputs: { build: { digest: NEW } },
      environment: {
        PATH: `${path.join(dir, ".bin")}:${process.env.PATH ?? ""}`,
        HOME: dir,
        GITHUB_REF: ref,
        GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
        FAKE_REGISTRY: registry.url,
      },
    });
  }

  it("signs and tags exactly the digest that was built and scanned; X.Y and latest only for a final release", async () => {
    const result = await publish("refs/tags/v1.4.0");
    expect([result.status, result.log]).toEqual(["success", expect.stringContaining("Version: 1.4.0")]);
    expect([...registry.signed]).toEqual([NEW]);
    expect(Object.fromEntries(registry.tags)).toEqual({
      "ghcr.io/acme-platform/orders-api:1.4.0": NEW,
      "ghcr.io/acme-platform/orders-api:sha-0123456789abcdef0123456789abcdef01234567": NEW,
      "ghcr.io/acme-platform/orders-api:1.4": NEW,
      "ghcr.io/acme-platform/orders-api:latest": NEW,
    });
  });

  it("moves no release tag for a development build", async () => {
    const result = await publish("refs/heads/develop");
    expect(result.status).toBe("success");
    expect([...registry.tags.keys()]).toEqual([
      "ghcr.io/acme-platform/orders-api:1.4.0",
      "ghcr.io/acme-platform/orders-api:sha-0123456789abcdef0123456789abcdef01234567",
    ]);
  });

  it("fails before signing when a platform's scan report is missing", async () => {
    const result = await publish("refs/heads/main", ["linux-amd64"]);
    expect(result.status).toBe("failure");
    expect(result.log).toContain("The scan report trivy-linux-arm64.json is missing");
    expect(registry.signed.size).toBe(0);
    expect(registry.tags.size).toBe(0);
  });
});
