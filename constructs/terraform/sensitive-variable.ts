import { TerraformVariable, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { stackVariable } from "./stack-variable";

/** Terraform variable names: what `TF_VAR_<name>` and Terraform Cloud workspace variables use. */
const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

export interface SensitiveVariableProps {
  /** What the value is and where to get it; shown by `terraform plan` and in Terraform Cloud. */
  readonly description: string;
}

/**
 * A secret input of a stack: a sensitive, non-nullable string variable. The value never appears
 * in the synthesized JSON; it arrives at plan time from `TF_VAR_<name>` or from a sensitive
 * Terraform Cloud workspace variable. This is the only way a secret enters a stack.
 *
 * Variables live at the top of their stack and are named exactly `name`, wherever they are
 * requested from, so that the names users set stay stable when constructs move, and so that two
 * constructs needing the same secret (a GitHub environment secret and a Kubernetes Secret) share
 * one variable: use `SensitiveVariable.of`.
 */
export class SensitiveVariable extends TerraformVariable {
  /** The stack's variable `name`, created on first use. */
  static of(scope: Construct, name: string, props: SensitiveVariableProps): SensitiveVariable {
    return stackVariable(
      scope,
      name,
      (construct) => construct instanceof SensitiveVariable,
      (stack) => new SensitiveVariable(stack, name, props),
    );
  }

  private constructor(stack: TerraformStack, name: string, props: SensitiveVariableProps) {
    if (!VARIABLE_NAME.test(name)) {
      throw new Error(`Sensitive variable name '${name}' must match ${VARIABLE_NAME.source}`);
    }
    super(stack, name, {
      type: "string",
      sensitive: true,
      nullable: false,
      description: props.description,
    });
    this.overrideLogicalId(name);
  }
}
