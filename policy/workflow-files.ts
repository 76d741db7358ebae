import { parse } from "yaml";
import type { SynthesizedStack } from "./synthesized-stack";
import { isObject, stringAt, type Json, type JsonObject } from "../lib/terraform-json/terraform-json";
import { literalText } from "../lib/terraform-json/template-sequences";

/** A GitHub Actions workflow committed by a `github_repository_file`, as GitHub will read it. */
export interface WorkflowFile {
  /** The `github_repository_file` address. */
  readonly address: string;
  /** `.github/workflows/ci.yml` */
  readonly path: string;
  /** The parsed workflow; undefined when the content is not literal YAML (see `problem`). */
  readonly workflow?: JsonObject;
  /** Why the content cannot be read as a workflow. */
  readonly problem?: string;
}

/** A job of a workflow, with its id. */
export interface WorkflowJob {
  readonly id: string;
  readonly body: JsonObject;
}

/** A step of a job, named for messages (`job 'build' step 'Checkout'`). */
export interface WorkflowStep {
  readonly label: string;
  readonly body: JsonObject;
}

const WORKFLOW_PATH = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** Each stack's workflow files, read once: every workflow rule asks for them. */
const workflowFilesByStack = new WeakMap<SynthesizedStack, readonly WorkflowFile[]>();

/**
 * Every workflow file of a stack. The content in the JSON is escaped for Terraform (`$${{`,
 * `%%{`); it is un-escaped first, exactly as Terraform will, so rules read the file GitHub gets.
 */
export function workflowFilesOf(stack: SynthesizedStack): readonly WorkflowFile[] {
  let files = workflowFilesByStack.get(stack);
  if (files === undefined) {
    files = readWorkflowFiles(stack);
    workflowFilesByStack.set(stack, files);
  }
  return files;
}

function readWorkflowFiles(stack: SynthesizedStack): WorkflowFile[] {
  // The same file is committed to several branches: parse each distinct content once.
  const parsed = new Map<string, { workflow?: JsonObject; problem?: string }>();
  return stack.resources("github_repository_file").flatMap((file): WorkflowFile[] => {
    const path = literalText(stringAt(file.body, "file") ?? "")?.replace(/^\//, "");
    if (path === undefined || !WORKFLOW_PATH.test(path)) {
      return [];
    }
    const content = stringAt(file.body, "content");
    const text = content === undefined ? undefined : literalText(content);
    if (text === undefined) {
      return [
        {
          address: file.address,
          path,
          problem: "its content is computed by Terraform (an expression or template directive), not literal text",
        },
      ];
    }
    let reading = parsed.get(text);
    if (reading === undefined) {
      reading = parseWorkflow(text);
      parsed.set(text, reading);
    }
    return [{ address: file.address, path, ...reading }];
  });
}

function parseWorkflow(text: string): { workflow?: JsonObject; problem?: string } {
  try {
    const workflow: unknown = parse(text);
    return isObject(workflow) ? { workflow } : { problem: "its content is not a YAML mapping" };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
    return { problem: `its content is not valid YAML (${reason})` };
  }
}

/** The jobs of a workflow, in file order. */
export function jobsOf(workflow: JsonObject): WorkflowJob[] {
  const jobs = workflow.jobs;
  if (!isObject(jobs)) {
    return [];
  }
  return Object.entries(jobs).flatMap(([id, body]) => (isObject(body) ? [{ id, body }] : []));
}

/** The steps of a job, labelled by name, `uses` or position. */
export function stepsOf(job: WorkflowJob): WorkflowStep[] {
  const steps = job.body.steps;
  if (!Array.isArray(steps)) {
    return [];
  }
  return steps.flatMap((step: Json, index: number) => {
    if (!isObject(step)) {
      return [];
    }
    const name = stringAt(step, "name") ?? stringAt(step, "uses") ?? `#${index + 1}`;
    return [{ label: `job '${job.id}' step '${name}'`, body: step }];
  });
}

/**
 * The events a workflow runs on. `on` may be a string, a list or a mapping; YAML 1.1 parsers read
 * an unquoted `on` key as `true`, so that key counts too.
 */
export function triggersOf(workflow: JsonObject): string[] {
  const on = workflow.on ?? workflow.true;
  if (typeof on === "string") {
    return [on];
  }
  if (Array.isArray(on)) {
    return on.filter((event: Json): event is string => typeof event === "string");
  }
  return isObject(on) ? Object.keys(on) : [];
}
