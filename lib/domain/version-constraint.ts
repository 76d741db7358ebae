/**
 * Terraform version constraints (`>= 6.9.1, < 7.0.0`, `~> 2.38`, `3.6.2`), evaluated as
 * Terraform does for release versions: https://developer.hashicorp.com/terraform/language/expressions/version-constraints
 * Pre-release versions are not modelled (no constraint here names one).
 */

type Version = readonly [number, number, number];

interface Condition {
  readonly operator: "=" | "!=" | ">" | ">=" | "<" | "<=" | "~>";
  readonly version: Version;
  /** How many parts were written (`~> 1.2` has 2): a pessimistic bound depends on it. */
  readonly parts: number;
}

const CONDITION = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/;

/** The conditions of a constraint, or undefined when it is not a constraint Terraform accepts. */
function parse(constraint: string): Condition[] | undefined {
  const conditions: Condition[] = [];
  for (const part of constraint.split(",")) {
    const match = CONDITION.exec(part);
    if (match === null) {
      return undefined;
    }
    const [, operator = "=", major = "0", minor, patch] = match;
    conditions.push({
      operator: operator as Condition["operator"],
      version: [Number(major), Number(minor ?? 0), Number(patch ?? 0)],
      parts: 1 + (minor === undefined ? 0 : 1) + (patch === undefined ? 0 : 1),
    });
  }
  return conditions;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function holds(condition: Condition, version: Version): boolean {
  const order = compare(version, condition.version);
  switch (condition.operator) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case "~>": {
      // `~> 1.2` allows 1.x from 1.2; `~> 1.2.3` allows 1.2.x from 1.2.3; `~> 1` means `~> 1.0`.
      const [major, minor] = condition.version;
      const upper: Version = condition.parts === 3 ? [major, minor + 1, 0] : [major + 1, 0, 0];
      return order >= 0 && compare(version, upper) < 0;
    }
  }
}

/** The version as three numbers, or undefined when it is not `X.Y.Z`. */
export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether a release version satisfies a constraint; undefined when either cannot be read. */
export function constraintAdmits(constraint: string, version: string): boolean | undefined {
  const conditions = parse(constraint);
  const parsed = parseVersion(version);
  if (conditions === undefined || parsed === undefined) {
    return undefined;
  }
  return conditions.every((condition) => holds(condition, parsed));
}

/** The lowest major version the constraint names (`>= 6.9.1, < 7.0.0` names 6), if it parses. */
export function lowestNamedMajor(constraint: string): number | undefined {
  const conditions = parse(constraint);
  return conditions === undefined ? undefined : Math.min(...conditions.map((condition) => condition.version[0]));
}
