import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDeliveryApp, deployedStackIds, stackIdsOf, type DeliveryAppOptions } from "../../lib/app/app";
import { loadConfig, type DeliveryConfig } from "../../lib/config";
import { synthesizeAllOrNothing, type SynthAnnotation } from "../../lib/app/synth";
import { readSynthesizedStacks } from "../../lib/terraform-json/synthesized-output";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";

export const PROJECT_ROOT = path.resolve(__dirname, "../..");
export const DEFAULT_CONFIG_PATH = path.join(PROJECT_ROOT, "config/delivery.yaml");

export interface SynthesizedApp {
  /** Parsed `cdk.tf.json` of each stack, by stack id. */
  readonly stacks: Readonly<Record<string, TerraformJson>>;
  /** The exact text written to each `cdk.tf.json`, by stack id. */
  readonly files: Readonly<Record<string, string>>;
  readonly annotations: readonly SynthAnnotation[];
}

/** Synthesizes a config the way `npm run synth` does, into a scratch directory, and reads it back. */
export function synthesizeConfig(
  config: DeliveryConfig,
  options: Omit<DeliveryAppOptions, "outdir"> = {},
): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-test-"));
  try {
    const annotations = synthesizeAllOrNothing((dir) => buildDeliveryApp(config, { ...options, outdir: dir }), outdir);
    const files: Record<string, string> = {};
    const stacks: Record<string, TerraformJson> = {};
    for (const stack of readSynthesizedStacks(outdir)) {
      files[stack.id] = stack.text;
      stacks[stack.id] = stack.json as TerraformJson;
    }
    return { stacks, files, annotations };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function loadDefaultConfig(): DeliveryConfig {
  return loadConfig(DEFAULT_CONFIG_PATH);
}

let defaultSynth: SynthesizedApp | undefined;

/** The default config synthesized once per test file: most property tests read the same output. */
export function synthesizeDefaultConfig(): SynthesizedApp {
  defaultSynth ??= synthesizeConfig(loadDefaultConfig());
  return defaultSynth;
}

/** One stack of a synthesized app; fails with the ids present when it is missing. */
export function stackOf(app: SynthesizedApp, id: string): TerraformJson {
  const stack = app.stacks[id];
  if (stack === undefined) {
    throw new Error(`no stack '${id}'; stacks: ${Object.keys(app.stacks).join(", ")}`);
  }
  return stack;
}

/** Every stack id of the default config, in deployment order. */
export const STACK_IDS: readonly string[] = stackIdsOf(loadDefaultConfig());

/** The default config's stacks a pipeline deploys (not the cluster and development stacks). */
export const DEPLOYED_STACK_IDS: readonly string[] = deployedStackIds(loadDefaultConfig());
