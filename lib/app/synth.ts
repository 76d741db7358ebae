import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Manifest, TerraformStack, type App } from "cdktf";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import { withBinaryVersionChecksOnce } from "./binary-version-checks";
import { withoutTokenStackTraces } from "./token-stack-traces";

/** A message a construct attached during synth (cdktf Annotations): policy findings among them. */
export interface SynthAnnotation {
  readonly level: "error" | "warning" | "info";
  /** The construct path, `<stack>/<construct>/...`. */
  readonly constructPath: string;
  readonly message: string;
}

/**
 * Synth found error annotations; nothing was written to the output directory. The message lists
 * every annotation, errors first, one line each: the user sees all problems of all stacks at once.
 */
export class SynthError extends Error {
  constructor(readonly annotations: readonly SynthAnnotation[]) {
    const errors = annotations.filter((annotation) => annotation.level === "error");
    super(
      [
        `Synth failed with ${errors.length} error(s); nothing was written:`,
        ...inReportOrder(annotations).map((annotation) => `  ${formatAnnotation(annotation)}`),
      ].join("\n"),
    );
    this.name = "SynthError";
  }
}

/**
 * One report line: `error: [production] K8S008 kubernetes_deployment_v1.web: ... Fix: ...`. The
 * bracket holds the construct path; policy findings are attached to their stack, so it is the
 * stack id, followed by the rule id and the resource address as it appears in the JSON.
 */
export function formatAnnotation(annotation: SynthAnnotation): string {
  return `${annotation.level}: [${annotation.constructPath}] ${annotation.message}`;
}

const LEVEL_ORDER: Record<SynthAnnotation["level"], number> = { error: 0, warning: 1, info: 2 };

/** Errors, then warnings, then infos; construct order within each level. */
export function inReportOrder(annotations: readonly SynthAnnotation[]): SynthAnnotation[] {
  return [...annotations].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
}

/**
 * Synthesizes an app all-or-nothing. The app writes into a private scratch directory; only when
 * every stack synthesized without an error annotation are the files copied into `outdir`. A
 * failure in any stack (an exception, a validation, a policy error) leaves `outdir` exactly as it
 * was. Files the app does not write (`.terraform/`, lock files) are kept, and stack folders the
 * app no longer produces are removed, as the cdktf CLI does.
 *
 * @param build creates the app writing into the given directory
 * @returns the warnings and infos to show the user (suppressed policy findings among the infos)
 */
export function synthesizeAllOrNothing(build: (scratchDir: string) => App, outdir: string): SynthAnnotation[] {
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-synth-"));
  try {
    const app = withoutTokenStackTraces(() => {
      const built = build(scratchDir);
      reportAllStacksBeforeFailing(built);
      withBinaryVersionChecksOnce(() => built.synth());
      return built;
    });
    const annotations = collectAnnotations(app);
    if (annotations.some((annotation) => annotation.level === "error")) {
      throw new SynthError(annotations);
    }
    publish(scratchDir, outdir);
    return annotations;
  } finally {
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }
}

/**
 * By default cdktf throws at the first stack with an error annotation; collecting them all first
 * lets one run report every problem of every stack. The CLI sets the same mode through
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS; here it is set per stack, not process-wide.
 */
function reportAllStacksBeforeFailing(app: App): void {
  for (const stack of app.node.findAll().filter((construct) => TerraformStack.isStack(construct))) {
    stack.synthesizer = new StackSynthesizer(stack, true);
  }
}

/** Every info, warning and error annotation of the app, in construct order. */
export function collectAnnotations(app: App): SynthAnnotation[] {
  const levels: Record<string, SynthAnnotation["level"]> = {
    "@cdktf/error": "error",
    "@cdktf/warn": "warning",
    "@cdktf/info": "info",
  };
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata.flatMap((entry) => {
      const level = levels[entry.type];
      return level === undefined ? [] : [{ level, constructPath: construct.node.path, message: String(entry.data) }];
    }),
  );
}

function publish(scratchDir: string, outdir: string): void {
  const stacksDir = path.join(outdir, Manifest.stacksFolder);
  const producedStacks = new Set(fs.readdirSync(path.join(scratchDir, Manifest.stacksFolder)));
  if (fs.existsSync(stacksDir)) {
    for (const entry of fs.readdirSync(stacksDir)) {
      if (!producedStacks.has(entry)) {
        fs.rmSync(path.join(stacksDir, entry), { recursive: true, force: true });
      }
    }
  }
  fs.cpSync(scratchDir, outdir, { recursive: true, force: true });
}
