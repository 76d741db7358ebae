import * as fs from "node:fs";
import * as path from "node:path";
import { App, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import { installBinaryVersionChecks } from "./binary-version-checks";
import {
  asOutputError,
  createScratchDirectory,
  NODE_FILE_SYSTEM,
  removeScratchDirectory,
  replaceOutputDirectory,
  type OutputFileSystem,
} from "./output-directory";
import { suspendTokenStackTraces } from "./token-stack-traces";

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

/** What a synth reports as it goes: one call per finished stage. */
export interface SynthProgress {
  /** The app and its stacks were constructed; for a staged app, the number of stacks it will build is known. */
  readonly built?: (stacks: number) => void;
  /** A stack was synthesized (its guardrails included) and written to the scratch directory. */
  readonly stack?: (id: string, milliseconds: number, guardrailMilliseconds: number) => void;
  /** The new output replaced the old one. */
  readonly written?: (milliseconds: number) => void;
}

export interface SynthOptions {
  readonly progress?: SynthProgress;
  /** The file operations that replace the output. @default node:fs */
  readonly fileSystem?: OutputFileSystem;
  /**
   * The app builds some services' stacks only: other stacks' folders keep their lock files and
   * `.terraform/` (not their JSON). @default false: folders of stacks not built are removed
   */
  readonly partial?: boolean;
  /** The environment whose PATH finds terraform for cdktf's version checks. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** What a successful synth produced. */
export interface SynthResult {
  /** Warnings and infos to show the user (suppressed policy findings among the infos). */
  readonly annotations: SynthAnnotation[];
  readonly stacks: number;
  /** Resources and data sources across every stack. */
  readonly resources: number;
}

/**
 * Synthesizes an app all-or-nothing. The app writes into a scratch directory beside `outdir`;
 * only when every stack synthesized without an error annotation does that complete tree replace
 * `outdir`, by rename. A failure in any stack (an exception, a validation, a policy error), in
 * writing (a full disk, a read-only directory) or an interruption leaves `outdir` exactly as it
 * was, and the scratch directory is removed. Files the app does not write (`.terraform/`, lock
 * files) are kept, and stack folders the app no longer produces are removed, as the cdktf CLI does.
 *
 * @param build creates the app writing into the given directory
 * @returns the warnings and infos to show the user (suppressed policy findings among the infos)
 */
export function synthesizeAllOrNothing(
  build: (scratchDir: string) => App | StagedApp,
  outdir: string,
  options: SynthOptions = {},
): SynthAnnotation[] {
  const steps = synthSteps(build, outdir, options);
  let step = steps.next();
  while (step.done !== true) {
    step = steps.next();
  }
  return step.value.annotations;
}

/**
 * As `synthesizeAllOrNothing`, returning to the event loop between stages (building the app, each
 * stack, writing) so that a signal handler can run; `checkpoint` is awaited there and may throw to
 * stop the synth, which then cleans up as on any failure.
 */
export async function synthesizeInStages(
  build: (scratchDir: string) => App | StagedApp,
  outdir: string,
  checkpoint: () => Promise<void>,
  options: SynthOptions = {},
): Promise<SynthResult> {
  const steps = synthSteps(build, outdir, options);
  let step = steps.next();
  while (step.done !== true) {
    try {
      await checkpoint();
    } catch (error) {
      // Runs the generator's finally blocks: the scratch directory is removed, patches undone.
      steps.return(undefined as never);
      throw error;
    }
    step = steps.next();
  }
  return step.value;
}

/**
 * An app whose stacks are built as they are iterated: each is synthesized before the next is
 * asked for, so the builder may let written stacks go (`stageDeliveryApp`).
 */
export interface StagedApp {
  readonly app: App;
  /** How many stacks `stacks` yields (for the progress line). */
  readonly count: number;
  readonly stacks: Iterable<TerraformStack>;
}

function* synthSteps(
  build: (scratchDir: string) => App | StagedApp,
  outdir: string,
  options: SynthOptions,
): Generator<void, SynthResult, undefined> {
  const fileSystem = options.fileSystem ?? NODE_FILE_SYSTEM;
  const scratchDir = createScratchDirectory(outdir, fileSystem);
  const restoreTraces = suspendTokenStackTraces(options.env);
  const restoreChecks = installBinaryVersionChecks(options.env);
  try {
    const built = build(scratchDir);
    const { annotations, stacks, resources } =
      built instanceof App
        ? yield* synthesizeWholeApp(built, options.progress)
        : yield* synthesizeStaged(built, options.progress);
    if (annotations.some((annotation) => annotation.level === "error")) {
      throw new SynthError(annotations);
    }
    yield;
    const started = performance.now();
    replaceOutputDirectory(scratchDir, outdir, fileSystem, options.partial ?? false);
    options.progress?.written?.(performance.now() - started);
    return { annotations, stacks, resources };
  } catch (error) {
    throw asOutputError(error, outdir);
  } finally {
    restoreChecks();
    restoreTraces();
    try {
      removeScratchDirectory(scratchDir, fileSystem);
    } catch {
      // Left for the next synth, which removes the scratch of processes that have ended.
    }
  }
}

type Synthesized = Pick<SynthResult, "annotations" | "stacks" | "resources">;

/** An app built whole: every stack prepared, then each synthesized. */
function* synthesizeWholeApp(app: App, progress: SynthProgress | undefined): Generator<void, Synthesized, undefined> {
  const timing = new AspectTiming();
  const stacks = app.node.findAll().filter((construct) => TerraformStack.isStack(construct));
  for (const stack of stacks) instrumentStack(stack, progress, timing);
  progress?.built?.(stacks.length);
  yield;
  yield* synthesizeStacks(app, stacks);
  return { annotations: collectAnnotations(app), stacks: stacks.length, resources: countResources(app, stacks) };
}

/**
 * A staged app: each stack is prepared, synthesized, counted and its annotations read as soon as
 * it is built, before the next is built (the builder may then let it go); the manifest, which
 * keeps an entry per stack, is written at the end.
 */
function* synthesizeStaged(
  staged: StagedApp,
  progress: SynthProgress | undefined,
): Generator<void, Synthesized, undefined> {
  const { app } = staged;
  const timing = new AspectTiming();
  const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
  progress?.built?.(staged.count);
  yield;
  const annotations: SynthAnnotation[] = [];
  let stacks = 0;
  let resources = 0;
  for (const stack of staged.stacks) {
    instrumentStack(stack, progress, timing);
    stack.prepareStack();
    stack.synthesizer.synthesize(session);
    annotations.push(...collectAnnotations(stack));
    resources += countResources(app, [stack]);
    stacks += 1;
    yield;
  }
  validateApp(app);
  app.manifest.writeToFile();
  // As collectAnnotations(app) orders them: the app's own first, then the stacks in build order.
  return { annotations: [...annotationsOf(app), ...annotations], stacks, resources };
}

/**
 * What `App.synth()` does (cdktf 0.21 `lib/app.js`), one stack at a time with a pause between
 * stacks: prepare every stack, synthesize each, validate the app, write the manifest.
 */
function* synthesizeStacks(app: App, stacks: TerraformStack[]): Generator<void, void, undefined> {
  const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
  for (const stack of stacks) {
    stack.prepareStack();
  }
  for (const stack of stacks) {
    stack.synthesizer.synthesize(session);
    yield;
  }
  validateApp(app);
  app.manifest.writeToFile();
}

function validateApp(app: App): void {
  if (!app.skipValidation) {
    const validations = app.node.validate();
    if (validations.length > 0) {
      throw new Error(`App validation failed:\n  ${validations.join("\n  ")}`);
    }
  }
}

/** Time spent in aspects (the guardrails) so far, and the aspects already timed. */
class AspectTiming {
  milliseconds = 0;
  readonly timed = new WeakSet<IAspect>();
}

/**
 * By default cdktf throws at the first stack with an error annotation; collecting them all first
 * lets one run report every problem of every stack. The CLI sets the same mode through
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS; here it is set per stack, not process-wide. Each
 * stack's synthesizer also times the stack and its aspects (the guardrails) for the progress lines.
 */
function instrumentStack(stack: TerraformStack, progress: SynthProgress | undefined, timing: AspectTiming): void {
  for (const aspect of Aspects.of(stack).all) {
    if (timing.timed.has(aspect)) continue;
    timing.timed.add(aspect);
    const visit = aspect.visit.bind(aspect);
    aspect.visit = (node) => {
      const started = performance.now();
      try {
        visit(node);
      } finally {
        timing.milliseconds += performance.now() - started;
      }
    };
  }
  stack.synthesizer = new TimedStackSynthesizer(
    stack,
    (milliseconds, aspectsBefore) =>
      progress?.stack?.(stack.node.id, milliseconds, timing.milliseconds - aspectsBefore),
    () => timing.milliseconds,
  );
}

class TimedStackSynthesizer extends StackSynthesizer {
  constructor(
    stack: TerraformStack,
    private readonly done: (milliseconds: number, aspectsBefore: number) => void,
    private readonly aspectsSoFar: () => number,
  ) {
    super(stack, true);
  }

  override synthesize(session: Parameters<StackSynthesizer["synthesize"]>[0]): void {
    const started = performance.now();
    const aspectsBefore = this.aspectsSoFar();
    super.synthesize(session);
    this.done(performance.now() - started, aspectsBefore);
  }
}

/** Resources and data sources in the synthesized stacks. */
function countResources(app: App, stacks: readonly TerraformStack[]): number {
  return stacks.reduce((total, stack) => {
    const file = path.join(app.outdir, app.manifest.forStack(stack).synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
      data?: Record<string, Record<string, unknown>>;
    };
    const count = (blocks: Record<string, Record<string, unknown>> | undefined) =>
      Object.values(blocks ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
    return total + count(json.resource) + count(json.data);
  }, 0);
}

const ANNOTATION_LEVELS: Record<string, SynthAnnotation["level"]> = {
  "@cdktf/error": "error",
  "@cdktf/warn": "warning",
  "@cdktf/info": "info",
};

/** Every info, warning and error annotation of a construct tree (an app, a stack), in construct order. */
export function collectAnnotations(root: IConstruct): SynthAnnotation[] {
  return root.node.findAll().flatMap(annotationsOf);
}

/** The annotations of one construct, without its children's. */
function annotationsOf(construct: IConstruct): SynthAnnotation[] {
  return construct.node.metadata.flatMap((entry) => {
    const level = ANNOTATION_LEVELS[entry.type];
    return level === undefined ? [] : [{ level, constructPath: construct.node.path, message: String(entry.data) }];
  });
}
