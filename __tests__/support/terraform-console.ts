import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlineTerraformEnvironment } from "./terraform-cli";

/** The value terraform computed, or the error that stopped it (a failed variable validation). */
export type ConsoleResult = { readonly value: unknown } | { readonly error: string };

export interface ConsoleOptions {
  /**
   * Run terraform in this subdirectory of the scratch directory, as cdktf runs a stack in
   * `cdktf.out/stacks/<id>`; `root` is then the scratch directory. @default the scratch directory
   */
  readonly subdirectory?: string;
  /** Called with the scratch directory before it is removed. */
  readonly root?: (directory: string) => void;
}

/**
 * Evaluates one expression with terraform's own evaluator (`terraform console`, which needs no
 * provider and no init) against a scratch configuration of variables and locals, and returns
 * its value as JSON. One expression per run: terraform 1.11's console prints only the last
 * result of several piped lines.
 */
export function terraformConsole(
  configuration: { variable?: Record<string, unknown>; locals?: Record<string, unknown> },
  expression: string,
  variables: Readonly<Record<string, string>> = {},
  options: ConsoleOptions = {},
): ConsoleResult {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "tf-console-")));
  const dir = path.join(root, options.subdirectory ?? "");
  options.root?.(root);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(configuration));
    const result = spawnSync(
      "terraform",
      ["console", ...Object.entries(variables).map(([name, value]) => `-var=${name}=${value}`)],
      {
        cwd: dir,
        input: `jsonencode(${expression})\n`,
        encoding: "utf8",
        env: { ...offlineTerraformEnvironment(dir), NO_COLOR: "1" },
      },
    );
    if (result.status !== 0) {
      return { error: `${result.stdout}${result.stderr}` };
    }
    // The console prints the JSON text as an HCL string literal, whose escapes JSON shares.
    return { value: JSON.parse(JSON.parse(result.stdout.trim()) as string) as unknown };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
