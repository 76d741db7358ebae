/**
 * Reading synthesized `cdk.tf.json` generically: the reports below know a few resource types by
 * name but must keep working on any type and any shape a provider binding emits (cdktf writes a
 * single nested block as an object and a repeated one as a list; older bindings use lists for both).
 */
export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The object itself, or the first object of a list: one nested block, however it was written. */
export function block(value: unknown): JsonObject | undefined {
  if (Array.isArray(value)) return value.find(isObject);
  return isObject(value) ? value : undefined;
}

/** Every object of a list, or the one object: repeated nested blocks, however they were written. */
export function blocks(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** Follows object keys (taking the first block at each step); undefined when any step is missing. */
export function at(value: unknown, ...keys: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    current = block(current)?.[key];
    if (current === undefined) return undefined;
  }
  return current;
}

/** A scalar as text (numbers and booleans too); undefined for anything else. */
export function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The strings of a list of scalars (or of one scalar). */
export function texts(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.map(text).filter((item): item is string => item !== undefined);
}

/** One resource or data source of a stack. */
export interface TerraformBlock {
  /** `github_repository`, or `data.docker_registry_image` for a data source. */
  readonly type: string;
  readonly name: string;
  readonly body: JsonObject;
}

/** Every resource, then every data source, of a stack, each group in type and name order. */
export function terraformBlocks(stack: JsonObject): TerraformBlock[] {
  const collect = (section: unknown, prefix: string): TerraformBlock[] =>
    Object.entries(isObject(section) ? section : {})
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([type, byName]) =>
        Object.entries(isObject(byName) ? byName : {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, body]) => ({ type: `${prefix}${type}`, name, body: isObject(body) ? body : {} })),
      );
  return [...collect(stack.resource, ""), ...collect(stack.data, "data.")];
}

/** The construct path cdktf records for a block (`staging/orders-api-environment/environment`). */
export function constructPath(body: JsonObject): string | undefined {
  return text(at(body, "//", "metadata", "path"));
}
