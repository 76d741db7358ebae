import { terraformConsole } from "./terraform-console";
import { jsonText, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** What the registry answers for any tag, in tests that evaluate image references. */
export const RESOLVED_DIGEST = `sha256:${"c".repeat(64)}`;

/** The outcome of one plan: the image reference and the registry lookups made, or the error. */
export type ImageDeployment =
  { readonly reference: string; readonly lookups: { count: number; name: string }[] } | { readonly error: string };

/**
 * What Terraform makes of an image reference of a synthesized stack for given variable values:
 * the reference, and each registry lookup that has an instance with the name it asks for.
 * Registry lookups are replaced by stand-ins that answer RESOLVED_DIGEST, keeping each
 * lookup's own `count` and `name` expressions; everything else is evaluated by terraform.
 */
export function deployImage(
  stack: TerraformJson,
  reference: string,
  variables: Readonly<Record<string, string>>,
): ImageDeployment {
  const lookups = Object.entries(stack.data?.docker_registry_image ?? {});
  const locals: Record<string, string> = {};
  let expression = reference;
  lookups.forEach(([name, body], index) => {
    const count = typeof body.count === "string" ? body.count.slice(2, -1) : "1";
    locals[`lookup_${index}`] = `\${[for i in range(${count}) : { sha256_digest = "${RESOLVED_DIGEST}" }]}`;
    locals[`lookup_${index}_count`] = `\${${count}}`;
    locals[`lookup_${index}_name`] = jsonText(body.name);
    expression = expression
      .split(`data.docker_registry_image.${name}.`)
      .join(`local.lookup_${index}[0].`)
      .split(`data.docker_registry_image.${name}`)
      .join(`local.lookup_${index}`);
  });
  locals.reference = expression;
  const lookupsExpression = lookups.map(
    (_, index) => `{ count = local.lookup_${index}_count, name = local.lookup_${index}_name }`,
  );
  const result = terraformConsole(
    { variable: stack.variable, locals },
    `{ reference = local.reference, lookups = [${lookupsExpression.join(", ")}] }`,
    variables,
  );
  if ("error" in result) {
    return { error: result.error };
  }
  const value = result.value as { reference: string; lookups: { count: number; name: string }[] };
  return { reference: value.reference, lookups: value.lookups.filter((lookup) => lookup.count > 0) };
}
