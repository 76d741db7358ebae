/** The parts of a synthesized `cdk.tf.json` that tests read. */
export interface TerraformJson {
  readonly terraform: {
    readonly backend?: Readonly<Record<string, Record<string, unknown>>>;
    readonly cloud?: Readonly<Record<string, unknown>>;
    readonly required_providers?: Readonly<Record<string, { source: string; version: string }>>;
  };
  readonly provider?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  readonly variable?: Readonly<Record<string, Record<string, unknown>>>;
  readonly output?: Readonly<Record<string, Record<string, unknown>>>;
  readonly locals?: Readonly<Record<string, unknown>>;
}

/** A resource or data source of one type, with its Terraform name. */
export interface Block {
  readonly name: string;
  /** `github_repository.orders-api_repository_1A2B3C4D` */
  readonly address: string;
  readonly body: Record<string, unknown>;
}

/** Every resource of a type in a stack, in name order. */
export function resourcesOf(stack: TerraformJson, type: string): Block[] {
  return blocks(stack.resource?.[type] ?? {}, type);
}

/** Every data source of a type in a stack, in name order. */
export function dataSourcesOf(stack: TerraformJson, type: string): Block[] {
  return blocks(stack.data?.[type] ?? {}, `data.${type}`);
}

function blocks(byName: Readonly<Record<string, Record<string, unknown>>>, prefix: string): Block[] {
  return Object.keys(byName)
    .sort()
    .map((name) => ({ name, address: `${prefix}.${name}`, body: byName[name] ?? {} }));
}

/** The one resource of a type; fails when there is not exactly one. */
export function onlyResourceOf(stack: TerraformJson, type: string): Block {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${found.length}`);
  }
  return found[0] as Block;
}

/** Every string in a JSON value with its path (`resource.x.y.content`), keys included. */
export function stringsIn(value: unknown, path = ""): { path: string; value: string }[] {
  if (typeof value === "string") {
    return [{ path, value }];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => [
      { path: `${path}.${key}#key`, value: key },
      ...stringsIn(item, path === "" ? key : `${path}.${key}`),
    ]);
  }
  return [];
}
