import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDeliveryApp, stackEntries, type DeliveryAppOptions } from "../../lib/app/app";
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

const DEFAULT_ENTRIES = stackEntries(loadDefaultConfig());

/** Every stack id of the default config, in deployment order. */
export const STACK_IDS: readonly string[] = DEFAULT_ENTRIES.map((entry) => entry.id);

/** The default config's stacks a pipeline deploys (not the cluster and development stacks). */
export const DEPLOYED_STACK_IDS: readonly string[] = DEFAULT_ENTRIES.filter(
  (entry) => entry.kind !== "cluster" && entry.kind !== "development",
).map((entry) => entry.id);

/** The stacks of one part of the layout: every `github-<service>`, or an environment's shared and service stacks. */
export type StackGroup = "github" | "staging" | "production";

/** Whether a stack id belongs to a group (`github-orders-api` to github; `staging`, `staging-orders-api` to staging). */
export function inGroup(id: string, group: StackGroup): boolean {
  return group === "github" ? id.startsWith("github-") : id === group || id.startsWith(`${group}-`);
}

/**
 * One view of a group's stacks, for tests of what a part of the layout deploys as a whole: their
 * resources, data sources, variables and outputs side by side (addresses are unique within a
 * group; the same data source in several service stacks is one entry), the first stack's
 * `terraform` and `provider` blocks. Tests of one stack's own settings read `stackOf`.
 */
export function groupOf(app: SynthesizedApp, group: StackGroup): TerraformJson {
  const ids = Object.keys(app.stacks).filter((id) => inGroup(id, group));
  if (ids.length === 0) {
    throw new Error(`no stack of group '${group}'; stacks: ${Object.keys(app.stacks).join(", ")}`);
  }
  const merged: Record<string, unknown> = {};
  for (const id of ids) {
    const stack = app.stacks[id] as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(stack)) {
      if (key === "resource" || key === "data") {
        const byType = (merged[key] ?? {}) as Record<string, Record<string, unknown>>;
        for (const [type, byName] of Object.entries(value as Record<string, Record<string, unknown>>)) {
          byType[type] = { ...byType[type], ...byName };
        }
        merged[key] = byType;
      } else if (Array.isArray(value)) {
        merged[key] = [...((merged[key] as unknown[] | undefined) ?? []), ...(value as unknown[])];
      } else if (key === "variable" || key === "output" || key === "locals" || key === "provider") {
        // The first stack's provider configuration of a type stands for the group's.
        merged[key] =
          key === "provider"
            ? { ...(value as Record<string, unknown>), ...(merged[key] as Record<string, unknown> | undefined) }
            : { ...(merged[key] as Record<string, unknown> | undefined), ...(value as Record<string, unknown>) };
      } else if (!(key in merged)) {
        merged[key] = value;
      }
    }
  }
  return merged as unknown as TerraformJson;
}
