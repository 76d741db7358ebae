import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlineTerraformEnvironment } from "./terraform-cli";
import { stringsIn, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** A string of the output that Terraform cannot parse as a template, with where it is. */
export interface TemplateError {
  readonly path: string;
  readonly summary: string;
  readonly detail: string;
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail: string;
  range?: { start: { line: number } };
}

const EACH_OUTSIDE_FOR_EACH = new Set([
  'Reference to "each" in context without for_each',
  "each.value cannot be used in this context",
]);

/** The resource or data block a string path (`resource.<type>.<name>.<attribute>...`) lies in. */
function blockOf(stack: TerraformJson, stringPath: string): Record<string, unknown> | undefined {
  const [kind, type = "", name = ""] = stringPath.split(".");
  const blocks = kind === "resource" ? stack.resource : kind === "data" ? stack.data : undefined;
  return (blocks as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[type]?.[name];
}

/**
 * Runs terraform's own parser over every string of a stack (a stray `${` or `%{` fails at plan
 * time): each string becomes a
 * local value of a scratch configuration, with the stack's variables declared, and
 * `terraform validate` (which needs no provider) parses them all as templates. References to the
 * stack's resources and named locals cannot resolve in the scratch configuration (every string
 * becomes a local of its own) and are not errors here.
 */
export function terraformTemplateErrors(stack: TerraformJson): TemplateError[] {
  const strings = stringsIn({
    provider: stack.provider,
    resource: stack.resource,
    data: stack.data,
    output: stack.output,
    locals: stack.locals,
  });
  const locals: Record<string, string> = {};
  strings.forEach((entry, index) => {
    locals[`s${index}`] = entry.value;
  });
  // One local per line, so that a diagnostic's line number names the string it is about.
  const variables = stack.variable ?? {};
  const lines = [
    "{",
    // An empty variable block is itself a syntax error; declare variables only when there are some.
    Object.keys(variables).length > 0 ? `"variable": ${JSON.stringify(variables)},` : "",
    '"locals": {',
    ...strings.map(
      (_, index) =>
        `${JSON.stringify(`s${index}`)}: ${JSON.stringify(locals[`s${index}`])}${index < strings.length - 1 ? "," : ""}`,
    ),
    "}}",
  ];
  const firstLocalLine = 4;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-templates-"));
  try {
    fs.writeFileSync(path.join(dir, "main.tf.json"), lines.join("\n"));
    const output = runTerraformValidate(dir);
    const diagnostics = (JSON.parse(output) as { diagnostics: Diagnostic[] }).diagnostics;
    return (
      diagnostics
        .filter(
          (diagnostic) =>
            diagnostic.severity === "error" &&
            diagnostic.summary !== "Reference to undeclared resource" &&
            diagnostic.summary !== "Reference to undeclared local value",
        )
        .map((diagnostic) => {
          const line = diagnostic.range?.start.line ?? 0;
          const entry = strings[line - firstLocalLine];
          return { path: entry?.path ?? `line ${line}`, summary: diagnostic.summary, detail: diagnostic.detail };
        })
        // `each` is defined in blocks with for_each, which the scratch locals are not.
        .filter(
          (error) => !(EACH_OUTSIDE_FOR_EACH.has(error.summary) && blockOf(stack, error.path)?.for_each !== undefined),
        )
        // terraform reports diagnostics in no fixed order
        .sort((a, b) => a.path.localeCompare(b.path) || a.summary.localeCompare(b.summary))
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runTerraformValidate(dir: string): string {
  const env = offlineTerraformEnvironment(dir);
  try {
    return execFileSync("terraform", ["validate", "-json", "-no-color"], { cwd: dir, env, encoding: "utf8" });
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    if (stdout !== undefined && stdout.trim().startsWith("{")) {
      return stdout; // validate exits 1 when it found errors; the JSON report is still on stdout
    }
    throw error;
  }
}
