import type { ManagedFile } from "../../lib/domain/managed-file";

/** Where GitHub looks for code owners first. */
export const CODE_OWNERS_PATH = ".github/CODEOWNERS";

/** Paths every service repository's code owners review, whatever else is managed. */
const ALWAYS_OWNED = ["/.github/", "/.github/workflows/", "/Dockerfile"];

export interface CodeOwnersProps {
  /** The organisation that owns the teams (`@<owner>/<team>`). */
  readonly owner: string;
  /** Owners by GitHub login. */
  readonly users: readonly string[];
  /** Owners by team slug; teams need write access to the repository for their review to count. */
  readonly teams: readonly string[];
  /** The other managed files (paths inside the repository); each one gets an owner line. */
  readonly managedPaths: readonly string[];
}

/**
 * The CODEOWNERS file: the pipeline (`.github/`, which holds the workflows, Dependabot's config and
 * this file), the Dockerfile and every other managed file need a code owner's approval, which the
 * branch rules require.
 */
export function codeOwnersFile(props: CodeOwnersProps): ManagedFile {
  const owners = [...props.users.map((user) => `@${user}`), ...props.teams.map((team) => `@${props.owner}/${team}`)];
  if (owners.length === 0) {
    throw new Error(
      "codeOwnersFile: list at least one user or team; a CODEOWNERS file without owners requires no review",
    );
  }
  const patterns = [...ALWAYS_OWNED];
  for (const managed of props.managedPaths.map((path) => `/${path}`)) {
    if (!patterns.some((pattern) => pattern === managed || (pattern.endsWith("/") && managed.startsWith(pattern)))) {
      patterns.push(managed);
    }
  }
  const width = Math.max(...patterns.map((pattern) => pattern.length));
  return {
    path: CODE_OWNERS_PATH,
    content: [
      "# Managed by Terraform from the delivery configuration; edit the configuration, not this file.",
      "# Changes to the pipeline, the container build and these rules need a code owner's approval.",
      ...patterns.map((pattern) => `${pattern.padEnd(width)} ${owners.join(" ")}`),
      "",
    ].join("\n"),
  };
}
