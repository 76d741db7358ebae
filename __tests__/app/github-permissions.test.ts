import * as fs from "node:fs";
import * as path from "node:path";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";
import { PROJECT_ROOT, synthesizeDefaultConfig } from "../support/synth";

// The README's least-privilege table names the GitHub permission of every resource and data source
// type the stacks synthesize, with the endpoint docs. A type the table does not list is a
// credential requirement nobody wrote down: the next first apply would stop at a 403.
const README = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");

interface PermissionRow {
  readonly type: string;
  readonly permission: string;
  readonly docs: string;
}

/** The rows of the README table whose header starts with `| GitHub type`. */
function permissionRows(readme: string): PermissionRow[] {
  const lines = readme.split("\n");
  const header = lines.findIndex((line) => line.startsWith("| GitHub type "));
  if (header < 0) {
    return [];
  }
  const rows: PermissionRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) {
      break;
    }
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    rows.push({ type: (cells[0] ?? "").replace(/`/g, ""), permission: cells[2] ?? "", docs: cells[3] ?? "" });
  }
  return rows;
}

/** Every GitHub type of a stack: `github_x` for resources, `data.github_x` for data sources. */
function githubTypes(stack: TerraformJson): string[] {
  return [
    ...Object.keys(stack.resource ?? {}),
    ...Object.keys((stack as { data?: Record<string, unknown> }).data ?? {}).map((type) => `data.${type}`),
  ].filter((type) => /^(data\.)?github_/.test(type));
}

/** The GitHub types of these stacks the README table does not list, by stack. */
function undocumentedTypes(readme: string, stacks: Readonly<Record<string, TerraformJson>>): Record<string, string[]> {
  const documented = new Set(permissionRows(readme).map((row) => row.type));
  return Object.fromEntries(
    Object.entries(stacks)
      .map(([id, stack]): [string, string[]] => [id, githubTypes(stack).filter((type) => !documented.has(type))])
      .filter(([, types]) => types.length > 0),
  );
}

describe("the README's GitHub permission table", () => {
  const app = synthesizeDefaultConfig();

  it("lists every GitHub resource and data source type a stack of the default configuration synthesizes", () => {
    expect(Object.values(app.stacks).flatMap(githubTypes).length).toBeGreaterThan(0);
    expect(undocumentedTypes(README, app.stacks)).toEqual({});
  });

  it("names a permission and GitHub's docs for every type it lists", () => {
    const rows = permissionRows(README);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect({ type: row.type, shape: /^(data\.)?github_[a-z_]+$/.test(row.type) }).toEqual({
        type: row.type,
        shape: true,
      });
      expect({ type: row.type, permission: row.permission.length > 0 }).toEqual({ type: row.type, permission: true });
      expect({ type: row.type, docs: /\]\(https:\/\/docs\.github\.com\/en\/rest\/[^)]+\)/.test(row.docs) }).toEqual({
        type: row.type,
        docs: true,
      });
    }
  });

  it("lists each type once", () => {
    const types = permissionRows(README).map((row) => row.type);
    expect(types).toEqual([...new Set(types)]);
  });

  it("fails for a stack with a GitHub type the table does not list", () => {
    const stack = { resource: { github_issue_label: {}, github_repository: {} } } as unknown as TerraformJson;
    expect(undocumentedTypes(README, { "github-orders-api": stack })).toEqual({
      "github-orders-api": ["github_issue_label"],
    });
  });
});
