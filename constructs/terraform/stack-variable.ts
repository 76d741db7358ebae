import { TerraformStack, type TerraformVariable } from "cdktf";
import type { Construct, IConstruct } from "constructs";

/**
 * The variable `name` at the top of `scope`'s stack, created on first use: the names users set
 * (`TF_VAR_<name>`, workspace variables) stay the same wherever a construct asks for it, and
 * constructs asking for the same variable share it. Fails when the name is taken by something
 * `isExpected` rejects.
 */
export function stackVariable<T extends TerraformVariable>(
  scope: Construct,
  name: string,
  isExpected: (construct: IConstruct) => construct is T,
  create: (stack: TerraformStack) => T,
): T {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(name);
  if (existing !== undefined && isExpected(existing)) {
    return existing;
  }
  if (existing !== undefined) {
    throw new Error(`'${name}' already names another construct at the top of stack ${stack.node.id}`);
  }
  return create(stack);
}
