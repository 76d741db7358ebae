import * as fs from "node:fs";
import * as path from "node:path";
import { localSetting, type StackInputs } from "./variables";

/**
 * A bash script that creates each stack's Terraform Cloud workspace (when missing) and sets its
 * variables through the Terraform Cloud API (workspaces, workspace variables). The script holds
 * no value: each value is read, when the script runs, from the environment variable a local run
 * would use (`TF_VAR_<name>`, `GITHUB_TOKEN`), and reaches the API on curl's standard input, so it
 * never appears on a command line or in the script. Existing variables are updated in place.
 * The functions it calls are in terraform-cloud-setup.sh; this adds one section per stack.
 */
export function terraformCloudSetupScript(stacks: readonly StackInputs[]): string {
  const remote = stacks.filter((entry) => entry.workspace !== undefined);
  const preamble = fs
    .readFileSync(path.join(__dirname, "terraform-cloud-setup.sh"), "utf8")
    .replace("@STACKS@", remote.map((entry) => entry.stack).join(" "));
  const sections = remote.map((entry) =>
    [
      `if wants ${entry.stack}; then`,
      `  workspace=$(workspace_id ${shellQuote(entry.workspace ?? "")})`,
      ...entry.inputs.map((input) =>
        [
          "  set_input",
          '"$workspace"',
          input.name,
          input.category,
          String(input.sensitive),
          localSetting(input),
          shellQuote(input.description),
        ].join(" "),
      ),
      "fi",
    ].join("\n"),
  );
  return `${preamble}\n${sections.join("\n\n")}\n`;
}

/** A single-quoted shell word: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
