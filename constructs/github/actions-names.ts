/** GitHub rejects secret and variable names outside this pattern, and any starting with GITHUB_. */
const ACTIONS_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Throws, naming the construct and field, when a secret or variable name is one GitHub rejects or a duplicate. */
export function assertActionsNames(owner: string, field: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!ACTIONS_NAME.test(name) || name.startsWith("GITHUB_")) {
      throw new Error(
        `${owner}: ${field} must match ${ACTIONS_NAME.source} and not start with GITHUB_ (got '${name}')`,
      );
    }
    if (seen.has(name)) {
      throw new Error(`${owner}: ${field} lists '${name}' twice`);
    }
    seen.add(name);
  }
}
