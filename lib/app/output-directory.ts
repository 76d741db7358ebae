import * as fs from "node:fs";
import * as path from "node:path";
import { Manifest } from "cdktf";

/**
 * The file operations that replace the output directory, as one object so that tests can make
 * any of them fail the way a full disk or a read-only mount does (the tests run as root, whom
 * permission bits do not stop).
 */
export interface OutputFileSystem {
  readonly mkdirSync: (dir: string, options: { recursive: true }) => unknown;
  readonly mkdtempSync: (prefix: string) => string;
  readonly renameSync: (from: string, to: string) => void;
  readonly rmSync: (target: string, options: { recursive: true; force: true }) => void;
  readonly readdirSync: (dir: string) => string[];
  readonly lstatSync: (target: string) => { isDirectory(): boolean; isSymbolicLink(): boolean };
  readonly linkSync: (existing: string, created: string) => void;
  readonly copyFileSync: (from: string, to: string) => void;
  readonly symlinkSync: (target: string, created: string) => void;
  readonly readlinkSync: (link: string) => string;
  readonly realpathSync: (target: string) => string;
}

export const NODE_FILE_SYSTEM: OutputFileSystem = {
  mkdirSync: (dir, options) => fs.mkdirSync(dir, options),
  mkdtempSync: (prefix) => fs.mkdtempSync(prefix),
  renameSync: (from, to) => fs.renameSync(from, to),
  rmSync: (target, options) => fs.rmSync(target, options),
  readdirSync: (dir) => fs.readdirSync(dir),
  lstatSync: (target) => fs.lstatSync(target),
  linkSync: (existing, created) => fs.linkSync(existing, created),
  copyFileSync: (from, to) => fs.copyFileSync(from, to),
  symlinkSync: (target, created) => fs.symlinkSync(target, created),
  readlinkSync: (link) => fs.readlinkSync(link),
  realpathSync: (target) => fs.realpathSync(target),
};

