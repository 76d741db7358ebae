import { at, isObject, text, type JsonObject } from "../../lib/terraform-json/terraform-json";
import { substituteSequences } from "../../lib/terraform-json/template-sequences";

/**
 * A string of the output as a reader wants it: literal text unescaped, each Terraform expression
 * replaced by what it refers to in brackets (`ghcr.io/acme/api@[digest of ghcr.io/acme/api:main]`).
 */
export function readable(value: string, stack: JsonObject): string {
  return substituteSequences(value, (sequence) => {
    const references = referencesIn(sequence.expression, stack);
    return `[${references.length > 0 ? references.join(" or ") : sequence.expression}]`;
  });
}

/**
 * What an expression refers to, each once: variables by name, looked-up images and GitHub
 * reviewers by what was looked up, resources by type and object name.
 */
export function referencesIn(expression: string, stack: JsonObject): string[] {
  const found: string[] = [];
  for (const match of expression.matchAll(
    /\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?(?:\.([a-z0-9_]+))?/g,
  )) {
    const [, data, type = "", name = "", attribute] = match;
    const described = describeReference(data !== undefined, type, name, attribute, stack);
    if (described !== undefined && !found.includes(described)) found.push(described);
  }
  return found;
}

function describeReference(
  isData: boolean,
  type: string,
  name: string,
  attribute: string | undefined,
  stack: JsonObject,
): string | undefined {
  if (!isData && type === "var") return `var.${name}`;
  if (!isData && type === "local") return `local.${name}`;
  const body = at(stack, isData ? "data" : "resource", type, name);
  if (!isObject(body)) return undefined;
  if (isData && type === "docker_registry_image") {
    // The looked-up name may itself be computed (`repo:${coalesce(var.image, "main")}`).
    const image = text(body.name);
    const shown = image === undefined ? name : substituteSequences(image, (sequence) => `[${sequence.expression}]`);
    return `${attribute === "sha256_digest" ? "digest of " : ""}${shown}`;
  }
  if (isData && type === "github_user") return `@${text(body.username) ?? name}`;
  if (isData && type === "github_team") return `team ${text(body.slug) ?? name}`;
  const objectName = text(at(body, "metadata", "name")) ?? text(body.name) ?? name;
  return `${isData ? "data." : ""}${type} ${objectName}`;
}
