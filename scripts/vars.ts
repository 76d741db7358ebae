import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_CONFIG_FILE } from "../lib/config";
import { printAnnotations, reportFailure } from "./report/cli";
import { synthesizeCurrentConfig, type CurrentSynth } from "./report/synthesized";
import { terraformCloudSetupScript } from "./report/terraform-cloud-setup";
import {
  deploymentVariableNames,
  inputsJson,
  inputsMarkdown,
  stackInputs,
  workspaceOf,
  type StackInputs,
} from "./report/variables";

const USAGE = `usage: npm run vars -- [--format table|json] [--tfe-commands] [--stack <id>]... [--update-readme]

Prints, per stack, the Terraform inputs it needs (name, sensitive, required, how to set it locally and
in Terraform Cloud), read from the synthesized output of the current config (DELIVERY_CONFIG or
${DEFAULT_CONFIG_FILE}). Values are never printed.
  --format json      the same as JSON
  --tfe-commands     a bash script creating the workspaces and their variables through the Terraform
                     Cloud API, reading each value from TF_VAR_<name> when it runs
  --stack <id>       only this stack (repeatable)
  --update-readme    rewrite the generated table in README.md (for ${DEFAULT_CONFIG_FILE})`;

/** The README block `--update-readme` owns, between these two lines. */
export const README_BEGIN =
  "<!-- npm run vars -- --update-readme: generated from config/delivery.yaml, do not edit -->";
export const README_END = "<!-- end of npm run vars output -->";

interface Options {
  readonly format: "table" | "json" | "tfe-commands";
  readonly stacks: readonly string[];
  readonly updateReadme: boolean;
}

function optionsFrom(args: readonly string[]): Options {
  let format: Options["format"] = "table";
  const stacks: string[] = [];
  let updateReadme = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const value = args[index + 1];
    if (arg === "--format" && (value === "table" || value === "json")) {
      format = value;
      index++;
    } else if (arg === "--tfe-commands") {
      format = "tfe-commands";
    } else if (arg === "--stack" && value !== undefined) {
      stacks.push(value);
      index++;
    } else if (arg === "--update-readme") {
      updateReadme = true;
    } else {
      throw new UsageError(arg === "--help" || arg === "-h" ? "" : `unknown or incomplete option '${arg ?? ""}'`);
    }
  }
  return { format, stacks, updateReadme };
}

class UsageError extends Error {}

/** Each stack's inputs and workspace, from a synth of the current config. */
export function stackInputsOf(synth: CurrentSynth): StackInputs[] {
  const setByPipeline = deploymentVariableNames(synth.config.services.map((service) => service.name));
  return synth.stacks.map(({ id, json }) => ({
    stack: id,
    ...(workspaceOf(json) === undefined ? {} : { workspace: workspaceOf(json) }),
    inputs: stackInputs(json, setByPipeline),
  }));
}

/** The README text with the generated block replaced. */
export function withReadmeTable(readme: string, table: string): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin === -1 || end < begin) {
    throw new Error(`README.md has no block between '${README_BEGIN}' and '${README_END}'`);
  }
  return `${readme.slice(0, begin + README_BEGIN.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

function main(args: readonly string[]): number {
  const options = optionsFrom(args);
  // Workspace names are read from the output as a remote run sees them, so synthesize with
  // Terraform Cloud on; the organization only decides where, never what, and is not printed.
  const env = options.updateReadme ? { ...process.env, DELIVERY_CONFIG: DEFAULT_CONFIG_FILE } : process.env;
  const synth = synthesizeCurrentConfig(env, { organization: "any" });
  printAnnotations(synth.annotations);
  const unknown = options.stacks.filter((id) => !synth.stacks.some((stack) => stack.id === id));
  if (unknown.length > 0) {
    throw new UsageError(`unknown stack(s) ${unknown.join(", ")}; stacks: ${synth.stacks.map((s) => s.id).join(", ")}`);
  }
  const selected = stackInputsOf(synth).filter(
    (entry) => options.stacks.length === 0 || options.stacks.includes(entry.stack),
  );

  if (options.updateReadme) {
    const readme = path.resolve(__dirname, "..", "README.md");
    const current = fs.readFileSync(readme, "utf8");
    const updated = withReadmeTable(current, inputsMarkdown(selected));
    const name = path.relative(process.cwd(), readme) || "README.md";
    if (updated === current) {
      console.error(`the inputs table in ${name} is up to date`);
      return 0;
    }
    fs.writeFileSync(readme, updated);
    console.error(`updated the inputs table in ${name}`);
    return 0;
  }
  if (options.format === "json") {
    console.log(inputsJson(selected));
  } else if (options.format === "tfe-commands") {
    process.stdout.write(terraformCloudSetupScript(selected));
  } else {
    console.log(
      [
        `Inputs of each stack for ${env.DELIVERY_CONFIG ?? DEFAULT_CONFIG_FILE}. Values are never shown.`,
        "Set each locally as shown, or as a variable of the stack's Terraform Cloud workspace",
        "(npm run vars -- --tfe-commands writes a script that does that).",
        "",
        inputsMarkdown(selected),
      ].join("\n"),
    );
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = reportFailure(() => main(process.argv.slice(2)), USAGE, UsageError);
}
