import * as fs from "node:fs";
import {
  DeliveryPlanError,
  deliveryPlanText,
  planDelivery,
  readOutput,
  removedStackAdvice,
  type DeliveryPlan,
} from "./delivery-plan";

const USAGE = `usage: npm run --silent changed-stacks -- (--base <dir> | --no-base) --head <dir> [--json <file>]

Compares two synthesized outputs (the base commit's cdktf.out and the head's) and prints the stacks a
delivery runs, level by level in dependency order (manifest.json "dependencies"): a stack is changed
when its cdk.tf.json text differs or it is new. Stacks with local state and cluster stacks are listed,
not run; stacks only in the base are reported as removed, never destroyed.
  --base <dir>    the base commit's synthesized output
  --no-base       no base (a first delivery): every stack is new
  --head <dir>    the head commit's synthesized output
  --json <file>   also write the plan as JSON (the delivery workflow reads it); '-' for stdout only`;

class UsageError extends Error {}

/** The JSON the delivery script reads: the plan, with the operator's advice on each removed stack. */
export function deliveryPlanJson(plan: DeliveryPlan): string {
  return `${JSON.stringify(
    { ...plan, removed: plan.removed.map((entry) => ({ ...entry, advice: removedStackAdvice(entry) })) },
    null,
    2,
  )}\n`;
}

export function changedStacksCommand(
  args: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  let base: string | undefined;
  let noBase = false;
  let head: string | undefined;
  let json: string | undefined;
  try {
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      const value = args[index + 1];
      if (arg === "--base" && value !== undefined) {
        base = value;
        index++;
      } else if (arg === "--no-base") {
        noBase = true;
      } else if (arg === "--head" && value !== undefined) {
        head = value;
        index++;
      } else if (arg === "--json" && value !== undefined) {
        json = value;
        index++;
      } else {
        throw new UsageError(arg === "--help" || arg === "-h" ? "" : `unknown or incomplete option '${arg ?? ""}'`);
      }
    }
    if (head === undefined || (base === undefined) === !noBase) {
      throw new UsageError("give --head, and either --base or --no-base");
    }
    const plan = planDelivery(base === undefined ? undefined : readOutput(base), readOutput(head));
    if (json === "-") {
      out(deliveryPlanJson(plan));
    } else {
      if (json !== undefined) {
        fs.writeFileSync(json, deliveryPlanJson(plan));
      }
      out(`${deliveryPlanText(plan)}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof DeliveryPlanError) {
      err(`changed-stacks: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      err(`${[error.message, USAGE].filter((line) => line !== "").join("\n\n")}\n`);
      return error.message === "" ? 0 : 2;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = changedStacksCommand(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
}
