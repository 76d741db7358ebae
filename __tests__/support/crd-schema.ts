import * as fs from "node:fs";
import { parseAllDocuments } from "yaml";

/**
 * The subset of JSON Schema (draft 2020-12 keywords) that a CustomResourceDefinition's
 * `openAPIV3Schema` converts to. Kubernetes' structural schemas use only these, plus CEL rules
 * (`x-kubernetes-validations`), which the API server evaluates and this validator does not.
 */
export interface JsonSchema {
  readonly type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  /** `false` rejects fields not in `properties`; a schema validates each of them. */
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly not?: JsonSchema;
}

/** An `openAPIV3Schema` node as a CRD writes it. */
export interface OpenApiSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | OpenApiSchema;
  readonly items?: OpenApiSchema;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly anyOf?: readonly OpenApiSchema[];
  readonly oneOf?: readonly OpenApiSchema[];
  readonly not?: OpenApiSchema;
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface CustomResourceDefinition {
  readonly kind: string;
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly {
      readonly name: string;
      readonly schema: { readonly openAPIV3Schema: OpenApiSchema };
    }[];
  };
}

/**
 * Converts one OpenAPI v3 node of a CRD to JSON Schema:
 * - `x-kubernetes-int-or-string` allows an integer or a string;
 * - an object with `properties` and without `x-kubernetes-preserve-unknown-fields` rejects other
 *   fields (the API server prunes them silently, which would hide a misspelt field);
 * - an object without either, and a node without a type, accept any value (preserved fields).
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
export function toJsonSchema(node: OpenApiSchema): JsonSchema {
  const converted: {
    -readonly [K in keyof JsonSchema]: JsonSchema[K];
  } = {};
  if (node["x-kubernetes-int-or-string"] === true) {
    converted.anyOf = [{ type: "integer" }, { type: "string" }];
  } else if (node.type !== undefined) {
    converted.type = node.type as JsonSchema["type"];
  }
  if (node.properties !== undefined) {
    converted.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, child]) => [name, toJsonSchema(child)]),
    );
  }
  if (typeof node.additionalProperties === "object") {
    converted.additionalProperties = toJsonSchema(node.additionalProperties);
  } else if (node.additionalProperties !== undefined) {
    converted.additionalProperties = node.additionalProperties;
  } else if (node.properties !== undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) {
    converted.additionalProperties = false;
  }
  if (node.items !== undefined) {
    converted.items = toJsonSchema(node.items);
  }
  for (const key of [
    "required",
    "enum",
    "minimum",
    "maximum",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
  ] as const) {
    if (node[key] !== undefined) {
      Object.assign(converted, { [key]: node[key] });
    }
  }
  // oneOf/anyOf/not in a structural schema only add constraints (`required` lists, mostly);
  // their nodes carry no type of their own.
  if (node.anyOf !== undefined && converted.anyOf === undefined) {
    converted.anyOf = node.anyOf.map(toConstraint);
  }
  if (node.oneOf !== undefined) {
    converted.oneOf = node.oneOf.map(toConstraint);
  }
  if (node.not !== undefined) {
    converted.not = toConstraint(node.not);
  }
  return converted;
}

/** A node inside oneOf/anyOf/not: constraints only, never a rejection of unknown fields. */
function toConstraint(node: OpenApiSchema): JsonSchema {
  const { additionalProperties, ...rest } = toJsonSchema(node);
  return additionalProperties === false
    ? rest
    : { ...rest, ...(additionalProperties === undefined ? {} : { additionalProperties }) };
}

/**
 * The JSON Schema of each kind a CRD file defines, by `<group>/<version>/<Kind>`: the whole
 * object, with `apiVersion`, `kind` and `metadata` as the API server accepts them.
 */
export function crdSchemas(file: string): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const document of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    const crd = document.toJSON() as CustomResourceDefinition | null;
    if (crd?.kind !== "CustomResourceDefinition") {
      continue;
    }
    for (const version of crd.spec.versions) {
      const schema = toJsonSchema(version.schema.openAPIV3Schema);
      // The API server validates metadata itself (ObjectMeta), not through the CRD's schema.
      schemas[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = {
        ...schema,
        properties: { ...schema.properties, metadata: { type: "object" } },
      };
    }
  }
  return schemas;
}

/** Every way `value` breaks `schema`, each as `<path>: <problem>`; [] when it is valid. */
export function validateAgainst(schema: JsonSchema, value: unknown, path = "$"): string[] {
  const problems: string[] = [];
  if (schema.type !== undefined && !hasType(value, schema.type)) {
    return [`${path}: must be of type ${schema.type} (got ${JSON.stringify(value)})`];
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => allowed === value)) {
    problems.push(`${path}: must be one of ${JSON.stringify(schema.enum)} (got ${JSON.stringify(value)})`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      problems.push(`${path}: must be at least ${schema.minimum} (got ${value})`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      problems.push(`${path}: must be at most ${schema.maximum} (got ${value})`);
    }
  }
  if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
    problems.push(`${path}: must match ${schema.pattern} (got ${JSON.stringify(value)})`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      problems.push(`${path}: must be at least ${schema.minLength} characters (got ${JSON.stringify(value)})`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      problems.push(`${path}: must be at most ${schema.maxLength} characters`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      problems.push(`${path}: must have at least ${schema.minItems} items`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      problems.push(`${path}: must have at most ${schema.maxItems} items`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    const items = schema.items;
    value.forEach((item, index) => problems.push(...validateAgainst(items, item, `${path}[${index}]`)));
  }
  if (isRecord(value)) {
    for (const name of schema.required ?? []) {
      if (!(name in value)) {
        problems.push(`${path}: requires ${name}`);
      }
    }
    for (const [name, field] of Object.entries(value)) {
      const known = schema.properties?.[name];
      if (known !== undefined) {
        problems.push(...validateAgainst(known, field, `${path}.${name}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${path}: has unknown field ${name}`);
      } else if (typeof schema.additionalProperties === "object") {
        problems.push(...validateAgainst(schema.additionalProperties, field, `${path}.${name}`));
      }
    }
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((option) => validateAgainst(option, value, path).length === 0)) {
    problems.push(`${path}: must match at least one of ${JSON.stringify(schema.anyOf)}`);
  }
  if (schema.oneOf !== undefined) {
    const matching = schema.oneOf.filter((option) => validateAgainst(option, value, path).length === 0).length;
    if (matching !== 1) {
      problems.push(`${path}: must match exactly one of ${JSON.stringify(schema.oneOf)} (matches ${matching})`);
    }
  }
  if (schema.not !== undefined && validateAgainst(schema.not, value, path).length === 0) {
    problems.push(`${path}: must not match ${JSON.stringify(schema.not)}`);
  }
  return problems;
}

function hasType(value: unknown, type: NonNullable<JsonSchema["type"]>): boolean {
  switch (type) {
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    default:
      return typeof value === type;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
