import { SOURCES, type PolicyRule, type Violation } from "../rule";
import type { SynthesizedStack } from "../synthesized-stack";
import { isObject, jsonText, stringAt, type Json, type JsonObject } from "../../lib/terraform-json/terraform-json";
import { jobsOf, stepsOf, triggersOf, workflowFilesOf, type WorkflowFile } from "../workflow-files";

/** Runs a check over every readable workflow of the stack; unreadable ones are WF001's business. */
function eachWorkflow(
  check: (workflow: JsonObject, file: WorkflowFile) => string[],
): (stack: SynthesizedStack) => Violation[] {
  return (stack) =>
    workflowFilesOf(stack).flatMap((file) =>
      file.workflow === undefined
        ? []
        : check(file.workflow, file).map((message) => ({ address: file.address, message: `${file.path}: ${message}` })),
    );
}

const FULL_COMMIT_SHA = /^[0-9a-f]{40}$/;
const IMAGE_DIGEST = /@sha256:[0-9a-f]{64}$/;

function isPinned(uses: string): boolean {
  if (uses.startsWith("./")) {
    return true; // an action or workflow of the same repository, at the same commit
  }
  if (uses.startsWith("docker://")) {
    return IMAGE_DIGEST.test(uses);
  }
  const at = uses.lastIndexOf("@");
  return at > 0 && FULL_COMMIT_SHA.test(uses.slice(at + 1));
}

/** A `permissions` value that grants no write access. */
function writeScopesOf(permissions: Json | undefined): string[] | "write-all" {
  if (permissions === "write-all") {
    return "write-all";
  }
  if (typeof permissions === "string") {
    return permissions === "read-all" ? [] : [`'${permissions}'`];
  }
  if (!isObject(permissions)) {
    return [];
  }
  return Object.entries(permissions)
    .filter(([, access]) => access !== "read" && access !== "none")
    .map(([scope, access]) => `${scope}: ${jsonText(access)}`);
}

