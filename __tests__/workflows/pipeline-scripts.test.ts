import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { CI_WORKFLOW_FILE, projectPipelineFiles, serviceWorkflowFiles } from "../../renderers/workflows";
import { notifyScript, TERMINAL_RUN_STATES, terraformCloudScript } from "../../renderers/workflows/repository-scripts";
import { SCRIPTS_DIRECTORY, scriptTemplate } from "../../renderers/workflows/script-template";
import { servicePipelineProps } from "../../stacks/github-stack";
import { loadConfig } from "../../lib/config";
import { startLoopbackApi, type ApiReply } from "../support/loopback-api";
import { loadDefaultConfig, PROJECT_ROOT } from "../support/synth";

// The scripts of the pipeline, run for real (bash, curl, jq, git): the deploy jobs' Terraform
// Cloud client against a fake Terraform Cloud API on loopback that keeps workspace variables and
// runs in memory, the notification script, and the CI steps that derive the version and enforce
// the vulnerability limits.

jest.setTimeout(15_000);

interface FakeVariable {
  id: string;
  key: string;
  value: string;
  category: string;
}

interface FakeApi {
  readonly url: string;
  readonly variables: FakeVariable[];
  /** Run states returned one per poll; the last one repeats. */
  runStates: string[];
  readonly runs: { message: string; autoApply: unknown }[];
  readonly requests: { method: string; path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

async function startFakeApi(): Promise<FakeApi> {
  const api: Omit<FakeApi, "url" | "close"> = { variables: [], runStates: ["applied"], runs: [], requests: [] };
  let polls = 0;
  const server = await startLoopbackApi(({ method, url, body, authorization }): ApiReply => {
    api.requests.push({ method, path: url, authorization });
    const send = (status: number, json: unknown): ApiReply => ({ status, json });
    const parsed =
      body === "" ? undefined : (JSON.parse(body) as { data: { id?: string; attributes: Record<string, unknown> } });
    if (method === "GET" && url === "/api/v2/organizations/acme/workspaces/orders-api-staging") {
      return send(200, { data: { id: "ws-123", type: "workspaces" } });
    }
    if (method === "GET" && url.startsWith("/api/v2/organizations/")) {
      return send(404, { errors: [{ status: "404", title: "not found" }] });
    }
    if (method === "GET" && url === "/api/v2/workspaces/ws-123/vars") {
      return send(200, {
        data: api.variables.map((v) => ({
          id: v.id,
          type: "vars",
          attributes: { key: v.key, value: v.value, category: v.category },
        })),
      });
    }
    if (method === "POST" && url === "/api/v2/workspaces/ws-123/vars" && parsed) {
      const attributes = parsed.data.attributes;
      api.variables.push({
        id: `var-${api.variables.length + 1}`,
        key: String(attributes.key),
        value: String(attributes.value),
        category: String(attributes.category),
      });
      return send(201, { data: {} });
    }
    const patch = /^\/api\/v2\/workspaces\/ws-123\/vars\/(var-\d+)$/.exec(url);
    if (method === "PATCH" && patch && parsed) {
      const variable = api.variables.find((v) => v.id === patch[1]);
      if (variable === undefined || parsed.data.id !== variable.id) {
        return send(404, { errors: [] });
      }
      variable.value = String(parsed.data.attributes.value);
      return send(200, { data: {} });
    }
    if (method === "POST" && url === "/api/v2/runs" && parsed) {
      api.runs.push({
        message: String(parsed.data.attributes.message),
        autoApply: parsed.data.attributes["auto-apply"],
      });
      polls = 0;
      return send(201, { data: { id: "run-1", type: "runs" } });
    }
    if (method === "GET" && /^\/api\/v2\/runs\/run-1\/(plan|apply)$/.test(url)) {
      return send(200, { data: { attributes: { status: "finished" } } });
    }
    if (method === "GET" && url === "/api/v2/runs/run-1") {
      const status = api.runStates[Math.min(polls, api.runStates.length - 1)];
      polls += 1;
      return send(200, { data: { id: "run-1", attributes: { status } } });
    }
    return send(500, { errors: [{ detail: `unexpected ${method} ${url}` }] });
  });
  return Object.assign(api, { url: `${server.origin}/api/v2`, close: () => server.close() });
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let api: FakeApi;

function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      [path.join(dir, script), ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          TF_API_TOKEN: "token-for-tests",
          TF_CLOUD_ORGANIZATION: "acme",
          TFC_WORKSPACE: "orders-api-staging",
          TFC_API_URL: api.url,
          TFC_POLL_SECONDS: "0",
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-scripts-"));
  fs.writeFileSync(path.join(dir, "terraform-cloud.sh"), terraformCloudScript());
  fs.writeFileSync(path.join(dir, "notify.sh"), notifyScript());
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  api = await startFakeApi();
});

afterEach(() => api.close());

describe("terraform-cloud.sh (against a fake Terraform Cloud API)", () => {
  it("creates a variable that does not exist yet, then updates it in place", async () => {
    expect((await run("terraform-cloud.sh", ["set-vars", "orders_api_image=sha256:aaa"])).code).toBe(0);
    expect((await run("terraform-cloud.sh", ["set-vars", "orders_api_image=sha256:bbb"])).code).toBe(0);
    expect(api.variables).toEqual([
      { id: "var-1", key: "orders_api_image", value: "sha256:bbb", category: "terraform" },
    ]);
    expect(api.requests.filter((r) => r.method !== "GET").map((r) => r.method)).toEqual(["POST", "PATCH"]);
  });

  it("sets several variables in one call (the blue-green rollback)", async () => {
    api.variables.push({ id: "var-1", key: "orders_api_active_color", value: "green", category: "terraform" });
    const result = await run("terraform-cloud.sh", [
      "set-vars",
      "orders_api_active_color=",
      "orders_api_image_green=sha256:old",
    ]);
    expect(result.code).toBe(0);
    expect(api.variables.map((v) => [v.key, v.value])).toEqual([
      ["orders_api_active_color", ""],
      ["orders_api_image_green", "sha256:old"],
    ]);
  });

  it("reads a variable's value, and nothing for a variable that is not set", async () => {
    api.variables.push({ id: "var-1", key: "orders_api_active_color", value: "green", category: "terraform" });
    api.variables.push({ id: "var-2", key: "orders_api_image", value: "sha256:env", category: "env" });
    expect((await run("terraform-cloud.sh", ["get-var", "orders_api_active_color"])).stdout).toBe("green\n");
    expect((await run("terraform-cloud.sh", ["get-var", "orders_api_image"])).stdout).toBe("");
  });

  it("starts an auto-applied run and waits until it is applied", async () => {
    api.runStates = ["pending", "planning", "applying", "applied"];
    const result = await run("terraform-cloud.sh", ["apply", "Deploy orders-api 1.2.3"]);
    expect(result.code).toBe(0);
    expect(api.runs).toEqual([{ message: "Deploy orders-api 1.2.3", autoApply: true }]);
    expect(api.requests.filter((r) => r.path === "/api/v2/runs/run-1")).toHaveLength(4);
    expect(result.stdout).toContain("Run run-1: applied");
  });

  it("counts a run whose plan changes nothing as deployed", async () => {
    api.runStates = ["planning", "planned_and_finished"];
    expect((await run("terraform-cloud.sh", ["apply", "again"])).code).toBe(0);
  });

  it("asks for an applying run, never a plan-only one", async () => {
    await run("terraform-cloud.sh", ["apply", "Deploy"]);
    const created = api.requests.filter((r) => r.method === "POST" && r.path === "/api/v2/runs");
    expect(created).toHaveLength(1);
    expect(api.runs).toEqual([{ message: "Deploy", autoApply: true }]);
  });

  it("reports the API's error details when a call is refused", async () => {
    const result = await run("terraform-cloud.sh", ["get-var", "x"], { TFC_WORKSPACE: "missing" });
    expect(result.stderr).toContain(
      "::error::Terraform Cloud answered HTTP 404 to GET /organizations/acme/workspaces/missing: 404 not found",
    );
  });

  it.each(["errored", "policy_soft_failed"])("fails when the run ends %s", async (state) => {
    api.runStates = ["planning", state];
    const result = await run("terraform-cloud.sh", ["apply", "Deploy"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`::error::run run-1 of orders-api-staging ended ${state}`);
  });

  it("knows every terminal run state, as success or failure", () => {
    const script = terraformCloudScript();
    for (const [state, deployed] of Object.entries(TERMINAL_RUN_STATES)) {
      const branch = deployed ? /\n\s+(applied[^)]*)\)\n/ : /\n\s+(errored[^)]*)\)\n/;
      expect(branch.exec(script)?.[1]?.split(" | ")).toContain(state);
    }
  });

