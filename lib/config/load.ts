import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { ConfigError, formatFieldPath, type ConfigProblem } from "./config-error";
import { locateDevelopmentSources } from "./development-sources";
import { deliveryConfigSchema, type DeliveryConfig } from "./schema";
import { allowedKeysAt, closestKey } from "./schema-keys";

/** The configuration file used when `DELIVERY_CONFIG` is not set. */
export const DEFAULT_CONFIG_FILE = "config/delivery.yaml";

/**
 * Reads, parses and validates a configuration file. Throws a ConfigError listing every problem,
 * each with the field path and what is allowed; returns the config with all defaults filled in.
 *
 * @param file the path as the user gave it; messages repeat it as given, never made absolute.
 */
export function loadConfig(file: string): DeliveryConfig {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : "file cannot be read";
    throw new ConfigError(file, [
      {
        field: "",
        message: `${reason}; set DELIVERY_CONFIG to a configuration file, or unset it to use ${DEFAULT_CONFIG_FILE}`,
      },
    ]);
  }
  return parseConfig(text, file);
}

/** Parses and validates configuration text; `file` names it in messages. */
export function parseConfig(text: string, file: string): DeliveryConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return {
          field: "",
          message: `not valid YAML: ${error.message.split("\n")[0] ?? error.code}`,
          line: position.line,
          column: position.col,
        };
      }),
    );
  }

  const result = deliveryConfigSchema.safeParse(document.toJS() ?? {}, { reportInput: true });
  if (result.success) {
    const located = locateDevelopmentSources(result.data, file);
    if (located.problems.length === 0) {
      return located.config;
    }
    throw new ConfigError(
      file,
      located.problems.map((problem) => ({
        field: formatFieldPath(problem.path),
        message: problem.message,
        ...positionOf(document, lineCounter, problem.path, "value"),
      })),
    );
  }
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, document, lineCounter));
  throw new ConfigError(file, problems.sort(byPosition));
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
  return [
    {
      field: formatFieldPath(issue.path),
      message: messageOf(issue),
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
