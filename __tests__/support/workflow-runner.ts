import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

// A small stand-in for GitHub's runner, enough to play the generated jobs for real: each `run:`
// step runs with `bash --noprofile --norc -eo pipefail` (what `shell: bash` means on GitHub's
// runners), in job order, with the job's and the step's `env:` after `${{ }}` expressions are
// resolved, `$GITHUB_OUTPUT` read back into `steps.<id>.outputs`, and `if:` conditions evaluated
// (`success()`, `failure()`, `always()`, `==`, `!=`, `&&`, `||`, `!`). `uses:` steps are not run:
// the scenario supplies what they would have produced (for example the publish job's outputs).
// https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell

export interface ParsedStep {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  env?: Record<string, string>;
  run?: string;
}

export interface ParsedJob {
  name: string;
  needs?: string[];
  if?: string;
  env?: Record<string, string>;
  steps: ParsedStep[];
}

export interface StepResult {
  readonly name: string;
  readonly outcome: "success" | "failure" | "skipped";
  readonly stdout: string;
  readonly stderr: string;
}

export interface JobResult {
  readonly status: "success" | "failure";
  readonly steps: StepResult[];
  /** Everything the job printed, in order. */
  readonly log: string;
  readonly outputs: Record<string, Record<string, string>>;
}

export interface RunnerContext {
  /** Where the steps run: a checkout with the rendered `.github/scripts`. */
  readonly workspace: string;
  /** Values for `${{ secrets.X }}`, `${{ vars.X }}`, `${{ needs.<job>.outputs.X }}`, `${{ github.X }}`. */
  readonly secrets?: Record<string, string>;
  readonly vars?: Record<string, string>;
  readonly needs?: Record<string, Record<string, string>>;
  readonly github?: Record<string, string>;
  /** What the `uses:` steps with an id would have output (`build: { digest: ... }`). */
  readonly actionOutputs?: Record<string, Record<string, string>>;
  /** The runner's own environment (GITHUB_REF, GITHUB_SHA, ...) and test overrides, applied last. */
  readonly environment: Record<string, string>;
}

/** The jobs of a rendered workflow, by id. */
export function workflowJobs(text: string): Record<string, ParsedJob> {
  return (parse(text) as { jobs: Record<string, ParsedJob> }).jobs;
}

/** Runs one job's steps in order and reports each step's outcome. */
export async function runJob(job: ParsedJob, context: RunnerContext): Promise<JobResult> {
  const outputs: Record<string, Record<string, string>> = {};
  const outcomes: Record<string, string> = {};
  const steps: StepResult[] = [];
  let failed = false;
  let log = "";
  const lookup = (expression: string): string => resolve(expression.trim(), context, outputs, outcomes, failed);
  const substitute = (value: string) =>
    value.replace(/\$\{\{([^}]*)\}\}/g, (_, expression: string) => lookup(expression));
  const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([key, value]) => [key, substitute(value)]));
  for (const step of job.steps) {
    const condition = step.if ?? "success()";
    if (step.run === undefined && step.id !== undefined && evaluate(condition, lookup, failed)) {
      outcomes[step.id] = "success";
      outputs[step.id] = context.actionOutputs?.[step.id] ?? {};
    }
    if (step.run === undefined || !evaluate(condition, lookup, failed)) {
      steps.push({ name: step.name, outcome: step.run === undefined ? "success" : "skipped", stdout: "", stderr: "" });
      if (step.id !== undefined && step.run !== undefined) {
        outcomes[step.id] = "skipped";
      }
      continue;
    }
    const outputFile = path.join(context.workspace, `.output-${steps.length}`);
    fs.writeFileSync(outputFile, "");
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(value)]));
    const result = await bash(step.run, context.workspace, {
      ...jobEnv,
      ...stepEnv,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: path.join(context.workspace, ".summary"),
      ...context.environment,
    });
    const outcome = result.code === 0 ? "success" : "failure";
    if (step.id !== undefined) {
      outcomes[step.id] = outcome;
      outputs[step.id] = Object.fromEntries(
        fs
          .readFileSync(outputFile, "utf8")
          .split("\n")
          .filter((line) => line.includes("="))
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
    }
    failed ||= outcome === "failure";
    log += `--- ${step.name} (${outcome})\n${result.stdout}${result.stderr}`;
    steps.push({ name: step.name, outcome, stdout: result.stdout, stderr: result.stderr });
  }
  return { status: failed ? "failure" : "success", steps, log, outputs };
}

function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(cwd, `.step-${Math.random().toString(36).slice(2)}.sh`);
  fs.writeFileSync(file, script);
  return new Promise((done) => {
    execFile(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", file],
      { cwd, env, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function resolve(
  expression: string,
  context: RunnerContext,
  outputs: Record<string, Record<string, string>>,
  outcomes: Record<string, string>,
  failed: boolean,
): string {
  const [scope, ...rest] = expression.split(".");
  const key = rest.join(".");
  switch (scope) {
    case "secrets":
      return context.secrets?.[key] ?? "";
    case "vars":
      return context.vars?.[key] ?? "";
    case "github":
      return context.github?.[key] ?? "";
    case "job":
      return key === "status" ? (failed ? "failure" : "success") : "";
    case "needs": {
      const [job, , output] = rest;
      return context.needs?.[job ?? ""]?.[output ?? ""] ?? "";
    }
    case "steps": {
      const [id, kind, output] = rest;
      return kind === "outcome" ? (outcomes[id ?? ""] ?? "") : (outputs[id ?? ""]?.[output ?? ""] ?? "");
    }
    default:
      throw new Error(`the scenario runner cannot resolve '${expression}'`);
  }
}

/** Evaluates an `if:` expression of the subset the generated jobs use. */
function evaluate(condition: string, lookup: (expression: string) => string, failed: boolean): boolean {
  const tokens = condition.match(/'[^']*'|==|!=|&&|\|\||!|\(|\)|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++] ?? "";
  type Value = string | boolean;
  const primary = (): Value => {
    const token = next();
    if (token === "(") {
      const value = or();
      next();
      return value;
    }
    if (token === "!") {
      return !truthy(primary());
    }
    if (token === "success()") return !failed;
    if (token === "failure()") return failed;
    if (token === "always()") return true;
    if (token.startsWith("'")) return token.slice(1, -1);
    return lookup(token);
  };
  const comparison = (): Value => {
    const left = primary();
    if (peek() === "==" || peek() === "!=") {
      const operator = next();
      const right = primary();
      return operator === "==" ? left === right : left !== right;
    }
    return left;
  };
  const and = (): Value => {
    let value = comparison();
    while (peek() === "&&") {
      next();
      const right = comparison();
      value = truthy(value) && truthy(right);
    }
    return value;
  };
  const or = (): Value => {
    let value = and();
    while (peek() === "||") {
      next();
      const right = and();
      value = truthy(value) || truthy(right);
    }
    return value;
  };
  const value = or();
  // A step runs on success() unless its condition calls a status function itself.
  const statusFunction = /\b(success|failure|always|cancelled)\(\)/.test(condition);
  return truthy(value) && (statusFunction || !failed);
}

function truthy(value: string | boolean): boolean {
  return typeof value === "boolean" ? value : value !== "";
}
