import type { ActionInput, Step } from "./step";
import { compact } from "./yaml-output";

/** The scopes of the job token (`GITHUB_TOKEN`) a workflow can grant. */
export const PERMISSION_SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "packages",
  "pages",
  "pull-requests",
  "security-events",
  "statuses",
] as const;
export type PermissionScope = (typeof PERMISSION_SCOPES)[number];
export type PermissionLevel = "read" | "write" | "none";
/** Scopes not listed are `none`: GitHub grants nothing a `permissions:` block leaves out. */
export type Permissions = Readonly<Partial<Record<PermissionScope, PermissionLevel>>>;

export interface Concurrency {
  readonly group: string;
  readonly cancelInProgress: boolean | string;
}

/** A service container of a job (a database for integration tests). */
export interface ServiceContainer {
  readonly image: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  /** `docker create` options: health checks, so steps start once the service is ready. */
  readonly options?: string;
}

export interface JobProps {
  /** The check name GitHub reports for the job (what branch rules require). */
  readonly name: string;
  /**
   * What the job token may do. Required, even when empty: a job without a `permissions:` block
   * inherits the repository's default token permissions, which may be read-write on everything.
   */
  readonly permissions: Permissions;
  /** @default "ubuntu-24.04" (a fixed image, not `ubuntu-latest`, which moves under the pipeline) */
  readonly runsOn?: string;
  /** Ids of the jobs that must succeed first. @default none */
  readonly needs?: readonly string[];
  /** A condition expression, without `${{ }}`. @default always runs (when `needs` succeeded) */
  readonly if?: string;
  /** The deployment environment (its protection rules, such as required reviewers, apply). @default none */
  readonly environment?: { readonly name: string; readonly url?: string };
  /** @default none */
  readonly concurrency?: Concurrency;
  /** @default 30 (GitHub's default is 360: a hung job would hold a runner for six hours) */
  readonly timeoutMinutes?: number;
  /** A matrix of string values. @default none */
  readonly matrix?: Readonly<Record<string, readonly string[]>>;
  /** @default none */
  readonly services?: Readonly<Record<string, ServiceContainer>>;
  /** Outputs for later jobs (`needs.<id>.outputs.x`). @default none */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Environment variables of every step. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** The steps; required unless the job calls a reusable workflow (`uses`). */
  readonly steps?: readonly Step[];
  /** A reusable workflow of the same repository, `./.github/workflows/<file>.yml`. @default none */
  readonly uses?: string;
  /** Inputs of the reusable workflow. @default none */
  readonly with?: Readonly<Record<string, ActionInput>>;
  /** Secrets passed to the reusable workflow, each named explicitly. @default none */
  readonly secrets?: Readonly<Record<string, string>>;
}

const LOCAL_WORKFLOW = /^\.\/\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/;
const STEP_ONLY_KEYS = ["runsOn", "timeoutMinutes", "matrix", "services", "env", "steps"] as const;

/** One job of a workflow. Validated when constructed; see `JobProps` for the rules. */
export class Job {
  readonly name: string;
  readonly permissions: Permissions;
  readonly needs: readonly string[];
  readonly steps: readonly Step[];
  private readonly props: JobProps;

  constructor(props: JobProps) {
    this.props = props;
    this.name = props.name;
    this.needs = props.needs ?? [];
    this.steps = props.steps ?? [];
    if (props.name.trim() === "") {
      throw new Error("job name must not be empty");
    }
    // The type requires it; configurations built from untyped data (JSON, YAML) reach here too.
    if ((props.permissions as Permissions | undefined) === undefined) {
      throw new Error(
        `job '${props.name}' has no permissions; declare them explicitly (for example { contents: "read" }) so the job token is no wider than the job needs`,
      );
    }
    this.permissions = validatePermissions(`job '${props.name}'`, props.permissions);
    if (props.uses === undefined) {
      if (this.steps.length === 0) {
        throw new Error(`job '${props.name}' has no steps`);
      }
      const ids = this.steps.flatMap((step) => (step.id === undefined ? [] : [step.id]));
      const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
      if (repeated !== undefined) {
        throw new Error(`job '${props.name}': step id '${repeated}' is used twice`);
      }
    } else {
      validateWorkflowCall(props);
    }
    if (props.timeoutMinutes !== undefined && !(Number.isInteger(props.timeoutMinutes) && props.timeoutMinutes > 0)) {
      throw new Error(
        `job '${props.name}': timeoutMinutes must be a positive whole number (got ${props.timeoutMinutes})`,
      );
    }
  }

  /** The job as GitHub reads it, keys in a fixed order. */
  toJson(): Record<string, unknown> {
    const props = this.props;
    const calls = props.uses !== undefined;
    return compact({
      name: props.name,
      needs: this.needs.length > 0 ? [...this.needs] : undefined,
      if: props.if,
      "runs-on": calls ? undefined : (props.runsOn ?? "ubuntu-24.04"),
      environment: props.environment,
      permissions: { ...props.permissions },
      concurrency:
        props.concurrency === undefined
          ? undefined
          : { group: props.concurrency.group, "cancel-in-progress": props.concurrency.cancelInProgress },
      "timeout-minutes": calls ? undefined : (props.timeoutMinutes ?? 30),
      strategy: props.matrix === undefined ? undefined : { "fail-fast": false, matrix: props.matrix },
      services: props.services,
      outputs: props.outputs,
      env: props.env,
      uses: props.uses,
      with: props.with,
      secrets: props.secrets,
      steps: calls ? undefined : this.steps.map((step) => step.toJson()),
    });
  }
}

/** Permissions with known scopes and levels; `where` names the job or workflow in errors. */
export function validatePermissions(where: string, permissions: Permissions): Permissions {
  for (const [scope, level] of Object.entries(permissions)) {
    if (!(PERMISSION_SCOPES as readonly string[]).includes(scope)) {
      throw new Error(`${where}: unknown permission scope '${scope}'; allowed: ${PERMISSION_SCOPES.join(", ")}`);
    }
    if (level !== "read" && level !== "write" && level !== "none") {
      throw new Error(`${where}: permission ${scope} must be read, write or none (got ${String(level)})`);
    }
  }
  return permissions;
}

function validateWorkflowCall(props: JobProps): void {
  const uses = props.uses ?? "";
  if (!LOCAL_WORKFLOW.test(uses)) {
    throw new Error(
      `job '${props.name}': uses: '${uses}' must be a reusable workflow of this repository (./.github/workflows/<file>.yml)`,
    );
  }
  const stepKeys = STEP_ONLY_KEYS.filter((key) => props[key] !== undefined);
  if (stepKeys.length > 0) {
    throw new Error(`job '${props.name}' calls ${uses}, so it cannot also set ${stepKeys.join(", ")}`);
  }
  // The type allows only a map; untyped data can still carry GitHub's shorthand.
  if ((props.secrets as unknown) === "inherit") {
    throw new Error(
      `job '${props.name}': secrets: inherit hands every repository and environment secret to ${uses}; pass each secret it needs by name`,
    );
  }
}