  it("fails when the run does not finish in time", async () => {
    api.runStates = ["applying"];
    const result = await run("terraform-cloud.sh", ["apply", "Deploy"], { TFC_RUN_TIMEOUT_SECONDS: "0" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("still applying");
  });

  it("fails naming the workspace when it does not exist", async () => {
    const result = await run("terraform-cloud.sh", ["get-var", "x"], { TFC_WORKSPACE: "missing" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("acme/missing");
  });

  it.each([
    ["TF_API_TOKEN", "environment secret TF_API_TOKEN"],
    ["TF_CLOUD_ORGANIZATION", "repository variable"],
  ])("fails with a clear message when %s is empty", async (name, message) => {
    const result = await run("terraform-cloud.sh", ["get-var", "x"], { [name]: "" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(api.requests).toEqual([]);
  });

  it("sends the token as a bearer header and never on its command line", async () => {
    await run("terraform-cloud.sh", ["get-var", "x"]);
    expect(api.requests.every((r) => r.authorization === "Bearer token-for-tests")).toBe(true);
    expect(terraformCloudScript()).not.toMatch(/--header "Authorization/);
  });

  it("rejects a set-vars argument without '='", async () => {
    const result = await run("terraform-cloud.sh", ["set-vars", "orders_api_image"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("KEY=VALUE");
  });
});

describe("notify.sh", () => {
  it("skips cleanly when no webhook is configured", async () => {
    const result = await run("notify.sh", ["hello"], { SLACK_WEBHOOK_URL: "", DISCORD_WEBHOOK_URL: "" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("notification skipped");
  });

  it("posts to each configured webhook, and only warns when one fails", async () => {
    const base = api.url.replace("/api/v2", "");
    const result = await run("notify.sh", ["deployed"], {
      SLACK_WEBHOOK_URL: `${base}/slack`,
      DISCORD_WEBHOOK_URL: "",
    });
    // The fake API answers 500 to unknown paths: a warning, not a failed deployment.
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("::warning::The Slack notification failed");
    expect(api.requests).toEqual([{ method: "POST", path: "/slack", authorization: undefined }]);
  });
});

/** A `run:` script of the rendered CI workflow, by job id and step name. */
function ciScript(jobId: string, stepName: RegExp): string {
  const workflow = parse(ciText) as { jobs: Record<string, { steps: { name: string; run?: string }[] }> };
  const script = workflow.jobs[jobId]?.steps.find((step) => stepName.test(step.name))?.run;
  if (script === undefined) {
    throw new Error(`no script ${String(stepName)} in job ${jobId}`);
  }
  return script;
}

/** Runs a script the way GitHub's runner does (`bash -eo pipefail`), in `cwd`. */
function runInline(script: string, cwd: string, env: Record<string, string>): Promise<Result> {
  const file = path.join(dir, `inline-${Math.random().toString(36).slice(2)}.sh`);
  fs.writeFileSync(file, script);
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", file],
      { cwd, env: { PATH: process.env.PATH ?? "", HOME: dir, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const config = loadDefaultConfig();
const firstService = config.services[0];
const ciText =
  firstService === undefined
    ? ""
    : (serviceWorkflowFiles(servicePipelineProps(config, firstService)).find((file) => file.path === CI_WORKFLOW_FILE)
        ?.content ?? "");

describe("the version step (git tags -> semantic version)", () => {
  let repository: string;
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: repository,
        stdio: "pipe",
      },
    );
  const commit = () => git("commit", "--allow-empty", "--quiet", "-m", "change");

  async function versionOn(ref: string): Promise<Result & { version: string }> {
    const output = path.join(repository, ".output");
    fs.writeFileSync(output, "");
    const result = await runInline(ciScript("container", /Derive the version/), repository, {
      GITHUB_REF: ref,
      GITHUB_OUTPUT: output,
    });
    const version = /^version=(.*)$/m.exec(fs.readFileSync(output, "utf8"))?.[1] ?? "";
    return { ...result, version };
  }

  beforeEach(() => {
    repository = fs.mkdtempSync(path.join(dir, "repo-"));
    git("init", "--quiet", "--initial-branch=main");
    commit();
  });

  it("is the tag's version on a commit tagged vX.Y.Z", async () => {
    git("tag", "v1.4.0");
    expect((await versionOn("refs/heads/main")).version).toBe("1.4.0");
  });

  it("is a release candidate numbered by commits since the last release on release/X.Y.Z", async () => {
    git("tag", "v1.4.0");
    commit();
    commit();
    expect((await versionOn("refs/heads/release/1.5.0")).version).toBe("1.5.0-rc.2");
  });

  it("is the next patch's development version elsewhere", async () => {
    git("tag", "v1.4.0");
    commit();
    expect((await versionOn("refs/heads/develop")).version).toBe("1.4.1-dev.1");
  });

  it("starts from 0.0.0 before the first release", async () => {
    expect((await versionOn("refs/heads/develop")).version).toBe("0.0.1-dev.1");
  });

  it.each([
    ["a final release", "v1.3.0", "1.3.0", "true", "1.3"],
    ["a pre-release", "v1.3.0-rc.1", "1.3.0-rc.1", "false", ""],
    ["a pre-release with dotted identifiers", "v2.0.0-alpha.beta.7", "2.0.0-alpha.beta.7", "false", ""],
    ["build metadata", "v2.0.0+build.7", "2.0.0+build.7", "true", "2.0"],
    ["a pre-release with build metadata", "v1.0.0-rc.1+sha.5114f85", "1.0.0-rc.1+sha.5114f85", "false", ""],
  ])("publishes the pushed tag's own version for %s (%s)", async (_, tag, version, release, minor) => {
    git("tag", tag);
    const output = path.join(repository, ".output");
    fs.writeFileSync(output, "");
    const result = await runInline(ciScript("container", /Derive the version/), repository, {
      GITHUB_REF: `refs/tags/${tag}`,
      GITHUB_OUTPUT: output,
    });
    expect(result.code).toBe(0);
    const outputs: Record<string, string> = Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((line): [string, string] => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(outputs).toEqual({ version, "image-tag": version.replace("+", "_"), release, minor });
  });

  it("bases development versions on the last final release, not on a later pre-release tag", async () => {
    git("tag", "v1.2.0");
    commit();
    git("tag", "v1.3.0-rc.1");
    commit();
    expect((await versionOn("refs/heads/develop")).version).toBe("1.2.1-dev.2");
  });

  it("ignores tags that are not semantic versions instead of failing every build", async () => {
    git("tag", "v1.2.0");
    commit();
    git("tag", "v1.2");
    git("tag", "vnext");
    const result = await versionOn("refs/heads/develop");
    expect([result.code, result.version]).toEqual([0, "1.2.1-dev.1"]);
    expect(result.stdout).toContain("::notice::Tag vnext is not v + a semantic version");
  });

  it("uses the highest final release among several tags on the same commit", async () => {
    git("tag", "v1.3.0-rc.2");
    git("tag", "v1.3.0");
    expect((await versionOn("refs/heads/main")).version).toBe("1.3.0");
  });

  it("is the pre-release on a commit tagged only with one", async () => {
    git("tag", "v1.0.0");
    commit();
    git("tag", "v1.1.0-rc.1");
    expect((await versionOn("refs/heads/main")).version).toBe("1.1.0-rc.1");
  });

  it("fails for a pushed tag that is not a semantic version", async () => {
    git("tag", "v1.2");
    const result = await versionOn("refs/tags/v1.2");
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain("::error::Tag v1.2 is not v + a semantic version");
  });

  it("fails for a release branch that is not named release/MAJOR.MINOR.PATCH", async () => {
    const result = await versionOn("refs/heads/release/next");
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain("::error::Release branches are named release/MAJOR.MINOR.PATCH");
  });
});

describe("the vulnerability gate (Trivy JSON report)", () => {
  const vulnerability = (severity: string, id: string, pkg = "openssl") => ({
    VulnerabilityID: id,
    PkgName: pkg,
    InstalledVersion: "1.0",
    Severity: severity,
  });

  async function gate(vulnerabilities: object[]): Promise<Result> {
    const workdir = fs.mkdtempSync(path.join(dir, "trivy-"));
    fs.writeFileSync(
      path.join(workdir, "trivy-report.json"),
      JSON.stringify({ Results: [{ Target: "os", Vulnerabilities: vulnerabilities }, { Target: "python" }] }),
    );
    return runInline(ciScript("container", /Enforce the vulnerability limits/), workdir, {
      TRIVY_REPORTS: "trivy-report.json",
      MAX_CRITICAL: "0",
      MAX_HIGH: "5",
      GITHUB_STEP_SUMMARY: path.join(workdir, "summary.md"),
    });
  }

  const highs = (count: number) => Array.from({ length: count }, (_, index) => vulnerability("HIGH", `CVE-${index}`));

  it("passes five HIGH and no CRITICAL", async () => {
    expect((await gate(highs(5))).code).toBe(0);
  });

  it("counts a vulnerability reported for several targets once", async () => {
    expect((await gate([...highs(5), vulnerability("HIGH", "CVE-0")])).code).toBe(0);
  });

  it("fails on a sixth HIGH", async () => {
    const result = await gate(highs(6));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(
      "::error::trivy-report.json: 0 CRITICAL (allowed 0) and 6 HIGH (allowed 5) vulnerabilities",
    );
  });

  it("fails on any CRITICAL, listing it", async () => {
    const result = await gate([vulnerability("CRITICAL", "CVE-2024-0001", "glibc")]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain("CRITICAL CVE-2024-0001 glibc 1.0 -> no fix");
  });
});

/** Every script of the generated pipelines: each `run:` step and each `.github/scripts/*.sh` file. */
function pipelineScripts(): { where: string; script: string }[] {
  const sources: { where: string; script: string }[] = [];
  const addWorkflow = (file: string, text: string) => {
    const workflow = parse(text) as { jobs: Record<string, { steps?: { name: string; run?: string }[] }> };
    for (const [id, job] of Object.entries(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.run !== undefined) {
          sources.push({ where: `${file} ${id} '${step.name}'`, script: step.run });
        }
      }
    }
  };
  // The canary example adds the production job's wait step.
  const canary = loadConfig(path.join(PROJECT_ROOT, "config/examples/canary.yaml"));
  const service = [config, canary].flatMap((source) =>
    source.services.flatMap((entry) => serviceWorkflowFiles(servicePipelineProps(source, entry))),
  );
  for (const file of [...service, ...projectPipelineFiles()]) {
    if (file.path.startsWith(".github/workflows/")) {
      addWorkflow(file.path, file.content);
    } else if (file.path.endsWith(".sh")) {
      sources.push({ where: file.path, script: file.content });
    }
  }
  return sources;
}

const shellcheck = (() => {
  try {
    execFileSync("shellcheck", ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();

describe("every script of the pipelines", () => {
  it("parses as bash (one bash -n over all of them)", () => {
    const sources = pipelineScripts();
    // Each script becomes the body of a function, so one bash process checks them all.
    const lines: string[] = [];
    const owners: string[] = [];
    sources.forEach(({ where, script }, index) => {
      for (const line of [`check_${index}() {`, ...script.split("\n"), "}"]) {
        lines.push(line);
        owners.push(where);
      }
    });
    const file = path.join(dir, "all-scripts.sh");
    fs.writeFileSync(file, lines.join("\n"));
    let problems = "";
    try {
      execFileSync("bash", ["-n", file], { stdio: "pipe" });
    } catch (error) {
      problems = String((error as { stderr?: Buffer }).stderr ?? error).replace(
        /line (\d+)/g,
        (match, line: string) => `${match} (${owners[Number(line) - 1] ?? "?"})`,
      );
    }
    expect(sources.length).toBeGreaterThan(40);
    expect(problems).toBe("");
  });

  (shellcheck ? it : it.skip)(
    "passes shellcheck, as the runner's bash runs it (skipped when shellcheck is not installed)",
    () => {
      const sources = pipelineScripts();
      const checked = fs.mkdtempSync(path.join(dir, "shellcheck-"));
      const files = sources.map(({ script }, index) => {
        const file = path.join(checked, `${index}.sh`);
        fs.writeFileSync(file, script);
        return file;
      });
      let findings: { file: string; line: number; code: number; message: string }[] = [];
      try {
        execFileSync("shellcheck", ["--shell=bash", "--format=json", ...files], { stdio: "pipe" });
      } catch (error) {
        findings = JSON.parse(String((error as { stdout?: Buffer }).stdout ?? "[]")) as typeof findings;
      }
      const problems = findings.map(
        (finding) =>
          `${sources[files.indexOf(finding.file)]?.where ?? finding.file}:${finding.line} SC${finding.code} ${finding.message}`,
      );
      expect(problems).toEqual([]);
    },
  );

  it("leaves no template placeholder (@NAME@) in any script", () => {
    const leftovers = pipelineScripts().filter(({ script }) => /@[A-Z][A-Z0-9_]*@/.test(script));
    expect(leftovers.map(({ where }) => where)).toEqual([]);
  });

  it("renders every script template of renderers/workflows/scripts", () => {
    const rendered = pipelineScripts()
      .map(({ script }) => script)
      .join("\n");
    const unused = fs
      .readdirSync(SCRIPTS_DIRECTORY)
      .filter((file) => file.endsWith(".sh"))
      .filter((file) => {
        const parts = fs.readFileSync(path.join(SCRIPTS_DIRECTORY, file), "utf8").split(/@[A-Z][A-Z0-9_]*@/);
        const pattern = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^\\n]*");
        return !new RegExp(pattern).test(rendered);
      });
    expect(unused).toEqual([]);
  });
});

describe("scriptTemplate", () => {
  it("fails for a placeholder without a value, naming it", () => {
    expect(() => scriptTemplate("rolling-current.sh", { TERRAFORM_CLOUD_SCRIPT: "x" })).toThrow(
      "script rolling-current.sh: placeholder @DIGEST_PATTERN@ has no value",
    );
  });

  it("fails for a value without a placeholder", () => {
    expect(() => scriptTemplate("notify.sh", { CHANNEL: "x" })).toThrow(
      "script notify.sh: no placeholder for @CHANNEL@",
    );
  });
});
