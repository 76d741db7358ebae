import { Fn, Op, TerraformVariable, type IResolvable, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { stackVariable } from "../terraform/stack-variable";
import { warmUntilVariableName } from "../../lib/domain/variable-names";

/**
 * The deployment variable that keeps both colours of a blue-green service at the live size
 * until a time (`orders_api_warm_until`, RFC 3339 such as `2026-12-01T10:30:00Z`). Empty (the
 * default) or past means nothing is held. The deploy workflow sets it; anything that is not an
 * RFC 3339 time fails the plan.
 */
export class WarmUntilVariable extends TerraformVariable {
  /** The stack's warm-until variable of a service, created on first use. */
  static of(scope: Construct, serviceName: string): WarmUntilVariable {
    const name = warmUntilVariableName(serviceName);
    return stackVariable(
      scope,
      name,
      (construct) => construct instanceof WarmUntilVariable,
      (stack) => new WarmUntilVariable(stack, name, serviceName),
    );
  }

  private constructor(stack: TerraformStack, name: string, serviceName: string) {
    super(stack, name, {
      type: "string",
      default: "",
      nullable: false,
      description: `Time (RFC 3339) until which both colours of ${serviceName} stay at the live replica count: the deployment and its rollback window; empty means none. Set by the deploy workflow.`,
    });
    this.overrideLogicalId(name);
    this.addValidation({
      // HCL: cdktf 0.21 renders a literal "" or 0 inside Op expressions as `undefined`. `||`
      // evaluates both sides, so can() keeps timecmp's error on "" from failing the check.
      condition: `\${var.${name} == "" || can(timecmp(var.${name}, var.${name}))}`,
      errorMessage: `${name} must be empty or an RFC 3339 time such as 2026-12-01T10:30:00Z.`,
    });
  }

  /**
   * Whether the plan runs before the variable's time: `plantimestamp()` is the time the plan
   * started (Terraform 1.5+), so the value is fixed for one run and the synthesized JSON stays the
   * same on every machine.
   */
  get isWarm(): IResolvable {
    // timecmp is -1 when the first time is earlier; try() makes an empty value mean "not warm".
    return Fn.try([Op.eq(Fn.timecmp(Fn.plantimestamp(), this.stringValue), -1), false]) as IResolvable;
  }
}
