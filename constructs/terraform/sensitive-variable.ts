import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

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
 * The Terraform name is exactly `name`, wherever in the tree the variable is created, so that the
 * names users set stay stable when constructs move.
 */
export class SensitiveVariable extends TerraformVariable {
  constructor(scope: Construct, name: string, props: SensitiveVariableProps) {
    if (!VARIABLE_NAME.test(name)) {
      throw new Error(`Sensitive variable name '${name}' must match ${VARIABLE_NAME.source}`);
    }
    super(scope, name, {
      type: "string",
      sensitive: true,
      nullable: false,
      description: props.description,
    });
    this.overrideLogicalId(name);
  }
}
