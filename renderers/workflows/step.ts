import { resolveAction } from "./pins";
import { compact } from "./yaml-output";

/** A value of an action's `with:` input: GitHub passes every one to the action as a string. */
export type ActionInput = string | number | boolean;

interface CommonStepProps {
  /** What the step does, shown in the run log. */
  readonly name: string;
  /** Lets later steps read this step's outputs (`steps.<id>.outputs.x`). @default no id */
  readonly id?: string;
  /** A condition expression, without `${{ }}`. @default runs when every earlier step succeeded */
  readonly if?: string;
  /**
   * Environment variables of the step. This is how expressions reach a script: `run:` itself never
   * contains `${{ }}`. @default none
   */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunStepProps extends CommonStepProps {
  /** A bash script. Must not contain `${{ }}`: pass values through `env`. */
  readonly run: string;
}

export interface ActionStepProps extends CommonStepProps {
  /** `owner/repo` or `owner/repo/path`, without a ref: the pin table supplies the commit SHA. */
  readonly uses: string;
  /** The action's inputs. @default none */
  readonly with?: Readonly<Record<string, ActionInput>>;
}

export type StepProps = RunStepProps | ActionStepProps;

const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Contexts an attacker controls (a branch name, a PR title, a dispatch input). Written into a
 * script they become code: script injection. Named in the error so the fix is obvious.
 */
const UNTRUSTED_CONTEXTS = /github\.event\.|inputs\.|github\.head_ref|github\.ref_name|steps\.[^}]*outputs/;

/** One step of a job: a script (`run`) or a pinned action (`uses`). Validated when constructed. */
export class Step {
  readonly name: string;
  readonly id?: string;
  /** The resolved `owner/repo[/path]@<sha>` of an action step. */
  readonly uses?: string;
  /** The release the pinned SHA belongs to, rendered as a `# vX.Y.Z` comment. */
  readonly version?: string;
  readonly run?: string;
  private readonly props: StepProps;

  constructor(props: StepProps) {
    this.props = props;
    this.name = props.name;
    if (props.name.trim() === "") {
      throw new Error("step name must not be empty");
    }
    if (props.id !== undefined) {
      this.id = props.id;
      if (!STEP_ID.test(props.id)) {
        throw new Error(`step '${props.name}': id '${props.id}' must match ${STEP_ID.source}`);
      }
    }
    const hasRun = "run" in props && props.run !== undefined;
    const hasUses = "uses" in props && props.uses !== undefined;
    if (hasRun === hasUses) {
      throw new Error(`step '${props.name}' must have exactly one of 'run' and 'uses'`);
    }
    if ("run" in props) {
      this.run = validateScript(props.name, props.run);
    } else {
      const action = resolveAction(props.uses);
      this.uses = action.uses;
      this.version = action.version;
      validateActionInputs(props);
    }
  }

  /** The same step, running only when `condition` (and its own condition, if any) holds. */
  withCondition(condition: string): Step {
    const own = this.props.if;
    return new Step({ ...this.props, if: own === undefined ? condition : `(${own}) && (${condition})` });
  }

  /** The step as GitHub reads it, keys in a fixed order. */
  toJson(): Record<string, unknown> {
    const props = this.props;
    return compact({
      name: props.name,
      id: props.id,
      if: props.if,
      uses: this.uses,
      with: "with" in props ? props.with : undefined,
      env: props.env,
      run: this.run,
    });
  }
}

function validateScript(stepName: string, script: string): string {
  const expression = /\$\{\{([^}]*)\}\}/.exec(script);
  if (expression !== null) {
    const untrusted = UNTRUSTED_CONTEXTS.test(expression[1] ?? "");
    throw new Error(
      `step '${stepName}': run: contains the expression '${expression[0]}'${untrusted ? " from an untrusted context" : ""}; ` +
        'GitHub pastes expressions into the script before bash parses it (script injection): pass the value through env: and use "$NAME"',
    );
  }
  return script.endsWith("\n") ? script : `${script}\n`;
}

function validateActionInputs(props: ActionStepProps): void {
  const checkout = props.uses === "actions/checkout";
  if (checkout && props.with?.["persist-credentials"] !== false) {
    throw new Error(
      `step '${props.name}': actions/checkout needs with: persist-credentials: false (got ${String(props.with?.["persist-credentials"])}); ` +
        "otherwise the job token stays in .git/config for every later step and for anything that uploads the workspace",
    );
  }
}
