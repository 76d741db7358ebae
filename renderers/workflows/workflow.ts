import { validateCron } from "./cron";
import { validatePermissions, type Concurrency, type Job, type Permissions } from "./job";
import { compact, renderYaml } from "./yaml-output";

export interface BranchFilter {
  /** Branch name patterns (`main`, `release/**`). @default every branch */
  readonly branches?: readonly string[];
}

export interface PushFilter extends BranchFilter {
  /**
   * Tag name patterns (`v*`). A push filter with `branches` but no `tags` starts on no tag push.
   * @default no tag
   */
  readonly tags?: readonly string[];
}

export interface DispatchInput {
  readonly description: string;
  readonly type: "choice" | "string" | "boolean";
  readonly required: boolean;
  readonly default?: string;
  /** The values of a `choice` input. */
  readonly options?: readonly string[];
}

export interface WorkflowCallInput {
  readonly description: string;
  readonly type: "string" | "boolean" | "number";
  readonly required: boolean;
}

/**
 * The events a workflow may start on, under GitHub's own key names. `pull_request_target` and
 * `workflow_run` are deliberately absent: both run with the base repository's secrets and a
 * write token on behalf of code the base repository has not reviewed.
 */
export interface Triggers {
  readonly pull_request?: BranchFilter;
  readonly push?: PushFilter;
  readonly workflow_dispatch?: { readonly inputs?: Readonly<Record<string, DispatchInput>> };
  readonly schedule?: readonly { readonly cron: string }[];
  readonly workflow_call?: {
    readonly inputs?: Readonly<Record<string, WorkflowCallInput>>;
    readonly secrets?: Readonly<Record<string, { readonly description: string; readonly required: boolean }>>;
  };
}

const ALLOWED_TRIGGERS = ["pull_request", "push", "workflow_dispatch", "schedule", "workflow_call"] as const;
const FORBIDDEN_TRIGGERS: Readonly<Record<string, string>> = {
  pull_request_target:
    "it runs with the base repository's secrets and a write token while checking out pull request code",
  workflow_run: "it runs with secrets and a write token after workflows that untrusted pull requests can start",
};

export interface WorkflowProps {
  /** The workflow's display name. */
  readonly name: string;
  readonly on: Triggers;
  /**
   * The default token permissions of every job; read-only scopes only (each job declares its own
   * writes). @default {} (no scope at all)
   */
  readonly permissions?: Permissions;
  /** @default none */
  readonly concurrency?: Concurrency;
  /** Jobs by id, in the order they are written. */
  readonly jobs: Readonly<Record<string, Job>>;
}

const JOB_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A GitHub Actions workflow: validated when constructed, rendered to YAML deterministically. */
export class Workflow {
  readonly name: string;
  readonly jobs: Readonly<Record<string, Job>>;
  private readonly props: WorkflowProps;

  constructor(props: WorkflowProps) {
    this.props = props;
    this.name = props.name;
    this.jobs = props.jobs;
    validateTriggers(props.name, props.on);
    const permissions = validatePermissions(`workflow '${props.name}'`, props.permissions ?? {});
    for (const [scope, level] of Object.entries(permissions)) {
      if (level === "write") {
        throw new Error(
          `workflow '${props.name}': top-level permission ${scope}: write would reach every job; grant writes in the jobs that need them (allowed here: read or none)`,
        );
      }
    }
    const ids = Object.keys(props.jobs);
    if (ids.length === 0) {
      throw new Error(`workflow '${props.name}' has no jobs`);
    }
    const names = new Map<string, string>();
    for (const [id, job] of Object.entries(props.jobs)) {
      if (!JOB_ID.test(id)) {
        throw new Error(`workflow '${props.name}': job id '${id}' must match ${JOB_ID.source}`);
      }
      const unknown = job.needs.find((need) => !ids.includes(need));
      if (unknown !== undefined) {
        throw new Error(
          `workflow '${props.name}': job '${id}' needs '${unknown}', which is not a job of this workflow`,
        );
      }
      const sameName = names.get(job.name);
      if (sameName !== undefined) {
        throw new Error(
          `workflow '${props.name}': jobs '${sameName}' and '${id}' are both named '${job.name}'; check names must be unique`,
        );
      }
      names.set(job.name, id);
    }
  }

  /** The workflow as GitHub reads it, keys in a fixed order. */
  toJson(): Record<string, unknown> {
    const props = this.props;
    return compact({
      name: props.name,
      on: props.on,
      permissions: { ...(props.permissions ?? {}) },
      concurrency:
        props.concurrency === undefined
          ? undefined
          : { group: props.concurrency.group, "cancel-in-progress": props.concurrency.cancelInProgress },
      jobs: Object.fromEntries(Object.entries(props.jobs).map(([id, job]) => [id, job.toJson()])),
    });
  }

  /** The YAML text: the same bytes for the same workflow, every time. */
  toYaml(): string {
    const versions = new Map<string, string>();
    for (const job of Object.values(this.jobs)) {
      for (const step of job.steps) {
        if (step.uses !== undefined && step.version !== undefined) {
          versions.set(step.uses, step.version);
        }
      }
    }
    return renderYaml(this.toJson(), (uses) => versions.get(uses));
  }
}

function validateTriggers(workflow: string, on: Triggers): void {
  const events = Object.keys(on);
  if (events.length === 0) {
    throw new Error(`workflow '${workflow}' has no trigger`);
  }
  for (const event of events) {
    const reason = FORBIDDEN_TRIGGERS[event];
    if (reason !== undefined) {
      throw new Error(`workflow '${workflow}': trigger ${event} is not allowed: ${reason}`);
    }
    if (!(ALLOWED_TRIGGERS as readonly string[]).includes(event)) {
      throw new Error(`workflow '${workflow}': unknown trigger '${event}'; allowed: ${ALLOWED_TRIGGERS.join(", ")}`);
    }
  }
  for (const { cron } of on.schedule ?? []) {
    validateCron(cron);
  }
  for (const [name, input] of Object.entries(on.workflow_dispatch?.inputs ?? {})) {
    if (input.type === "choice" && (input.options ?? []).length === 0) {
      throw new Error(`workflow '${workflow}': dispatch input '${name}' is a choice without options`);
    }
    if (input.default !== undefined && input.options !== undefined && !input.options.includes(input.default)) {
      throw new Error(
        `workflow '${workflow}': dispatch input '${name}' defaults to '${input.default}', which is not one of ${input.options.join(", ")}`,
      );
    }
  }
}