/** Contexts an attacker controls (issue and PR titles, branch names, dispatch inputs). */
const UNTRUSTED_CONTEXT =
  /\bgithub\s*\.\s*event\b|\bgithub\s*\.\s*head_ref\b|\bgithub\s*\[\s*['"](?:event|head_ref)['"]|\binputs\s*\./;

function untrustedExpressionsIn(script: string): string[] {
  return [...script.matchAll(/\$\{\{([\s\S]*?)\}\}/g)]
    .map((match) => (match[1] ?? "").trim())
    .filter((expression) => UNTRUSTED_CONTEXT.test(expression));
}

export const WORKFLOW_RULES: readonly PolicyRule[] = [
  {
    id: "WF001",
    severity: "error",
    description: "Every workflow file is literal YAML text that GitHub and reviewers read as committed",
    source: SOURCES.scorecard("Dangerous-Workflow"),
    fix: "pass the workflow as plain text (ManagedFile.content), rendered from the typed model; no Terraform expressions in it",
    check: (stack) =>
      workflowFilesOf(stack).flatMap((file) =>
        file.problem === undefined ? [] : [{ address: file.address, message: `${file.path}: ${file.problem}` }],
      ),
  },
  {
    id: "WF002",
    severity: "error",
    description: "Every `uses:` of a workflow is pinned to a full 40-character commit SHA",
    source: SOURCES.scorecard("Pinned-Dependencies"),
    fix: "reference actions as owner/repo@<40-hex commit SHA> # vX.Y.Z through the pin table",
    check: eachWorkflow((workflow) =>
      jobsOf(workflow).flatMap((job) => {
        const reusable = stringAt(job.body, "uses");
        const uses = [
          ...(reusable === undefined ? [] : [{ label: `job '${job.id}'`, uses: reusable }]),
          ...stepsOf(job).flatMap((step) => {
            const value = stringAt(step.body, "uses");
            return value === undefined ? [] : [{ label: step.label, uses: value }];
          }),
        ];
        return uses
          .filter((entry) => !isPinned(entry.uses))
          .map((entry) => `${entry.label} uses '${entry.uses}', not pinned to a commit SHA`);
      }),
    ),
  },
  {
    id: "WF003",
    severity: "error",
    description: "A workflow's top-level `permissions` are declared and read-only",
    source: SOURCES.scorecard("Token-Permissions"),
    fix: "set top-level `permissions: {}` (or `contents: read`) and grant write scopes per job",
    check: eachWorkflow((workflow) => {
      if (!("permissions" in workflow)) {
        return ["declares no top-level permissions, so every job gets the repository's default token permissions"];
      }
      const writes = writeScopesOf(workflow.permissions);
      if (writes === "write-all") {
        return ["grants write-all at the top level"];
      }
      return writes.length === 0 ? [] : [`grants write access at the top level (${writes.join(", ")})`];
    }),
  },
  {
    id: "WF004",
    severity: "error",
    description: "Every job declares its own `permissions`, never `write-all`",
    source: SOURCES.scorecard("Token-Permissions"),
    fix: "give the job a `permissions` mapping with only the scopes it needs (for example `contents: read`)",
    check: eachWorkflow((workflow) =>
      jobsOf(workflow).flatMap((job) => {
        if (!("permissions" in job.body)) {
          return [`job '${job.id}' declares no permissions`];
        }
        return writeScopesOf(job.body.permissions) === "write-all" ? [`job '${job.id}' grants write-all`] : [];
      }),
    ),
  },
  {
    id: "WF005",
    severity: "error",
    description: "No workflow runs on `pull_request_target` or `workflow_run` (privileged runs on untrusted code)",
    source: SOURCES.scorecard("Dangerous-Workflow"),
    fix: "trigger on `pull_request` (no secrets, read-only token) instead",
    check: eachWorkflow((workflow) =>
      triggersOf(workflow)
        .filter((event) => event === "pull_request_target" || event === "workflow_run")
        .map((event) => `runs on '${event}'`),
    ),
  },
  {
    id: "WF006",
    severity: "error",
    description: "No `run:` script expands untrusted input (`github.event.*`, `github.head_ref`, `inputs.*`)",
    source: SOURCES.githubSecureUse("script injection"),
    fix: 'pass the value through `env:` and use the shell variable ("$TITLE") in the script',
    check: eachWorkflow((workflow) =>
      jobsOf(workflow).flatMap((job) =>
        stepsOf(job).flatMap((step) => {
          const run = stringAt(step.body, "run");
          const uses = stringAt(step.body, "uses") ?? "";
          const script = uses.startsWith("actions/github-script@")
            ? stringAt(nestedWith(step.body), "script")
            : undefined;
          return [run, script]
            .flatMap((text) => (text === undefined ? [] : untrustedExpressionsIn(text)))
            .map((expression) => `${step.label} expands '\${{ ${expression} }}' in a script`);
        }),
      ),
    ),
  },
  {
    id: "WF007",
    severity: "error",
    description: "`actions/checkout` never persists the token in the workspace (`persist-credentials: false`)",
    source: SOURCES.githubSecureUse("GITHUB_TOKEN exposure"),
    fix: "add `with: { persist-credentials: false }` to the checkout step",
    check: eachWorkflow((workflow) =>
      jobsOf(workflow).flatMap((job) =>
        stepsOf(job)
          .filter((step) => (stringAt(step.body, "uses") ?? "").startsWith("actions/checkout@"))
          .filter((step) => {
            const persist = nestedWith(step.body)?.["persist-credentials"];
            return persist !== false && persist !== "false";
          })
          .map((step) => `${step.label} keeps the token in .git/config (persist-credentials is not false)`),
      ),
    ),
  },
  {
    id: "WF008",
    severity: "error",
    description: "No reusable workflow call passes `secrets: inherit`",
    source: SOURCES.githubSecureUse("least privilege for secrets"),
    fix: "pass each secret the called workflow needs by name under `secrets:`",
    check: eachWorkflow((workflow) =>
      jobsOf(workflow)
        .filter((job) => job.body.secrets === "inherit")
        .map(
          (job) => `job '${job.id}' passes every secret to '${stringAt(job.body, "uses") ?? "a reusable workflow"}'`,
        ),
    ),
  },
];

function nestedWith(step: JsonObject): JsonObject | undefined {
  return isObject(step.with) ? step.with : undefined;
}
