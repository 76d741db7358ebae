import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import { stageDeliveryApp } from "../../lib/app/app";
import { loadConfig } from "../../lib/config";
import { synthesizeAllOrNothing } from "../../lib/app/synth";
import { readSynthesizedStacks, terraformBlocks } from "../../lib/terraform-json";
import { stackApiBudget } from "../report/api-budget";

/**
 * Where one synth's time goes, in milliseconds, by stage. Printed as JSON by
 * `node --require ./scripts/register-ts.cjs scripts/bench/synth-stages.ts <config file>`.
 */
export interface SynthStages {
  readonly loadConfig: number;
  /** Constructing the stacks, constructs and provider objects. */
  readonly build: number;
  /** cdktf's preparing resolve of every element (it may add cross-stack resources). */
  readonly prepare: number;
  /** `toTerraform()`: resolving every element again and merging them into one document per stack. */
  readonly toTerraform: number;
  /** Aspects, validations, stable JSON stringify and writing each `cdk.tf.json`. */
  readonly validateAndWrite: number;
  /** Our all-or-nothing part: collecting annotations, copying into the output dir, cleaning up. */
  readonly publish: number;
  readonly total: number;
  /** Resources and data sources in all stacks, and bytes of JSON written. */
  readonly blocks: number;
  readonly outputBytes: number;
  /** Stacks in the output's manifest.json (whatever the layout: per environment or per service). */
  readonly stacks: number;
  /** The stack with the most resources (data sources not counted), and how many. */
  readonly largestStack: { readonly id: string; readonly resources: number };
  /** GitHub API requests of a full refresh: all stacks, and the most expensive stack. */
  readonly apiRequests: { readonly fleet: number; readonly largestStack: number };
}

/** Wraps a method so that its time accumulates in `totals[label]`. Benchmark-only instrumentation. */
function timed(owner: object, method: string, totals: Record<string, number>, label: string): void {
  const target = owner as Record<string, unknown>;
  const original = target[method];
  if (typeof original !== "function") throw new Error(`no method ${method} to time`);
  target[method] = function (this: unknown, ...args: unknown[]): unknown {
    const started = performance.now();
    try {
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } finally {
      totals[label] = (totals[label] ?? 0) + performance.now() - started;
    }
  };
}

/** The same items, with the time each `next()` takes (building the stack) reported. */
function* timedIterable<T>(items: Iterable<T>, report: (milliseconds: number) => void): Generator<T, void, undefined> {
  const iterator = items[Symbol.iterator]();
  for (;;) {
    const started = performance.now();
    const step = iterator.next();
    report(performance.now() - started);
    if (step.done === true) return;
    yield step.value;
  }
}

export function measureStages(configFile: string): SynthStages {
  const totals: Record<string, number> = {};
  timed(TerraformStack.prototype, "prepareStack", totals, "prepare");
  timed(TerraformStack.prototype, "toTerraform", totals, "toTerraform");
  timed(StackSynthesizer.prototype, "synthesize", totals, "synthesize");

  const started = performance.now();
  const config = loadConfig(configFile);
  const loaded = performance.now();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-stages-"));
  let build = 0;
  try {
    // As the synth command does: each stack is built when asked for, so building is timed per stack.
    synthesizeAllOrNothing((dir) => {
      const staged = stageDeliveryApp(config, { outdir: dir });
      return { ...staged, stacks: timedIterable(staged.stacks, (milliseconds) => (build += milliseconds)) };
    }, outdir);
    const total = performance.now() - started;
    let blocks = 0;
    let outputBytes = 0;
    let largestStack = { id: "", resources: -1 };
    const apiRequests = { fleet: 0, largestStack: 0 };
    const stacks = readSynthesizedStacks(outdir);
    for (const stack of stacks) {
      outputBytes += Buffer.byteLength(stack.text);
      const found = terraformBlocks(stack.json);
      blocks += found.length;
      const resources = found.filter((block) => block.mode === "managed").length;
      if (resources > largestStack.resources) largestStack = { id: stack.id, resources };
      const requests = stackApiBudget(stack.id, stack.json).requests;
      apiRequests.fleet += requests;
      apiRequests.largestStack = Math.max(apiRequests.largestStack, requests);
    }
    const get = (label: string) => totals[label] ?? 0;
    return {
      loadConfig: loaded - started,
      build,
      prepare: get("prepare"),
      toTerraform: get("toTerraform"),
      validateAndWrite: get("synthesize") - get("toTerraform"),
      publish: total - (loaded - started) - build - get("prepare") - get("synthesize"),
      total,
      blocks,
      outputBytes,
      stacks: stacks.length,
      largestStack,
      apiRequests,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [configFile] = process.argv.slice(2);
  if (configFile === undefined) throw new Error("usage: synth-stages.ts <config file>");
  console.log(JSON.stringify(measureStages(configFile)));
}
