import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isPair, isScalar, type LineCounter, type Document } from "yaml";
import type { z } from "zod";
import { ConfigError, formatFieldPath, type ConfigProblem } from "./config-error";
import { decodeConfigBytes, parseConfigYaml } from "./config-text";
import { reportDerivedNameProblems } from "./derived-names";
import { locateDevelopmentSources, type LocatedProblem } from "./development-sources";
import { credentialShapeOf, maskedValue, mayHoldSecret } from "./secret-values";
import { deliveryConfigSchema, type DeliveryConfig } from "./schema";
import { developmentSchema } from "./schema/development";
import { allowedKeysAt, closestKey } from "./schema-keys";

/** The configuration file used when `DELIVERY_CONFIG` is not set. */
export const DEFAULT_CONFIG_FILE = "config/delivery.yaml";

/** A configuration is a few kilobytes; a larger file is not one (or is an attack on the parser). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A validated configuration and what deserves a warning in it. */
export interface LoadedConfig {
  readonly config: DeliveryConfig;
  /** Accepted but suspicious: values that look like credentials where only public values belong. */
  readonly warnings: readonly ConfigProblem[];
}

/**
 * Reads, parses and validates a configuration file. Throws a ConfigError listing every problem,
 * each with the field path and what is allowed; returns the config with all defaults filled in.
 *
 * @param file the path as the user gave it; messages repeat it as given, never made absolute.
 */
export function loadConfig(file: string): DeliveryConfig {
  return readConfig(file).config;
}

/** As `loadConfig`, with the warnings about the accepted configuration. */
export function readConfig(file: string): LoadedConfig {
  const decoded = decodeConfigBytes(readConfigBytes(file));
  if ("problems" in decoded) {
    throw new ConfigError(file, decoded.problems);
  }
  return parseConfigWithWarnings(decoded.text, file);
}

function readConfigBytes(file: string): Uint8Array {
  const fail = (message: string): never => {
    throw new ConfigError(file, [{ field: "", message }]);
  };
  let size = 0;
  try {
    const stat = fs.statSync(path.resolve(file));
    if (stat.isDirectory()) {
      fail("is a directory; set DELIVERY_CONFIG to a configuration file (such as config/delivery.yaml)");
    }
    size = stat.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === "ENOENT" || code === "ENOTDIR"
        ? `file not found; set DELIVERY_CONFIG to a configuration file, or unset it to use ${DEFAULT_CONFIG_FILE}`
        : `file cannot be read (${code ?? "unknown error"}); check its permissions`,
    );
  }
  if (size > MAX_CONFIG_BYTES) {
    fail(
      `is ${size} bytes, more than a configuration can be (${MAX_CONFIG_BYTES} bytes); is DELIVERY_CONFIG the right file?`,
    );
  }
  try {
    return fs.readFileSync(path.resolve(file));
  } catch (error) {
    return fail(
      `file cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); check its permissions`,
    );
  }
}

/** Parses and validates configuration text; `file` names it in messages. */
export function parseConfig(text: string, file: string): DeliveryConfig {
  return parseConfigWithWarnings(text, file).config;
}

function parseConfigWithWarnings(text: string, file: string): LoadedConfig {
  const parsed = parseConfigYaml(text);
  if ("problems" in parsed) {
    throw new ConfigError(file, parsed.problems);
  }
  const { document, lineCounter, value } = parsed;
  const locate = (problem: LocatedProblem): ConfigProblem => ({
    field: formatFieldPath(problem.path),
    message: problem.message,
    ...positionOf(document, lineCounter, problem.path, "value"),
  });
  // Checks of names derived from several fields run on the file as written, whatever else is wrong.
  const derivedNameProblems = reportDerivedNameProblems(isRecord(value) ? value : {}).map(locate);

  const result = deliveryConfigSchema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) {
    const located = locateDevelopmentSources(result.data, file);
    const problems = [...located.problems.map(locate), ...derivedNameProblems];
    if (problems.length > 0) {
      throw new ConfigError(file, problems.sort(byPosition));
    }
    return { config: located.config, warnings: credentialWarnings(located.config).map(locate).sort(byPosition) };
  }
  // The development section's directories are checked too when that section itself is valid.
  const development = developmentSchema.safeParse(isRecord(value) ? value.development : undefined);
  const sourceProblems = development.success
    ? locateDevelopmentSources({ development: development.data }, file).problems.map(locate)
    : [];
  const schemaProblems = withoutConsequentialIssues(result.error.issues).flatMap((issue) =>
    describeIssue(issue, document, lineCounter),
  );
  throw new ConfigError(file, [...schemaProblems, ...sourceProblems, ...derivedNameProblems].sort(byPosition));
}

/**
 * Actions variables are plain text to anyone who can read the repository and are printed in logs; a
 * value shaped like a credential belongs in `secrets` instead.
 */
