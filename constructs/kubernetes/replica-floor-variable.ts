import { Fn, TerraformVariable, Token, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { stackVariable } from "../terraform/stack-variable";
import { replicaFloorVariableName } from "../../lib/domain/variable-names";

/**
 * The deployment variable that raises the autoscaler floor of both colours of a blue-green
 * service (`orders_api_min_replicas`): before a switch the idle colour is brought to the active
 * colour's size, and after it the previous colour stays at that size (warm) for the rollback
 * window. 0 (the default) means the configured minimum.
 */
export class ReplicaFloorVariable extends TerraformVariable {
  /** The stack's replica-floor variable of a service, created on first use. */
  static of(scope: Construct, serviceName: string): ReplicaFloorVariable {
    const name = replicaFloorVariableName(serviceName);
    return stackVariable(
      scope,
      name,
      (construct) => construct instanceof ReplicaFloorVariable,
      (stack) => new ReplicaFloorVariable(stack, name, serviceName),
    );
  }

  private constructor(stack: TerraformStack, name: string, serviceName: string) {
    super(stack, name, {
      type: "number",
      default: 0,
      nullable: false,
      description: `Autoscaler floor of both colours of ${serviceName} during a switch and its rollback window (the active colour's replica count); 0 means the configured minimum.`,
    });
    this.overrideLogicalId(name);
    this.addValidation({
      // HCL: cdktf 0.21 renders a literal 0 inside Op expressions as `undefined`.
      condition: `\${var.${name} >= 0 && floor(var.${name}) == var.${name}}`,
      errorMessage: `${name} must be a whole number of replicas, 0 or more.`,
    });
  }

  /** The floor in effect: the variable's value within [min, max]. */
  floorWithin(min: number, max: number): number {
    return Token.asNumber(Fn.min([max, Fn.max([min, this.numberValue])]));
  }
}
