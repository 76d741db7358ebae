/** The five fields of a cron schedule as GitHub Actions reads them (POSIX cron, UTC, numbers only). */
const CRON_FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 6 },
] as const;

const NUMBER = /^\d+$/;

/**
 * Throws unless `expression` is a cron schedule GitHub accepts: five space-separated fields, each
 * `*`, a number, a range `a-b`, any of these with a step `/n`, or a comma-separated list of them,
 * with every number inside the field's range. An invalid schedule is otherwise only noticed when
 * the workflow silently never runs.
 */
export function validateCron(expression: string): void {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    throw new Error(
      `schedule cron '${expression}' must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  CRON_FIELDS.forEach((field, index) => {
    const text = fields[index] ?? "";
    for (const part of text.split(",")) {
      const problem = cronPartProblem(part, field.min, field.max);
      if (problem !== undefined) {
        throw new Error(
          `schedule cron '${expression}': ${field.name} '${text}' ${problem} (allowed: *, n, a-b, */n, a-b/n and lists of them, with n from ${field.min} to ${field.max})`,
        );
      }
    }
  });
}

function cronPartProblem(part: string, min: number, max: number): string | undefined {
  const [range = "", step, ...extra] = part.split("/");
  if (extra.length > 0) {
    return "has more than one '/'";
  }
  if (step !== undefined && (!NUMBER.test(step) || Number(step) < 1)) {
    return `has step '${step}', which is not a positive number`;
  }
  if (range === "*") {
    return undefined;
  }
  const bounds = range.split("-");
  if (bounds.length > 2 || bounds.some((bound) => !NUMBER.test(bound))) {
    return `has '${range}', which is not a number or a range`;
  }
  const numbers = bounds.map(Number);
  const outside = numbers.find((value) => value < min || value > max);
  if (outside !== undefined) {
    return `has ${outside}, outside ${min}-${max}`;
  }
  const [from = 0, to = from] = numbers;
  if (from > to) {
    return `has the range ${range}, which runs backwards`;
  }
  return undefined;
}
