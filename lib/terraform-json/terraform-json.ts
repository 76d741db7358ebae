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
  let current: JsonObject | undefined = block(value);
  for (const key of keys) {
    current = current === undefined ? undefined : block(current[key]);
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

/** The first block of a nested block attribute, however it was written (object or list). */
export function block(value: Json | undefined): JsonObject | undefined {
  return blocks(value)[0];
}

/** Follows attribute names, taking the first block at each step; undefined when a step is missing. */
export function at(value: Json | undefined, ...keys: readonly string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const key of keys) {
    current = block(current)?.[key];
    if (current === undefined) {
      return undefined;
    }
  }
  return current;
}

/** A scalar as text (numbers and booleans too); undefined for anything else. */
export function text(value: Json | undefined): string | undefined {
  if (typeof value === "string") {
    return value;
  }
  return typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

/** The scalars of a list (or the one scalar) as text. */
export function texts(value: Json | undefined): string[] {
  const values: readonly (Json | undefined)[] = Array.isArray(value) ? value : [value];
  return values.map(text).filter((item): item is string => item !== undefined);
}

/** Resources or data sources of a stack: type, then Terraform name, then the block's body. */
export type BlocksByType = Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;

/** The top-level sections of a synthesized `cdk.tf.json`. */
export type TerraformJson = {
  readonly terraform: {
    readonly backend?: Readonly<Record<string, JsonObject>>;
    readonly cloud?: JsonObject;
    readonly required_providers?: Readonly<Record<string, { readonly source: string; readonly version: string }>>;
    readonly [key: string]: Json | undefined;
  };
  readonly provider?: Readonly<Record<string, readonly JsonObject[]>>;
  readonly resource?: BlocksByType;
  readonly data?: BlocksByType;
  readonly variable?: Readonly<Record<string, JsonObject>>;
  readonly output?: Readonly<Record<string, JsonObject>>;
  readonly locals?: JsonObject;
  readonly [key: string]: Json | undefined;
};

/** One resource or data source of a stack. */
export interface Block {
  /** Terraform's mode of the block: `managed` for a resource, `data` for a data source. */
  readonly mode: "managed" | "data";
  /** The resource or data source type: `github_repository`, `docker_registry_image`. */
  readonly type: string;
  /** Terraform's name of the block: `orders-api_repository_1A2B3C4D`. */
  readonly name: string;
  /** `github_repository.orders-api_repository_1A2B3C4D`, or `data.github_user.x`: as Terraform names it. */
  readonly address: string;
  readonly body: JsonObject;
}

function blocksOfType(
  stack: JsonObject,
  mode: Block["mode"],
  type: string,
  order?: (a: string, b: string) => number,
): Block[] {
  const byType = stack[mode === "managed" ? "resource" : "data"];
  const byName = isObject(byType) ? byType[type] : undefined;
  if (!isObject(byName)) {
    return [];
  }
  const prefix = mode === "managed" ? "" : "data.";
  return Object.keys(byName)
    .sort(order)
    .flatMap((name) => {
      const body = byName[name];
      return isObject(body) ? [{ mode, type, name, address: `${prefix}${type}.${name}`, body }] : [];
    });
}

/** Every resource of a type in a stack, in name order. */
export function resourcesOf(stack: JsonObject, type: string): Block[] {
  return blocksOfType(stack, "managed", type);
}

/** Every data source of a type in a stack, in name order. */
export function dataSourcesOf(stack: JsonObject, type: string): Block[] {
  return blocksOfType(stack, "data", type);
}

/** The types of a stack's resources (`managed`) or data sources, in code-unit order. */
export function typesOf(stack: JsonObject, mode: Block["mode"]): string[] {
  const byType = stack[mode === "managed" ? "resource" : "data"];
  return Object.keys(isObject(byType) ? byType : {}).sort();
}

/** The one resource of a type; fails when there is not exactly one. */
export function onlyResourceOf(stack: JsonObject, type: string): Block {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${found.length}`);
  }
  return found[0] as Block;
}

/**
 * Every resource, then every data source, of a stack, each group in type and name order (locale
 * order, as people read names, where `resourcesOf` keeps code-unit order).
 */
export function terraformBlocks(stack: JsonObject): Block[] {
  const byLocale = (a: string, b: string) => a.localeCompare(b);
  const section = (mode: Block["mode"]) =>
    typesOf(stack, mode)
      .sort(byLocale)
      .flatMap((type) => blocksOfType(stack, mode, type, byLocale));
  return [...section("managed"), ...section("data")];
}

/** `github_repository`, or `data.docker_registry_image` for a data source: the type as an address starts. */
export function qualifiedType(block: Block): string {
  return block.mode === "data" ? `data.${block.type}` : block.type;
}

/** The construct path cdktf records for a block (`staging/orders-api-environment/environment`). */
export function constructPath(body: JsonObject): string | undefined {
  return text(at(body, "//", "metadata", "path"));
}

/** Every string in a JSON value with its path (`resource.x.y.content`), keys included. */
export function stringsIn(value: Json | undefined, path = ""): { path: string; value: string }[] {
  if (typeof value === "string") {
    return [{ path, value }];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: Json, index) => stringsIn(item, `${path}[${index}]`));
  }
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => [
      { path: `${path}.${key}#key`, value: key },
      ...stringsIn(item, path === "" ? key : `${path}.${key}`),
    ]);
  }
  return [];
}