function credentialWarnings(config: DeliveryConfig): LocatedProblem[] {
  return config.services.flatMap((service, index) => {
    const groups: [(string | number)[], Readonly<Record<string, string>>][] = [
      [["services", index, "variables", "repository"], service.variables.repository],
      [["services", index, "variables", "environment"], service.variables.environment],
      ...Object.entries(service.environments).map(
        ([environment, settings]): [(string | number)[], Readonly<Record<string, string>>] => [
          ["services", index, "environments", environment, "variables"],
          settings.variables,
        ],
      ),
    ];
    return groups.flatMap(([groupPath, variables]) =>
      Object.entries(variables).flatMap(([name, variableValue]) => {
        const shape = credentialShapeOf(variableValue);
        return shape === undefined
          ? []
          : [
              {
                path: [...groupPath, name],
                message: `looks like ${shape.description}; Actions variables are readable by anyone with read access and appear in logs: declare it under services[${index}].secrets instead`,
              },
            ];
      }),
    );
  });
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Cross-field rules also run on fields with type errors; their findings about a field the schema
 * already rejected (or a field within or around it) would only repeat the problem.
 */
function withoutConsequentialIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const typeErrorPaths = issues.filter((issue) => issue.code !== "custom").map((issue) => issue.path.join("\0"));
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}\0`) || b.startsWith(`${a}\0`);
  return issues.filter(
    (issue) => issue.code !== "custom" || !typeErrorPaths.some((typePath) => overlaps(issue.path.join("\0"), typePath)),
  );
}

function describeIssue(issue: z.core.$ZodIssue, document: Document, lineCounter: LineCounter): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(deliveryConfigSchema, issue.path);
    return issue.keys.map((key) => {
      const suggestion = closestKey(key, allowed);
      const hint = suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`;
      return {
        field: formatFieldPath([...issue.path, key]),
        message: `unknown key${hint}; allowed here: ${allowed.join(", ")}`,
        ...positionOf(document, lineCounter, [...issue.path, key], "key"),
      };
    });
  }
  if (issue.code === "invalid_key" && mayHoldSecret(issue.path)) {
    // The field path would end with the rejected name itself.
    return [
      {
        field: formatFieldPath(issue.path.slice(0, -1)),
        message: `a name here ${maskedMessageOf(issue)}`,
        ...positionOf(document, lineCounter, issue.path, "key"),
      },
    ];
  }
  return [
    {
      field: formatFieldPath(issue.path),
      message: mayHoldSecret(issue.path) ? maskedMessageOf(issue) : messageOf(issue),
      ...positionOf(document, lineCounter, issue.path, "value"),
    },
  ];
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `is required (expected ${issue.expected})`;
  }
  if (issue.code === "invalid_type") {
    return `must be of type ${issue.expected} (got ${describeValue(issue.input)})`;
  }
  if (issue.code === "invalid_key") {
    // zod's own message ("Invalid key in record") does not say what a key must look like.
    return `${issue.issues.map((inner) => inner.message).join("; ")} (got ${describeValue(issue.input)})`;
  }
  const received = isPrimitive(issue.input) ? ` (got ${describeValue(issue.input)})` : "";
  return `${issue.message}${received}`;
}

/** The message for a field that may hold a secret: the rule, and the received value's length only. */
function maskedMessageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `is required (expected ${issue.expected})`;
  }
  if (issue.code === "invalid_type") {
    return `must be of type ${issue.expected} (got ${typeof issue.input === "string" ? maskedValue(issue.input) : describeValue(issue.input)})`;
  }
  if (issue.code === "invalid_key") {
    return `${issue.issues.map((inner) => inner.message).join("; ")} (got ${maskedValue(issue.input)})`;
  }
  return isPrimitive(issue.input) ? `${issue.message} (got ${maskedValue(issue.input)})` : issue.message;
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return "a list";
  }
  if (value === null) {
    return "null";
  }
  if (typeof value === "string") {
    return quoteShortened(value);
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return "a mapping";
}

function quoteShortened(value: string): string {
  const text = `'${value}'`;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Locates a field in the YAML source: the key itself for unknown keys, the value otherwise; for a
 * missing field, the nearest enclosing node that exists.
 */
function positionOf(
  document: Document,
  lineCounter: LineCounter,
  fieldPath: readonly PropertyKey[],
  target: "key" | "value",
): { line?: number; column?: number } {
  for (let depth = fieldPath.length; depth >= 0; depth--) {
    const parentPath = fieldPath.slice(0, Math.max(0, depth - 1));
    const parent = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
    const last = fieldPath[depth - 1];
    let range: readonly number[] | null | undefined;
    if (depth === 0) {
      range = document.contents?.range;
    } else if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last);
      const node = target === "key" && depth === fieldPath.length ? pair?.key : pair?.value;
      range = (node as { range?: readonly number[] } | null | undefined)?.range;
    } else {
      const node: unknown = document.getIn(fieldPath.slice(0, depth), true);
      range = (node as { range?: readonly number[] } | null | undefined)?.range;
    }
    const start = range?.[0];
    if (start !== undefined) {
      const { line, col } = lineCounter.linePos(start);
      return { line, column: col };
    }
  }
  return {};
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
