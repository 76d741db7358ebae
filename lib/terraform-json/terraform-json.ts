/** A value of synthesized Terraform JSON. */
export type Json = string | number | boolean | null | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json | undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The blocks of a nested block attribute. cdktf writes a single nested block as an object and
 * repeatable ones as a list; hand-written JSON and overrides may use either form.
 */
export function blocks(value: Json | undefined): JsonObject[] {
  if (Array.isArray(value)) {
    return value.filter(isObject);
  }
  return isObject(value) ? [value] : [];
}

/** The first block at the end of a path of nested single blocks: `nested(d, "spec", "template")`. */
export function nested(value: Json | undefined, ...keys: readonly string[]): JsonObject | undefined {
  let current: JsonObject | undefined = blocks(value)[0];
  for (const key of keys) {
    current = current === undefined ? undefined : blocks(current[key])[0];
  }
  return current;
}

export function stringAt(value: JsonObject | undefined, key: string): string | undefined {
  const found = value?.[key];
  return typeof found === "string" ? found : undefined;
}

/** A boolean attribute; Terraform also accepts the strings "true" and "false". */
export function booleanAt(value: JsonObject | undefined, key: string): boolean | undefined {
  const found = value?.[key];
  if (typeof found === "boolean") {
    return found;
  }
  return found === "true" ? true : found === "false" ? false : undefined;
}

export function numberAt(value: JsonObject | undefined, key: string): number | undefined {
  const found = value?.[key];
  if (typeof found === "number") {
    return found;
  }
  return typeof found === "string" && /^-?\d+$/.test(found) ? Number(found) : undefined;
}

/** The strings of a list attribute (non-strings, such as numbers, in their JSON form). */
export function stringsAt(value: JsonObject | undefined, key: string): string[] {
  const found = value?.[key];
  if (!Array.isArray(found)) {
    return [];
  }
  return found.map((item: Json) => (typeof item === "string" ? item : JSON.stringify(item)));
}

/** A map attribute (`labels`, `limits`) as string values. */
export function mapAt(value: JsonObject | undefined, key: string): Record<string, string> {
  const found = value?.[key];
  const map: Record<string, string> = {};
  if (isObject(found)) {
    for (const [name, item] of Object.entries(found)) {
      if (item !== undefined && item !== null) {
        map[name] = typeof item === "string" ? item : JSON.stringify(item);
      }
    }
  }
  return map;
}

/** Every string in a JSON value with the attribute name it is under (list items inherit the name). */
export function stringsWithKeys(value: Json | undefined, key = ""): { key: string; value: string }[] {
  if (typeof value === "string") {
    return [{ key, value }];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: Json) => stringsWithKeys(item, key));
  }
  if (isObject(value)) {
    return Object.entries(value)
      .filter(([name]) => !name.startsWith("//"))
      .flatMap(([name, item]) => stringsWithKeys(item, name));
  }
  return [];
}

/** A value as text for messages: strings as they are, anything else as JSON. */
export function jsonText(value: Json | undefined): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
}
