import * as fs from "node:fs";
import { reportFailure } from "./report/cli";
import { planStateMoves, stateMoveScript } from "./migration/state-moves";
import { readSynthesizedStacks } from "../lib/terraform-json/synthesized-output";

const USAGE = `usage: npm run --silent migration -- --before <cdktf.out of the old layout> --after <cdktf.out of the new layout> [--out <file>]

Prints a bash script of the state moves that take a deployment from the stacks of one synthesized
output to those of another without recreating resources, matching resources by address (README:
Moving to per-service stacks). Resources the new layout would destroy or create, and addresses
more than one new stack holds, are listed at the top of the script and on stderr.`;

class UsageError extends Error {}

function main(args: readonly string[]): number {
  const options = new Map<string, string>();
  for (let index = 0; index < args.length; index += 2) {
    const [arg, value] = [args[index], args[index + 1]];
    if ((arg !== "--before" && arg !== "--after" && arg !== "--out") || value === undefined) {
      throw new UsageError(arg === "--help" || arg === "-h" ? "" : `unknown or incomplete option '${arg ?? ""}'`);
    }
    options.set(arg, value);
  }
  const before = options.get("--before");
  const after = options.get("--after");
  if (before === undefined || after === undefined) {
    throw new UsageError("--before and --after are required");
  }
  const plan = planStateMoves(readSynthesizedStacks(before), readSynthesizedStacks(after));
  const script = stateMoveScript(plan, { before, after });
  const out = options.get("--out");
  if (out === undefined) {
    process.stdout.write(script);
  } else {
    fs.writeFileSync(out, script, { mode: 0o755 });
  }
  console.error(
    `${plan.moves.length} moves, ${plan.unchanged} unchanged, ${plan.added.length} new, ` +
      `${plan.removed.length} removed, ${plan.ambiguous.length} ambiguous`,
  );
  for (const entry of plan.removed) console.error(`warning: ${entry.stack}: ${entry.address} would be destroyed`);
  for (const entry of plan.ambiguous) {
    console.error(`warning: ${entry.stack}: ${entry.address} is in ${entry.candidates.join(" and ")}; not moved`);
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = reportFailure(() => main(process.argv.slice(2)), USAGE, UsageError);
}
