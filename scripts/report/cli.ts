import { ConfigError } from "../../lib/config";
import { ToolError } from "../../lib/app/binary-version-checks";
import { OutputError } from "../../lib/app/output-directory";
import { SynthError, type SynthAnnotation } from "../../lib/app/synth";

/**
 * Runs a report command the way `npm run synth` runs: a bad configuration, a failed synth, a
 * missing or old terraform or an unwritable output is reported by its message alone (exit 1), a usage error with the usage text (exit 2); anything
 * else is a bug and keeps its stack trace.
 */
export function reportFailure(run: () => number, usage: string, usageError: new (message: string) => Error): number {
  try {
    return run();
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof SynthError ||
      error instanceof ToolError ||
      error instanceof OutputError
    ) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof usageError) {
      console.error([error.message, usage].filter((line) => line !== "").join("\n\n"));
      return error.message === "" ? 0 : 2;
    }
    throw error;
  }
}

/** Warnings and infos of the synth, on stderr so that stdout stays pasteable. */
export function printAnnotations(annotations: readonly SynthAnnotation[]): void {
  for (const annotation of annotations) {
    console.error(`${annotation.level}: [${annotation.constructPath}] ${annotation.message}`);
  }
}
