/** The parts of an OpenAPI v3 schema (as CustomResourceDefinitions carry it) the check reads. */
export interface OpenApiSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly required?: readonly string[];
  readonly items?: OpenApiSchema;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly additionalProperties?: boolean | OpenApiSchema;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
}

/**
 * What a CRD's structural schema finds wrong with a value: unknown fields (the API server prunes
 * them silently), missing required fields, wrong types, values outside an enum, pattern or range.
 * [] when the value conforms.
 */
export function openApiErrors(value: unknown, schema: OpenApiSchema, path = ""): string[] {
  const at = path === "" ? "(root)" : path;
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [`${at}: must be an object`];
      }
      const fields = value as Record<string, unknown>;
      const errors = (schema.required ?? [])
        .filter((name) => fields[name] === undefined)
        .map((name) => `${at}: ${name} is required`);
      for (const [name, field] of Object.entries(fields)) {
        const child =
          schema.properties?.[name] ??
          (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
        if (child === undefined) {
          if (schema.properties !== undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) {
            errors.push(`${at}: unknown field ${name}`);
          }
          continue;
        }
        errors.push(...openApiErrors(field, child, path === "" ? name : `${path}.${name}`));
      }
      return errors;
    }
    case "array": {
      if (!Array.isArray(value)) {
        return [`${at}: must be an array`];
      }
      const errors =
        schema.maxItems !== undefined && value.length > schema.maxItems
          ? [`${at}: at most ${schema.maxItems} items`]
          : [];
      return [
        ...errors,
        ...value.flatMap((item, index) =>
          schema.items === undefined ? [] : openApiErrors(item, schema.items, `${path}[${index}]`),
        ),
      ];
    }
    case "string": {
      if (typeof value !== "string") {
        return [`${at}: must be a string`];
      }
      const errors: string[] = [];
      if (schema.enum !== undefined && !schema.enum.includes(value)) {
        errors.push(`${at}: must be one of ${schema.enum.join(", ")} (got ${value})`);
      }
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
        errors.push(`${at}: must match ${schema.pattern} (got ${value})`);
      }
      if (
        (schema.maxLength !== undefined && value.length > schema.maxLength) ||
        (schema.minLength !== undefined && value.length < schema.minLength)
      ) {
        errors.push(`${at}: length out of range (got ${value.length})`);
      }
      return errors;
    }
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return [`${at}: must be an integer`];
      }
      return (schema.minimum !== undefined && value < schema.minimum) ||
        (schema.maximum !== undefined && value > schema.maximum)
        ? [`${at}: out of range (got ${value})`]
        : [];
    }
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: must be a boolean`];
    default:
      return [];
  }
}
