import { parse } from "yaml";
import { DERIVED_ENVIRONMENT_VARIABLES, PIPELINE_VARIABLE_NAMES } from "../../lib/domain";
import {
  ACTION_PINS,
  CI_WORKFLOW_FILE,
  DEPENDABOT_COOLDOWN_DAYS,
  MERGE_CHECKS,
  pipelineSecrets,
  requiredStatusChecks,
  serviceWorkflowFiles,
  VULNERABILITY_LIMITS,
  WEEKLY_SCAN_CRON,
  type ServicePipelineProps,
} from "../../renderers/workflows";
import { servicePipelineProps } from "../../stacks/github-stack";
import { configWith } from "../support/config-text";
import { loadDefaultConfig } from "../support/synth";
import { actionlintFindings, actionValidatorErrors, hardeningProblems } from "../support/workflow-checks";

jest.setTimeout(20_000);

interface ParsedStep {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}
interface ParsedJob {
  name: string;
  "timeout-minutes"?: number;
  needs?: string[];
  if?: string;
  environment?: { name: string; url?: string };
  permissions: Record<string, string>;
  services?: Record<string, { image: string; options?: string }>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: ParsedStep[];
}
interface ParsedWorkflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, ParsedJob>;
}

const config = loadDefaultConfig();
const [service] = config.services;
if (service === undefined) {
  throw new Error("the default config has no service");
}
// The default config's repository is private without GitHub Code Security (no CodeQL there, see
// "licence-aware steps"); most of this file describes the full pipeline of a repository with it.
const props = { ...servicePipelineProps(config, service), codeScanning: true };
const files = serviceWorkflowFiles(props);
const fileText = (path: string): string => {
  const file = files.find((candidate) => candidate.path === path);
  if (file === undefined) {
    throw new Error(`no ${path}; files: ${files.map((candidate) => candidate.path).join(", ")}`);
  }
  return file.content;
};
const workflowFiles = files.filter((file) => file.path.startsWith(".github/workflows/"));
const ci = parse(fileText(CI_WORKFLOW_FILE)) as ParsedWorkflow;
const scan = parse(fileText(".github/workflows/security-scan.yml")) as ParsedWorkflow;

function jobOf(workflow: ParsedWorkflow, id: string): ParsedJob {
  const job = workflow.jobs[id];
  if (job === undefined) {
    throw new Error(`no job ${id}; jobs: ${Object.keys(workflow.jobs).join(", ")}`);
  }
  return job;
}
function stepOf(job: ParsedJob, name: RegExp): ParsedStep {
  const step = job.steps.find((candidate) => name.test(candidate.name));
  if (step === undefined) {
    throw new Error(`no step ${String(name)} in job ${job.name}`);
  }
  return step;
}
const stepIndex = (job: ParsedJob, name: RegExp) => job.steps.findIndex((step) => name.test(step.name));
const scripts = (job: ParsedJob) => job.steps.map((step) => step.run ?? "").join("\n");
const usesOf = (job: ParsedJob) =>
  job.steps.flatMap((step) => (step.uses === undefined ? [] : [step.uses.split("@")[0]]));

