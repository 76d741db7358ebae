import { TerraformVariable, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { stackVariable } from "../terraform/stack-variable";
import { replicaFloorVariableName } from "../../lib/domain/variable-names";

/**
 * The deployment variable that raises the autoscaler floor of both colours of a blue-green
 * service by hand (`orders_api_min_replicas`), for example ahead of expected load. 0 (the
 * default) means the configured minimum. The deploy workflow leaves it alone: the live size
 * during a switch and its rollback window comes from `WarmStandby`.
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
      description: `Autoscaler floor of both colours of ${serviceName}, set by hand (the deploy workflow holds the live size itself); 0 means the configured minimum.`,
    });
    this.overrideLogicalId(name);
    this.addValidation({
      // HCL: cdktf 0.21 renders a literal 0 inside Op expressions as `undefined`.
      condition: `\${var.${name} >= 0 && floor(var.${name}) == var.${name}}`,
      errorMessage: `${name} must be a whole number of replicas, 0 or more.`,
    });
  }
}
