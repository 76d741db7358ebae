import {
  blocks,
  dataSourcesOf,
  isObject,
  nested,
  resourcesOf,
  stringAt,
  typesOf,
  type Block,
  type Json,
  type JsonObject,
} from "../lib/terraform-json/terraform-json";
import { singleInterpolation } from "../lib/terraform-json/template-sequences";

/** A resource or data source of the synthesized JSON. */
export type TerraformBlock = Block;

/** A provider configuration: `provider.kubernetes`, or `provider.github.<alias>`. */
export interface ProviderBlock {
  readonly type: string;
  readonly address: string;
  readonly body: JsonObject;
}

/**
 * One stack's synthesized Terraform JSON, as rules read it: what `cdk.tf.json` will contain,
 * whichever construct (or raw resource) produced it.
 */
export class SynthesizedStack {
  private readonly byAddress = new Map<string, TerraformBlock>();

  /**
   * @param id the stack id (`production`)
   * @param json the stack's `toTerraform()` output
   * @param production whether the stack deploys production (digest pinning, approval gates)
   */
  constructor(
    readonly id: string,
    readonly json: JsonObject,
    readonly production: boolean,
  ) {
    for (const block of [...this.resources(), ...this.dataSources()]) {
      this.byAddress.set(block.address, block);
    }
  }

  /** Every resource of the given types (of every type when none is given), in address order. */
  resources(...types: readonly string[]): TerraformBlock[] {
    return this.blocksOf("managed", types);
  }

  /** Every data source of the given types, in address order. */
  dataSources(...types: readonly string[]): TerraformBlock[] {
    return this.blocksOf("data", types);
  }

  /** The resource or data source at an address (`kubernetes_namespace_v1.x`, `data.github_user.y`). */
  block(address: string): TerraformBlock | undefined {
    return this.byAddress.get(address);
  }

  /** Every provider configuration, in address order. */
  providers(): ProviderBlock[] {
    const providers = isObject(this.json.provider) ? this.json.provider : {};
    return Object.keys(providers)
      .sort()
      .flatMap((type) =>
        blocks(providers[type]).map((body) => {
          const alias = stringAt(body, "alias");
          return { type, address: alias === undefined ? `provider.${type}` : `provider.${type}.${alias}`, body };
        }),
      );
  }

  /** The `terraform` block (backend, cloud, required providers). */
  terraformSettings(): JsonObject {
    return nested(this.json.terraform) ?? {};
  }

  /** Whether `var.<name>` is declared sensitive in this stack. */
  isSensitiveVariable(name: string): boolean {
    const variables = isObject(this.json.variable) ? this.json.variable : {};
    const variable = nested(variables[name]);
    return variable?.sensitive === true;
  }

  /**
   * The literal value an attribute stands for. A reference to another block's attribute
   * (`${kubernetes_namespace_v1.ns.metadata[0].name}`) resolves to that block's literal value, so
   * that names given literally and by reference compare equal. Anything else is returned as is.
   */
  resolve(value: string): string {
    const expression = singleInterpolation(value);
    const match = expression?.match(/^((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.(.+)$/);
    if (match === null || match === undefined) {
      return value;
    }
    const [, address = "", attribute = ""] = match;
    const target = this.block(address);
    if (target === undefined) {
      return value;
    }
    const path = attribute
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".")
      .filter((segment) => !/^\d+$/.test(segment));
    // A Kubernetes object's `id` is `<namespace>/<name>`, or `<name>` for cluster-scoped ones.
    const segments =
      path.length === 1 && path[0] === "id" && target.type.startsWith("kubernetes_namespace")
        ? ["metadata", "name"]
        : path;
    let current: Json | undefined = target.body;
    for (const segment of segments) {
      current = blocks(current)[0]?.[segment];
    }
    return typeof current === "string" ? this.resolve(current) : value;
  }

  private blocksOf(mode: Block["mode"], types: readonly string[]): Block[] {
    const wanted = types.length === 0 ? typesOf(this.json, mode) : [...types].sort();
    return wanted.flatMap((type) =>
      mode === "managed" ? resourcesOf(this.json, type) : dataSourcesOf(this.json, type),
    );
  }
}
