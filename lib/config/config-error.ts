/** One thing wrong in a configuration file, located as precisely as the input allows. */
export interface ConfigProblem {
  /** Field path in the notation users write: `services[0].resources.limits.cpu`; "" for the whole file. */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** 1-based position in the file, when the field exists in it. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * Every problem found in one configuration file, reported together so that a user fixes them
 * all in one edit instead of one per run.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(file, problems));
    this.name = "ConfigError";
  }
}

/** One warning line: `warning: <file>:<line>:<column>: <field>: <message>`. */
export function formatConfigWarning(file: string, warning: ConfigProblem): string {
  return `warning: ${formatProblem(file, warning)}`;
}

function formatProblem(file: string, problem: ConfigProblem): string {
  const position = problem.line === undefined ? "" : `:${problem.line}:${problem.column ?? 1}`;
  const field = problem.field === "" ? "" : `${problem.field}: `;
  return `${file}${position}: ${field}${problem.message}`;
}

function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map((problem) => `  ${formatProblem(file, problem)}`);
  return [`Invalid configuration ${file} (${count}); nothing was synthesized:`, ...lines].join("\n");
}

/** `["services", 0, "port"]` -> `services[0].port` */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") {
        return `[${segment}]`;
      }
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}