describe("the service repository's pipeline files", () => {
  it("are the CI/CD and weekly scan workflows, Dependabot's configuration and the two scripts", () => {
    expect(files.map((file) => file.path)).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/security-scan.yml",
      ".github/dependabot.yml",
      ".github/scripts/terraform-cloud.sh",
      ".github/scripts/notify.sh",
    ]);
  });

  it.each(workflowFiles.map((file) => file.path))("%s has no actionlint finding", async (path) => {
    expect(await actionlintFindings(fileText(path))).toEqual([]);
  });

  it.each(workflowFiles.map((file) => file.path))("%s has no action-validator error", (path) => {
    expect(actionValidatorErrors(fileText(path))).toEqual([]);
  });

  it.each(workflowFiles.map((file) => file.path))(
    "%s pins every action to a commit SHA and gives every job its permissions",
    (path) => {
      expect(hardeningProblems(fileText(path))).toEqual([]);
    },
  );

  it.each(files.map((file) => file.path))("%s matches its snapshot", (path) => {
    expect(fileText(path)).toMatchSnapshot();
  });

  it("is the same text for the same config", () => {
    expect(serviceWorkflowFiles({ ...servicePipelineProps(config, service), codeScanning: true })).toEqual(files);
  });

  it("only uses actions from the pin table", () => {
    const used = new Set(
      [ci, scan].flatMap((workflow) =>
        Object.values(workflow.jobs).flatMap((job) =>
          usesOf(job).map((uses) => uses?.split("/").slice(0, 2).join("/")),
        ),
      ),
    );
    expect([...used].every((repository) => repository !== undefined && repository in ACTION_PINS)).toBe(true);
  });

  it("reads exactly the repository secrets the governance constructs declare", () => {
    const referenced = new Set(
      workflowFiles.flatMap((file) =>
        [...file.content.matchAll(/secrets\.([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1] ?? ""),
      ),
    );
    referenced.delete("GITHUB_TOKEN");
    const secrets = pipelineSecrets(props);
    expect([...referenced].sort()).toEqual([...secrets.repository, ...secrets.environment].sort());
  });

  it("reads only the repository variables the github stack sets and the rollback window the blue-green environment stack sets", () => {
    const referenced = new Set(
      workflowFiles.flatMap((file) => [...file.content.matchAll(/vars\.([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1])),
    );
    expect([...referenced].sort()).toEqual([...PIPELINE_VARIABLE_NAMES, "ROLLBACK_WINDOW_MINUTES"].sort());
    expect(DERIVED_ENVIRONMENT_VARIABLES).toContain("ROLLBACK_WINDOW_MINUTES");
  });

  it("passes every secret to a step through env:, never on a job's env or in a script", () => {
    for (const workflow of [ci, scan]) {
      for (const job of Object.values(workflow.jobs)) {
        expect(JSON.stringify(job.env ?? {})).not.toContain("secrets.");
        expect(scripts(job)).not.toContain("${{");
      }
    }
  });
});

describe("CI triggers", () => {
  it("runs on every pull request", () => {
    expect(ci.on.pull_request).toEqual({});
  });

  it("runs on pushes to the production, staging and release branches, and of release tags", () => {
    expect(ci.on.push).toEqual({ branches: ["main", "develop", "release/**"], tags: ["v*"] });
  });

  it("runs on manual dispatch with a choice of environment", () => {
    expect(ci.on.workflow_dispatch).toEqual({
      inputs: {
        environment: expect.objectContaining({
          type: "choice",
          options: ["staging", "production"],
          required: true,
          default: "staging",
        }) as unknown,
      },
    });
  });

  it("follows the configured branches", () => {
    const custom = serviceWorkflowFiles({
      ...props,
      staging: { ...props.staging, branch: "next" },
      production: { ...props.production, branch: "trunk" },
    });
    const workflow = parse(custom[0]?.content ?? "") as ParsedWorkflow;
    expect(workflow.on.push).toEqual({ branches: ["trunk", "next", "release/**"], tags: ["v*"] });
    expect(jobOf(workflow, "deploy-production").if).toContain("github.ref == 'refs/heads/trunk'");
    expect(jobOf(workflow, "deploy-staging").if).toContain("github.ref == 'refs/heads/next'");
  });

  it("cancels superseded pull request runs, never a push run", () => {
    expect(fileText(CI_WORKFLOW_FILE)).toContain(
      "group: ${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}",
    );
  });

  it("grants nothing at the top level", () => {
    expect(ci.permissions).toEqual({});
    expect(scan.permissions).toEqual({});
  });
});

describe("required status checks", () => {
  const gating = Object.values(ci.jobs).filter((job) => job.if === undefined && job.needs === undefined);

  it("are exactly the names of the CI jobs that run on every pull request", () => {
    expect(requiredStatusChecks()).toEqual(gating.map((job) => job.name));
  });

  it("are quality, CodeQL, tests and container, without matrix suffixes", () => {
    expect(requiredStatusChecks()).toEqual(["quality", "codeql-analysis", "tests", "container"]);
    expect(requiredStatusChecks().every((name) => !/[()${}]/.test(name))).toBe(true);
  });

  it("gate publishing: nothing is pushed unless every check passed", () => {
    expect(jobOf(ci, "publish").needs).toEqual(Object.keys(MERGE_CHECKS));
  });
});

describe("stage 1: quality", () => {
  const quality = jobOf(ci, "quality");

  it("checks out the full history without keeping the token", () => {
    expect(quality.steps[0]?.with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
  });

  it("sets up Python 3.13.6 with uv 0.8.6 or newer and its cache", () => {
    const setup = stepOf(quality, /Set up Python/);
    expect(setup.uses?.startsWith("astral-sh/setup-uv@")).toBe(true);
    expect(setup.with).toMatchObject({ "python-version": "3.13.6", "enable-cache": true });
    const [major = 0, minor = 0, patch = 0] = String(setup.with?.version).split(".").map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(8 * 1e3 + 6);
  });

  it.each([
    "uv sync --locked",
    "ruff format --check",
    "ruff check",
    "mypy --strict",
    "type:[[:space:]]*ignore",
    "bandit --recursive",
    "pip-audit --strict",
  ])("runs %s", (command) => {
    expect(scripts(quality)).toContain(command);
  });

  it("runs CodeQL on the Python code in its own job", () => {
    const codeql = jobOf(ci, "codeql");
    expect(usesOf(codeql)).toEqual(["actions/checkout", "github/codeql-action/init", "github/codeql-action/analyze"]);
    expect(stepOf(codeql, /Initialise CodeQL/).with).toMatchObject({ languages: "python" });
  });
});

describe("stage 2: tests", () => {
  const tests = jobOf(ci, "tests");

  it("runs PostgreSQL and Redis as service containers with health checks, pinned by digest", () => {
    expect(Object.keys(tests.services ?? {})).toEqual(["postgres", "redis"]);
    for (const container of Object.values(tests.services ?? {})) {
      expect(container.options).toContain("--health-cmd");
      expect(container.image).toMatch(/^(postgres|redis):[\w.-]+@sha256:[0-9a-f]{64}$/);
    }
    expect(tests.env).toMatchObject({ DATABASE_URL: expect.stringContaining("localhost:5432") as unknown });
  });

  it("runs pytest with asyncio, in parallel, failing under 85 % coverage", () => {
    const run = stepOf(tests, /Unit and integration tests/).run ?? "";
    expect(run).toContain("-n auto");
    expect(run).toContain("asyncio_mode=auto");
    expect(run).toContain("--cov-fail-under=85");
  });

  it("compares benchmark medians over 20+ rounds with a 25 % noise band against the last passed run on main", () => {
    const benchmarks = stepOf(tests, /Benchmarks/);
    expect(benchmarks.run).toContain('"--benchmark-compare-fail=median:$BENCHMARK_TOLERANCE"');
    expect(benchmarks.run).toContain('"--benchmark-min-rounds=$BENCHMARK_MIN_ROUNDS"');
    expect(benchmarks.env).toEqual({ BENCHMARK_TOLERANCE: "25%", BENCHMARK_MIN_ROUNDS: "20" });
    expect(stepOf(tests, /Restore the benchmark baseline/).uses).toMatch(/^actions\/cache\/restore@/);
    // A key per commit: nothing is overwritten or locked; only a passed run on main is saved.
    const save = stepOf(tests, /Save the benchmark baseline/);
    expect(save.if).toBe("success() && github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(save.with).toMatchObject({ key: "benchmarks-${{ runner.os }}-${{ github.sha }}" });
  });

  it("counts coverage over the application code, not the tests", () => {
    const run = stepOf(tests, /Unit and integration tests/).run ?? "";
    expect(run).toContain("omit =\\n    tests/*");
    expect(run).toContain('--cov-config="$RUNNER_TEMP/coveragerc"');
  });
});

describe("stage 3: container", () => {
  const container = jobOf(ci, "container");
  const publish = jobOf(ci, "publish");

  it("builds linux/amd64 and linux/arm64 with the layer cache and version and environment build args", () => {
    const build = stepOf(container, /^Build linux/);
    expect(build.with).toMatchObject({
      platforms: "linux/amd64,linux/arm64",
      push: false,
      "cache-from": "type=gha,scope=orders-api",
      "cache-to": "type=gha,mode=max,scope=orders-api",
    });
    expect(String(build.with?.["build-args"])).toMatch(
      /^VERSION=\$\{\{ steps\.version\.outputs\.version \}\}\nAPP_ENV=/,
    );
  });

  it("gates on Trivy: any CRITICAL or more than five HIGH fail", () => {
    expect(stepOf(container, /Scan the image/).with).toMatchObject({ format: "json", severity: "HIGH,CRITICAL" });
    expect(container.env).toEqual({
      MAX_CRITICAL: String(VULNERABILITY_LIMITS.CRITICAL),
      MAX_HIGH: String(VULNERABILITY_LIMITS.HIGH),
    });
    expect(VULNERABILITY_LIMITS).toEqual({ CRITICAL: 0, HIGH: 5 });
  });

  it("keeps a CycloneDX SBOM as an artifact", () => {
    expect(stepOf(container, /SBOM \(CycloneDX\)/).with).toMatchObject({
      format: "cyclonedx",
      output: "sbom.cdx.json",
    });
    expect(String(stepOf(container, /Keep the SBOM/).with?.path)).toContain("sbom.cdx.json");
  });

  it("builds pull request code with a read-only token", () => {
    expect(container.permissions).toEqual({ contents: "read" });
  });

  it("publishes only for pushes of the release refs and manual runs on them, never for pull requests", () => {
    expect(publish.if).toBe(
      "github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && (github.ref == 'refs/heads/main' || github.ref == 'refs/heads/develop' || startsWith(github.ref, 'refs/heads/release/') || startsWith(github.ref, 'refs/tags/v')))",
    );
    // Key-based signing (the default for a private repository) needs no OIDC token.
    expect(publish.permissions).toEqual({ contents: "read", packages: "write" });
  });

  it("tags the signed digest with its version and commit, and X.Y and latest only for a final release", () => {
    const tag = stepOf(publish, /Tag the signed digest/);
    expect(tag.env).toMatchObject({
      DIGEST: "${{ steps.build.outputs.digest }}",
      RELEASE: "${{ steps.version.outputs.release }}",
    });
    expect(tag.run).toContain('docker buildx imagetools create --tag "$IMAGE:$tag" "$IMAGE@$DIGEST"');
    expect(tag.run).toContain('if [ "$RELEASE" = true ]; then');
  });

  it("builds once, and scans, signs, tags and hands on exactly the pushed digest (every platform)", () => {
    const names = publish.steps.map((step) => step.name);
    const build = stepIndex(publish, /^Build linux/);
    // Nothing is built after the gate: the only build step comes before every scan.
    expect(publish.steps.filter((step) => /docker\/build-push-action@/.test(step.uses ?? ""))).toHaveLength(1);
    expect(build).toBeLessThan(stepIndex(publish, /Scan the pushed digest, linux\/amd64/));
    expect(stepOf(publish, /^Build linux/).with).toMatchObject({
      platforms: "linux/amd64,linux/arm64",
      outputs: "type=image,name=ghcr.io/acme-platform/orders-api,push-by-digest=true,name-canonical=true,push=true",
    });
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const scan = stepOf(publish, new RegExp(`Scan the pushed digest, ${platform}`));
      expect(scan.with?.["image-ref"]).toBe("ghcr.io/acme-platform/orders-api@${{ steps.build.outputs.digest }}");
      expect(scan.env).toEqual({ TRIVY_PLATFORM: platform });
    }
    const gate = stepIndex(publish, /Enforce the vulnerability limits/);
    expect(stepOf(publish, /Enforce the vulnerability limits/).env).toEqual({
      TRIVY_REPORTS: "trivy-linux-amd64.json trivy-linux-arm64.json",
    });
    expect(gate).toBeLessThan(stepIndex(publish, /Sign the image/));
    expect(gate).toBeLessThan(stepIndex(publish, /Tag the signed digest/));
    expect(stepOf(publish, /Sign the image/).env).toMatchObject({ DIGEST: "${{ steps.build.outputs.digest }}" });
    expect(publish.outputs).toEqual({
      digest: "${{ steps.build.outputs.digest }}",
      version: "${{ steps.version.outputs.version }}",
    });
    expect(jobOf(ci, "deploy-staging").env?.DIGEST).toBe("${{ needs.publish.outputs.digest }}");
    expect(names.filter((name) => /Sign the image/.test(name))).toHaveLength(1);
  });

  it("signs keylessly where the config says so, and with the repository key without the public log otherwise", () => {
    const keyless = jobOf(
      parse(serviceWorkflowFiles({ ...props, signing: "keyless" })[0]?.content ?? "") as ParsedWorkflow,
      "publish",
    );
    expect(keyless.permissions).toEqual({ contents: "read", packages: "write", "id-token": "write" });
    expect(stepOf(keyless, /Sign the image by digest/).run).toContain('cosign sign --yes "$IMAGE@$DIGEST"');
    const key = stepOf(publish, /Sign the image by digest/);
    expect(key.run).toContain('cosign sign --yes --key env://COSIGN_PRIVATE_KEY --tlog-upload=false "$IMAGE@$DIGEST"');
    expect(key.env).toMatchObject({ COSIGN_PRIVATE_KEY: "${{ secrets.COSIGN_PRIVATE_KEY }}" });
  });

  it("runs the production image and the compose stack before anything is published", () => {
    const smoke = stepOf(container, /Smoke test/);
    expect(smoke.env).toEqual({
      SMOKE_IMAGE: "scan/image:ci",
      APP_PORT: "8000",
      HEALTH_PATHS: "/health /readiness /liveness",
    });
    expect(smoke.run).toContain("docker compose config --quiet");
    expect(smoke.run).toContain("docker compose up --build --detach --wait");
    expect(publish.needs).toContain("container");
  });
});

describe("stage 4: deployment", () => {
  const staging = jobOf(ci, "deploy-staging");
  const production = jobOf(ci, "deploy-production");

  it("deploys develop, release branches, main and manual runs of them to staging", () => {
    expect(staging.needs).toEqual(["publish"]);
    expect(staging.if).toBe(
      "(github.event_name == 'workflow_dispatch' && (github.ref == 'refs/heads/main' || github.ref == 'refs/heads/develop' || startsWith(github.ref, 'refs/heads/release/') || startsWith(github.ref, 'refs/tags/v')) && !startsWith(github.ref, 'refs/tags/')) || (github.event_name == 'push' && (github.ref == 'refs/heads/develop' || github.ref == 'refs/heads/main' || startsWith(github.ref, 'refs/heads/release/')))",
    );
    expect(staging.environment).toEqual({ name: "staging", url: "https://orders.staging.example.com" });
  });

  it("deploys main to production through the production environment, only after staging", () => {
    expect(production.needs).toEqual(["publish", "deploy-staging"]);
    expect(production.environment).toEqual({ name: "production", url: "https://orders.example.com" });
    expect(production.if).toBe(
      "github.ref == 'refs/heads/main' && (github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && inputs.environment == 'production'))",
    );
  });

  it("requires staging's Terraform Cloud record of the same digest before touching production", () => {
    const gate = stepOf(production, /Require this digest to have passed staging/);
    // The workspace of this service's staging stack (staging-orders-api), where staging recorded it.
    expect(gate.env).toMatchObject({ STAGING_WORKSPACE: "orders-api-staging-orders-api" });
    expect(gate.run).toBe(
      'TFC_WORKSPACE=$STAGING_WORKSPACE bash .github/scripts/terraform-cloud.sh require-verified "$DIGEST"\n',
    );
    expect(stepIndex(production, /Require this digest/)).toBeLessThan(stepIndex(production, /Find the active/));
    const mark = stepOf(staging, /Record in Terraform Cloud that this digest passed staging/);
    expect(mark.run).toBe('bash .github/scripts/terraform-cloud.sh mark-verified "$DIGEST"\n');
    expect(stepIndex(staging, /Record in Terraform Cloud/)).toBeGreaterThan(stepIndex(staging, /Health check/));
  });

  it.each([
    ["staging", staging],
    ["production", production],
  ])("%s: verifies the cosign signature before any Terraform Cloud change", (_, job) => {
    const verify = stepOf(job, /Verify the image signature/);
    expect(verify.env).toEqual({ COSIGN_PUBLIC_KEY: "${{ secrets.COSIGN_PUBLIC_KEY }}" });
    expect(verify.run).toContain(
      'cosign verify "$IMAGE@$DIGEST" --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true',
    );
    const keyless = jobOf(
      parse(serviceWorkflowFiles({ ...props, signing: "keyless" })[0]?.content ?? "") as ParsedWorkflow,
      job.name === "deploy staging" ? "deploy-staging" : "deploy-production",
    );
    expect(stepOf(keyless, /Verify the image signature/).env).toEqual({
      SIGNER: "https://github.com/acme-platform/orders-api/.github/workflows/ci.yml@",
      ISSUER: "https://token.actions.githubusercontent.com",
    });
    const firstTerraformCloudStep = job.steps.findIndex((step) =>
      /terraform-cloud\.sh (set-vars|apply|mark-verified)/.test(step.run ?? ""),
    );
    expect(stepIndex(job, /Verify the image signature/)).toBeLessThan(firstTerraformCloudStep);
  });

  it.each([
    ["staging", staging, "orders-api-staging-orders-api"],
    ["production", production, "orders-api-production-orders-api"],
  ])(
    "%s: targets the workspace of the service's own stack in the environment (<prefix>-<env>-<service>)",
    (_, job, workspace) => {
      expect(job.env).toMatchObject({
        TFC_WORKSPACE: workspace,
        TF_CLOUD_ORGANIZATION: "${{ vars.TF_CLOUD_ORGANIZATION }}",
        DIGEST: "${{ needs.publish.outputs.digest }}",
      });
    },
  );

  it("staging (rolling): sets the service's image variable, applies, checks health, restores on failure", () => {
    expect(staging.env).toMatchObject({ IMAGE_VARIABLE: "orders_api_image" });
    expect(staging.steps.slice(-7).map((step) => step.name)).toEqual([
      "Read the image running now",
      "Deploy the digest (Terraform Cloud run; the apply waits for the rollout)",
      "Health check (/health, /readiness, /liveness; /health names the version) with retries",
      "Roll back to the previous image",
      "Record in Terraform Cloud that this digest passed staging",
      "Record the deployment result",
      "Notify Slack and Discord",
    ]);
    const rollback = stepOf(staging, /Roll back/);
    expect(rollback.if).toBe("failure() && (steps.deploy.outcome == 'success' || steps.deploy.outcome == 'failure')");
    expect(rollback.env).toMatchObject({ PREVIOUS_IMAGE: "${{ steps.current.outputs.image }}" });
    expect(rollback.run).toContain('set-vars "$IMAGE_VARIABLE=$PREVIOUS_IMAGE"');
  });

  it("production (blue-green): idle colour first, then the switch, health check, and switching back on failure", () => {
    expect(production.env).toMatchObject({
      IMAGE_VARIABLE_BLUE: "orders_api_image_blue",
      IMAGE_VARIABLE_GREEN: "orders_api_image_green",
      ACTIVE_COLOR_VARIABLE: "orders_api_active_color",
      WARM_UNTIL_VARIABLE: "orders_api_warm_until",
      ROLLBACK_WINDOW_MINUTES: "${{ vars.ROLLBACK_WINDOW_MINUTES }}",
    });
    expect(production.steps.slice(-7).map((step) => step.name)).toEqual([
      "Find the active and the idle colour",
      "Deploy the digest to the idle colour (the apply waits until it is ready)",
      "Switch traffic to the new colour; keep the previous one warm for the rollback window",
      "Health check (/health, /readiness, /liveness; /health names the version) with retries",
      "Roll back: traffic to the previous colour, its previous image to the idle one",
      "Record the deployment result",
      "Notify Slack and Discord",
    ]);
    expect(stepOf(production, /Deploy the digest to the idle/).run).toContain('set-vars "$IDLE_VARIABLE=$DIGEST"');
    expect(stepOf(production, /Switch traffic/).run).toContain('set-vars "$ACTIVE_COLOR_VARIABLE=$IDLE"');
    const rollback = stepOf(production, /Roll back/);
    expect(rollback.if).toBe("failure() && (steps.idle.outcome == 'success' || steps.idle.outcome == 'failure')");
    expect(rollback.run).toContain(
      'set-vars "$ACTIVE_COLOR_VARIABLE=$ACTIVE_VALUE" "$IDLE_VARIABLE=$PREVIOUS_IDLE_IMAGE" "$WARM_UNTIL_VARIABLE=$PREVIOUS_WARM_UNTIL"',
    );
  });

  it.each([
    ["staging", staging, "https://orders.staging.example.com"],
    ["production", production, "https://orders.example.com"],
  ])("%s: checks /health, /readiness and /liveness and the answering version with retries", (_, job, url) => {
    const check = stepOf(job, /Health check/);
    expect(job.env?.ENVIRONMENT_URL).toBe(url);
    expect(check.env).toEqual({
      HEALTH_PATHS: "/health /readiness /liveness",
      VERSION_PATH: "/health",
      HEALTH_ATTEMPTS: "10",
      HEALTH_DELAY_SECONDS: "15",
      HEALTH_REQUEST_SECONDS: "10",
    });
    expect(check.run).toContain('"$ENVIRONMENT_URL$path"');
  });

  it.each([
    // staging: deployment, rollback, the passed-staging record; production: idle, switch, rollback.
    ["staging", staging, 3],
    ["production", production, 3],
  ])("%s: leaves time for the rollback: the job limit covers every bounded wait", (_, job, runs) => {
    const runSeconds = Number(stepOf(job, /Deploy the digest/).env?.TFC_RUN_TIMEOUT_SECONDS);
    const paths = String(stepOf(job, /Health check/).env?.HEALTH_PATHS).split(" ").length + 1;
    const healthSeconds = paths * 10 * (15 + 10);
    expect(runSeconds).toBe(900);
    expect((job["timeout-minutes"] ?? 0) * 60).toBeGreaterThanOrEqual(runs * runSeconds + healthSeconds);
  });

  it("warns instead of checking health when an environment has no URL", () => {
    const withoutUrl = serviceWorkflowFiles({ ...props, staging: { ...props.staging, url: undefined } });
    const job = jobOf(parse(withoutUrl[0]?.content ?? "") as ParsedWorkflow, "deploy-staging");
    expect(job.environment).toEqual({ name: "staging" });
    expect(stepOf(job, /Health check/).run).toContain("::warning::No URL is configured");
  });

  it.each([
    ["staging", staging],
    ["production", production],
  ])("%s: records the deployment with its digest and notifies Slack and Discord whatever happened", (_, job) => {
    expect(job.permissions).toEqual({ contents: "read", packages: "read", deployments: "write" });
    expect(stepOf(job, /Record the deployment \(/).run).toContain("payload: {digest: $digest, version: $version}");
    const notify = stepOf(job, /Notify/);
    expect(notify.if).toBe("always()");
    expect(notify.env).toMatchObject({
      SLACK_WEBHOOK_URL: "${{ secrets.SLACK_WEBHOOK_URL }}",
      DISCORD_WEBHOOK_URL: "${{ secrets.DISCORD_WEBHOOK_URL }}",
    });
  });

  it("never edits the cluster directly: every change goes through the Terraform Cloud script", () => {
    const text = fileText(CI_WORKFLOW_FILE);
    expect(text).not.toMatch(/kubectl|helm /);
  });
});

describe("permissions", () => {
  const writes = (workflow: ParsedWorkflow) =>
    Object.fromEntries(
      Object.entries(workflow.jobs).map(([id, job]) => [
        id,
        Object.entries(job.permissions)
          .filter(([, level]) => level === "write")
          .map(([scope]) => scope),
      ]),
    );

  it("grants writes only to the jobs that need them", () => {
    expect(writes(ci)).toEqual({
      quality: [],
      codeql: ["security-events"],
      tests: [],
      container: [],
      publish: ["packages"],
      "deploy-staging": ["deployments"],
      "deploy-production": ["deployments"],
    });
    expect(writes(scan)).toEqual({ image: ["security-events"], dependencies: ["security-events"], notify: [] });
  });

  it("grants security-events: write exactly to the jobs that upload SARIF", () => {
    for (const workflow of [ci, scan]) {
      for (const job of Object.values(workflow.jobs)) {
        const uploads = usesOf(job).some((uses) => /codeql-action\/(analyze|upload-sarif)$/.test(uses ?? ""));
        expect([job.name, job.permissions["security-events"] === "write"]).toEqual([job.name, uploads]);
      }
    }
  });
});

describe("weekly security scan", () => {
  it("runs once a week on a schedule and on manual dispatch", () => {
    expect(scan.on).toEqual({ schedule: [{ cron: WEEKLY_SCAN_CRON }], workflow_dispatch: {} });
    const [, , dayOfMonth, month, dayOfWeek] = WEEKLY_SCAN_CRON.split(" ");
    expect([dayOfMonth, month]).toEqual(["*", "*"]);
    expect(dayOfWeek).toMatch(/^[0-6]$/);
  });

  it("scans the image running in production by digest and uploads SARIF", () => {
    const image = jobOf(scan, "image");
    expect(stepOf(image, /Find the digest running in production/).run).toContain(
      "deployments?environment=production&task=deploy:image",
    );
    expect(stepOf(image, /Scan the deployed image/).with).toMatchObject({
      "image-ref": "ghcr.io/acme-platform/orders-api@${{ steps.deployed.outputs.digest }}",
      format: "sarif",
    });
    expect(stepOf(image, /Upload to code scanning/).with).toMatchObject({ sarif_file: "trivy-image.sarif" });
  });

  it("scans the dependencies (Trivy to code scanning, and pip-audit)", () => {
    const dependencies = jobOf(scan, "dependencies");
    expect(stepOf(dependencies, /Scan the locked dependencies/).with).toMatchObject({ "scan-type": "fs" });
    expect(stepOf(dependencies, /Upload to code scanning/).with).toMatchObject({ category: "trivy-dependencies" });
    expect(scripts(dependencies)).toContain("pip-audit");
  });

  it("notifies when alerts are new or a scan failed", () => {
    const notify = jobOf(scan, "notify");
    expect(notify.if).toBe("always()");
    expect(notify.needs).toEqual(["image", "dependencies"]);
    expect(scripts(notify)).toContain("code-scanning/alerts?state=open");
    expect(scripts(notify)).toContain("bash .github/scripts/notify.sh");
  });
});

describe("dependabot.yml", () => {
  const dependabot = parse(fileText(".github/dependabot.yml")) as {
    version: number;
    updates: {
      "package-ecosystem": string;
      schedule: { interval: string };
      cooldown: Record<string, number>;
      groups: Record<string, unknown>;
    }[];
  };

  it("is version 2 and updates only uv: the workflows and Dockerfile it would touch are managed files", () => {
    expect(dependabot.version).toBe(2);
    expect(dependabot.updates.map((update) => update["package-ecosystem"])).toEqual(["uv"]);
  });

  it.each(["uv"])("updates %s weekly, grouped, after a cooldown", (ecosystem) => {
    const update = dependabot.updates.find((candidate) => candidate["package-ecosystem"] === ecosystem);
    expect(update?.schedule.interval).toBe("weekly");
    expect(update?.cooldown).toEqual({ "default-days": DEPENDABOT_COOLDOWN_DAYS });
    expect(Object.keys(update?.groups ?? {})).toHaveLength(1);
  });
});

describe("pipeline props", () => {
  const edited = (change: Partial<ServicePipelineProps>) => () => serviceWorkflowFiles({ ...props, ...change });

  it("rejects an image outside GHCR", () => {
    expect(edited({ image: "registry.example.com/acme/orders-api" })).toThrow(
      /image 'registry.example.com\/acme\/orders-api' must be a GHCR repository/,
    );
  });

  it("rejects a workspace name Terraform Cloud does not accept", () => {
    expect(edited({ staging: { ...props.staging, workspace: "orders api" } })).toThrow(
      /staging workspace 'orders api'/,
    );
  });

  it("rejects a URL that could break out of the script", () => {
    expect(edited({ production: { ...props.production, url: 'https://x.example.com/"; rm -rf /' } })).toThrow(
      /production url/,
    );
  });

  it("rejects a bad branch name and a bad health check path", () => {
    expect(edited({ staging: { ...props.staging, branch: "dev elop" } })).toThrow(/staging branch 'dev elop'/);
    expect(edited({ healthCheckPaths: ["health"] })).toThrow(/health check path 'health'/);
  });

  it("takes the health check paths from the config's startup, readiness and liveness paths", () => {
    const custom = configWith([["services", 0, "healthPaths", "readiness"], "/ready"]);
    const customService = custom.services[0];
    expect(customService && servicePipelineProps(custom, customService).healthCheckPaths).toEqual([
      "/health",
      "/ready",
      "/liveness",
    ]);
  });
});

describe("licence-aware steps", () => {
  const withoutCodeScanning = serviceWorkflowFiles({ ...props, codeScanning: false });
  const ciWithout = parse(withoutCodeScanning[0]?.content ?? "") as ParsedWorkflow;
  const scanWithout = parse(withoutCodeScanning[1]?.content ?? "") as ParsedWorkflow;

  it("follows the declared plan and licences: no code scanning for the default private repository", () => {
    expect(servicePipelineProps(config, service).codeScanning).toBe(false);
    const licensed = configWith([["github", "advancedSecurity"], { codeSecurity: true }]);
    const licensedService = licensed.services[0];
    expect(licensedService && servicePipelineProps(licensed, licensedService).codeScanning).toBe(true);
  });

  it("runs and requires CodeQL where the repository has code scanning (the props' default)", () => {
    expect(Object.keys(ci.jobs)).toContain("codeql");
    expect(requiredStatusChecks()).toContain("codeql-analysis");
    expect(jobOf(ci, "publish").needs).toContain("codeql");
  });

  it("leaves CodeQL out of the workflow, the required checks and publish's needs without code scanning", () => {
    expect(Object.keys(ciWithout.jobs)).not.toContain("codeql");
    expect(requiredStatusChecks({ codeScanning: false })).toEqual(["quality", "tests", "container"]);
    expect(jobOf(ciWithout, "publish").needs).toEqual(["quality", "tests", "container"]);
  });

  it("keeps the weekly scan's SARIF as an artifact instead of uploading it without code scanning", () => {
    const uses = Object.values(scanWithout.jobs).flatMap((job) => usesOf(job));
    expect(uses.some((action) => /upload-sarif/.test(action ?? ""))).toBe(false);
    expect(stepOf(jobOf(scanWithout, "dependencies"), /Keep the report/).with).toMatchObject({
      path: "trivy-dependencies.sarif",
    });
  });

  it.each([
    ["without code scanning", { codeScanning: false }],
    ["keyless signing", { signing: "keyless" as const }],
  ])("stays actionlint-clean %s", async (_, change) => {
    for (const file of serviceWorkflowFiles({ ...props, ...change }).filter((entry) => entry.path.endsWith(".yml"))) {
      if (file.path.startsWith(".github/workflows/")) {
        expect(await actionlintFindings(file.content)).toEqual([]);
      }
    }
  });

  it("declares the signing key as repository secrets only in key mode", () => {
    expect(pipelineSecrets({ signing: "key" }).repository).toEqual([
      "SLACK_WEBHOOK_URL",
      "DISCORD_WEBHOOK_URL",
      "COSIGN_PRIVATE_KEY",
      "COSIGN_PASSWORD",
      "COSIGN_PUBLIC_KEY",
    ]);
    expect(pipelineSecrets({ signing: "keyless" }).repository).toEqual(["SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL"]);
  });

  it("gives every job that reads the Terraform Cloud token an environment, so it reaches only protected jobs", () => {
    for (const job of Object.values(ci.jobs)) {
      const readsToken = job.steps.some((step) =>
        Object.values(step.env ?? {}).includes("${{ secrets.TF_API_TOKEN }}"),
      );
      if (readsToken) {
        expect([job.name, job.environment?.name]).toEqual([job.name, expect.stringMatching(/^(staging|production)$/)]);
      }
    }
    expect(pipelineSecrets().environment).toEqual(["TF_API_TOKEN"]);
  });

  it("signs with a key by default for a private repository and keyless for a public one", () => {
    const publicConfig = configWith([["github", "visibility"], "public"]);
    const publicService = publicConfig.services[0];
    expect(publicService && servicePipelineProps(publicConfig, publicService).signing).toBe("keyless");
    expect(props.signing).toBe("key");
    const chosen = configWith([["github", "signing"], "keyless"]);
    const chosenService = chosen.services[0];
    expect(chosenService && servicePipelineProps(chosen, chosenService).signing).toBe("keyless");
  });
});
