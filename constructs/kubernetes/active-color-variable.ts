import { Fn, TerraformVariable, Token, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { stackVariable } from "../terraform/stack-variable";
import { DEPLOYMENT_COLORS, type DeploymentColor } from "../../lib/domain/environments";
import { activeColorVariableName } from "../../lib/domain/variable-names";

/**
 * The deployment variable that picks the colour a blue-green service routes traffic to
 * (`orders_api_active_color`). It lives at the top of the stack under exactly that name, so the
 * deploy workflow sets `TF_VAR_<name>` or the Terraform Cloud workspace variable of that name.
 * Empty (the default) means the configured colour; anything but "", "blue" or "green" fails the plan.
 */
export class ActiveColorVariable extends TerraformVariable {
  /** The stack's active-colour variable of a service, created on first use. */
  static of(scope: Construct, serviceName: string): ActiveColorVariable {
    const name = activeColorVariableName(serviceName);
    return stackVariable(
      scope,
      name,
      (construct) => construct instanceof ActiveColorVariable,
      (stack) => new ActiveColorVariable(stack, name, serviceName),
    );
  }

  private constructor(stack: TerraformStack, name: string, serviceName: string) {
    super(stack, name, {
      type: "string",
      default: "",
      nullable: false,
      description: `Colour (${DEPLOYMENT_COLORS.join(" or ")}) whose pods receive ${serviceName}'s traffic; empty means the configured colour. Switch and roll back by changing it.`,
    });
    this.overrideLogicalId(name);
    this.addValidation({
      condition: Token.asString(Fn.contains(["", ...DEPLOYMENT_COLORS], this.stringValue)),
      errorMessage: `${name} must be "", ${DEPLOYMENT_COLORS.map((color) => `"${color}"`).join(" or ")}.`,
    });
  }

  /** The colour in effect: the variable's value, or `fallback` when it is empty. */
  colorOr(fallback: DeploymentColor): string {
    return Token.asString(Fn.coalesce([this.stringValue, fallback]));
  }
}
