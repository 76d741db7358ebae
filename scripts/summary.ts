import { DEFAULT_CONFIG_FILE } from "../lib/config";
import { apiBudgetMarkdown, stackApiBudget } from "./report/api-budget";
import { printAnnotations, reportFailure } from "./report/cli";
import { stackSummaryMarkdown } from "./report/summary";
import { readSynthesizedStacks, synthesizeCurrentConfig, type SynthesizedStack } from "./report/synthesized";

const USAGE = `usage: npm run summary -- [--dir <cdktf.out>] [--stack <id>]... [--api-budget]

Prints, per stack, what will exist: each resource type, how many, and the settings a reviewer looks
for (approvals, environment reviewers, replicas, limits, images, schedules, namespaces). Markdown:
readable in a terminal, and a table when pasted into a pull request.
  --dir <dir>    summarize an existing synthesized output instead of the current config
                 (default: synthesize DELIVERY_CONFIG or ${DEFAULT_CONFIG_FILE} into a scratch directory)
  --stack <id>   only this stack (repeatable)
  --api-budget   instead, the GitHub API requests a full refresh (plan) of each stack makes, and the
                 fleet's total, from the resource types and the provider's read calls`;

class UsageError extends Error {}

function main(args: readonly string[]): number {
  let dir: string | undefined;
  const only: string[] = [];
  let apiBudget = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const value = args[index + 1];
    if (arg === "--dir" && value !== undefined) {
      dir = value;
      index++;
    } else if (arg === "--api-budget") {
      apiBudget = true;
    } else if (arg === "--stack" && value !== undefined) {
      only.push(value);
      index++;
    } else {
      throw new UsageError(arg === "--help" || arg === "-h" ? "" : `unknown or incomplete option '${arg ?? ""}'`);
    }
  }
  let stacks: readonly SynthesizedStack[];
  let source: string;
  if (dir === undefined) {
    const synth = synthesizeCurrentConfig(process.env);
    printAnnotations(synth.annotations);
    stacks = synth.stacks;
    source = process.env.DELIVERY_CONFIG ?? DEFAULT_CONFIG_FILE;
  } else {
    stacks = readSynthesizedStacks(dir);
    source = dir;
  }
  const unknown = only.filter((id) => !stacks.some((stack) => stack.id === id));
  if (unknown.length > 0) {
    throw new UsageError(`unknown stack(s) ${unknown.join(", ")}; stacks: ${stacks.map((s) => s.id).join(", ")}`);
  }
  const selected = stacks.filter((stack) => only.length === 0 || only.includes(stack.id));
  if (apiBudget) {
    console.log(apiBudgetMarkdown(selected.map((stack) => stackApiBudget(stack.id, stack.json))));
    return 0;
  }
  console.log(
    [`## What will exist (${source})`, ...selected.map((stack) => stackSummaryMarkdown(stack.id, stack.json))].join(
      "\n\n",
    ),
  );
  return 0;
}

if (require.main === module) {
  process.exitCode = reportFailure(() => main(process.argv.slice(2)), USAGE, UsageError);
}
