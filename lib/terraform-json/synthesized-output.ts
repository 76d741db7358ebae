import * as fs from "node:fs";
import * as path from "node:path";
import { isObject, type JsonObject } from "./terraform-json";

/** One stack of a synthesized output directory (`cdktf.out`). */
export interface SynthesizedStack {
  readonly id: string;
  /** The exact text of its `cdk.tf.json`. */
  readonly text: string;
  readonly json: JsonObject;
}

/**
 * The stacks a synthesized output directory holds, as its `manifest.json` lists them (cdktf writes
 * `stacks.<id>.synthesizedStackPath` for every stack), in stack id order. Fails, naming the
 * directory, when there is no manifest.
 */
export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${outdir} holds no synthesized stacks (no manifest.json); run npm run synth first`);
  }
  const manifest: unknown = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  const stacks = isObject(manifest) && isObject(manifest.stacks) ? manifest.stacks : {};
  return Object.keys(stacks)
    .sort()
    .flatMap((id) => {
      const entry = stacks[id];
      const file = isObject(entry) && typeof entry.synthesizedStackPath === "string" ? entry.synthesizedStackPath : "";
      const stackFile = path.join(outdir, file);
      if (file === "" || !fs.existsSync(stackFile)) {
        return [];
      }
      const text = fs.readFileSync(stackFile, "utf8");
      const json: unknown = JSON.parse(text);
      return [{ id, text, json: isObject(json) ? json : {} }];
    });
}