/** The output directory could not be written; the previous output, if any, is unchanged. */
export class OutputError extends Error {
  constructor(
    readonly outdir: string,
    reason: string,
  ) {
    super(`Cannot write ${outdir}: ${reason}. The previous output is unchanged.`);
    this.name = "OutputError";
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "the disk is full; free some space and run synth again",
  EDQUOT: "the disk quota is exhausted; free some space and run synth again",
  EACCES: "permission denied; make the directory writable or set CDKTF_OUTDIR to another directory",
  EPERM: "the operation is not permitted; make the directory writable or set CDKTF_OUTDIR to another directory",
  EROFS: "the file system is read-only; set CDKTF_OUTDIR to a directory on a writable file system",
  ENOTDIR: "a part of the path is a file, not a directory; remove it or set CDKTF_OUTDIR to another directory",
  ENOENT: "a part of the path does not exist and cannot be created there; set CDKTF_OUTDIR to another directory",
  EMFILE: "too many open files; close other programs or raise the limit (ulimit -n)",
  EIO: "an input/output error from the disk",
};

/** A file-system error (it carries an errno code) described for the user; other errors pass unchanged. */
export function asOutputError(error: unknown, outdir: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (error instanceof OutputError || typeof code !== "string" || !/^E[A-Z]+$/.test(code)) {
    return error;
  }
  return new OutputError(outdir, `${REASONS[code] ?? "the file system refused a write"} (${code})`);
}

/** Scratch and backup directories live beside the output, on its file system, so that a rename swaps them. */
function siblingPrefix(outdir: string, kind: "synth" | "previous"): string {
  return path.join(
    path.dirname(path.resolve(outdir)),
    `.${path.basename(path.resolve(outdir))}.${kind}-${process.pid}-`,
  );
}

const SIBLING = /^\.(.+)\.(synth|previous)-(\d+)-/;

/**
 * Creates the directory a synth writes into, beside `outdir`. A run killed before it could clean up
 * (SIGKILL, a power cut) leaves its scratch behind: those of processes that no longer exist are
 * removed first, and a backup left between the two renames of a swap is put back.
 */
export function createScratchDirectory(outdir: string, fileSystem: OutputFileSystem = NODE_FILE_SYSTEM): string {
  try {
    const resolved = physicalPath(outdir, fileSystem);
    const parent = path.dirname(resolved);
    const existing = lstatOrUndefined(resolved, fileSystem);
    if (existing !== undefined && !existing.isDirectory()) {
      throw new OutputError(outdir, "it is a file, not a directory; remove it or set CDKTF_OUTDIR to a directory");
    }
    fileSystem.mkdirSync(parent, { recursive: true });
    removeAbandonedSiblings(resolved, fileSystem);
    // mkdtemp makes a private (0700) directory; the tree inside gets the usual mode (umask), as
    // an output directory made by mkdir would.
    const scratch = path.join(fileSystem.mkdtempSync(siblingPrefix(resolved, "synth")), "out");
    fileSystem.mkdirSync(scratch, { recursive: true });
    return scratch;
  } catch (error) {
    throw asOutputError(error, outdir);
  }
}

function removeAbandonedSiblings(outdir: string, fileSystem: OutputFileSystem): void {
  const parent = path.dirname(outdir);
  for (const entry of fileSystem.readdirSync(parent)) {
    const match = SIBLING.exec(entry);
    if (match === null || match[1] !== path.basename(outdir) || isRunning(Number(match[3]))) {
      continue;
    }
    const sibling = path.join(parent, entry);
    if (match[2] === "previous" && lstatOrUndefined(outdir, fileSystem) === undefined) {
      fileSystem.renameSync(sibling, outdir);
    } else {
      fileSystem.rmSync(sibling, { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A stack's synthesized JSON, in its folder under `stacks/`. */
const SYNTHESIZED_FILE = "cdk.tf.json";

/** Removes a scratch directory made by `createScratchDirectory`, whatever state it is in. */
export function removeScratchDirectory(scratch: string, fileSystem: OutputFileSystem = NODE_FILE_SYSTEM): void {
  fileSystem.rmSync(path.dirname(scratch), { recursive: true, force: true });
}

/**
 * Replaces `outdir` with the complete tree in `scratch`: files the app does not write (a stack's
 * `.terraform/`, lock files) are carried over into the new tree first, by hard link where the file
 * system allows, then the old tree is renamed aside and the new one renamed into place. Any failure
 * before the second rename leaves `outdir` as it was; a failure of the second rename puts the old
 * tree back. Stack folders the app no longer produces are not carried over, as the cdktf CLI does,
 * unless `keepOtherStacks`: a synth of some services only keeps the other stacks' folders without
 * their synthesized JSON, so their committed lock files and `.terraform/` survive it.
 */
export function replaceOutputDirectory(
  scratch: string,
  outdir: string,
  fileSystem: OutputFileSystem = NODE_FILE_SYSTEM,
  keepOtherStacks = false,
): void {
  try {
    const resolved = physicalPath(outdir, fileSystem);
    if (lstatOrUndefined(resolved, fileSystem) === undefined) {
      fileSystem.renameSync(scratch, resolved);
      return;
    }
    // Read before carrying over, which creates the folders it keeps.
    const producedStacks = new Set(
      exists(path.join(scratch, Manifest.stacksFolder), fileSystem)
        ? fileSystem.readdirSync(path.join(scratch, Manifest.stacksFolder))
        : [],
    );
    carryOver(resolved, scratch, fileSystem, (relative) => {
      const [first, stack, ...rest] = relative;
      if (first !== Manifest.stacksFolder || stack === undefined) return true;
      const produced = producedStacks.has(stack);
      // Inside stacks/, only folders of stacks the app still produces are kept, or with
      // keepOtherStacks every folder, without the JSON of a stack this synth did not write.
      return keepOtherStacks ? produced || rest.join("/") !== SYNTHESIZED_FILE : produced || rest.length > 0;
    });
    const backup = fileSystem.mkdtempSync(siblingPrefix(resolved, "previous"));
    fileSystem.rmSync(backup, { recursive: true, force: true });
    fileSystem.renameSync(resolved, backup);
    try {
      fileSystem.renameSync(scratch, resolved);
    } catch (error) {
      fileSystem.renameSync(backup, resolved);
      throw error;
    }
    try {
      fileSystem.rmSync(backup, { recursive: true, force: true });
    } catch {
      // The new output is in place; a backup that cannot be removed now is removed by the next synth.
    }
  } catch (error) {
    throw asOutputError(error, outdir);
  }
}

/** Copies into `target` every entry of `source` that `target` lacks, recursively, by hard link. */
function carryOver(
  source: string,
  target: string,
  fileSystem: OutputFileSystem,
  keep: (relative: string[]) => boolean,
  relative: string[] = [],
): void {
  for (const entry of fileSystem.readdirSync(source)) {
    const entryPath = [...relative, entry];
    if (!keep(entryPath)) continue;
    const from = path.join(source, entry);
    const to = path.join(target, entry);
    const stat = fileSystem.lstatSync(from);
    const present = lstatOrUndefined(to, fileSystem);
    if (stat.isDirectory()) {
      if (present === undefined) fileSystem.mkdirSync(to, { recursive: true });
      if (present === undefined || present.isDirectory()) carryOver(from, to, fileSystem, keep, entryPath);
    } else if (present === undefined) {
      copyEntry(from, to, stat.isSymbolicLink(), fileSystem);
    }
  }
}

function copyEntry(from: string, to: string, isSymbolicLink: boolean, fileSystem: OutputFileSystem): void {
  if (isSymbolicLink) {
    fileSystem.symlinkSync(fileSystem.readlinkSync(from), to);
    return;
  }
  try {
    fileSystem.linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK") throw error;
    fileSystem.copyFileSync(from, to);
  }
}

/**
 * The directory to replace: `outdir` itself, or the directory it links to when it is a symbolic
 * link (the link stays; the tree it points to is replaced beside its target).
 */
function physicalPath(outdir: string, fileSystem: OutputFileSystem): string {
  const resolved = path.resolve(outdir);
  return lstatOrUndefined(resolved, fileSystem)?.isSymbolicLink() === true
    ? fileSystem.realpathSync(resolved)
    : resolved;
}

function exists(target: string, fileSystem: OutputFileSystem): boolean {
  return lstatOrUndefined(target, fileSystem) !== undefined;
}

function lstatOrUndefined(
  target: string,
  fileSystem: OutputFileSystem,
): ReturnType<OutputFileSystem["lstatSync"]> | undefined {
  try {
    return fileSystem.lstatSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw error;
  }
}
