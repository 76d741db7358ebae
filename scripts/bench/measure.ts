import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A command to time: how a user would run it, from the project root. */
export interface BenchCommand {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Timed runs of this command, instead of the count `measure` is given. */
  readonly runs?: number;
  /** Whether an untimed warm-up run comes first. @default true */
  readonly warmUp?: boolean;
}

export interface BenchResult {
  readonly name: string;
  readonly runs: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** The largest peak RSS of any node process of the command, over all runs. */
  readonly peakMiB: number;
}

const PEAK_RSS_PRELOAD = path.join(__dirname, "peak-rss.cjs");

/**
 * Runs the commands round-robin, `runs` times each (or the command's own `runs`) after one warm-up
 * run, so that machine noise spreads evenly over them; reports median wall time and peak memory.
 * Every run synthesizes into a fresh scratch directory.
 */
export function measure(commands: readonly BenchCommand[], runs: number, cwd: string): BenchResult[] {
  const samples = commands.map(() => ({ seconds: [] as number[], peakKiB: 0 }));
  // Per command, its runs in order: `false` for the warm-up, `true` for a timed run.
  const plans = commands.map((command) => [
    ...((command.warmUp ?? true) ? [false] : []),
    ...Array.from({ length: command.runs ?? runs }, () => true),
  ]);
  const rounds = Math.max(...plans.map((plan) => plan.length));
  for (let round = 0; round < rounds; round++) {
    commands.forEach((command, index) => {
      const timed = plans[index]?.[round];
      if (timed === undefined) return;
      const { seconds, peakKiB } = runOnce(command, cwd);
      const sample = samples[index];
      if (timed && sample) {
        sample.seconds.push(seconds);
        sample.peakKiB = Math.max(sample.peakKiB, peakKiB);
      }
    });
  }
  return commands.map((command, index) => {
    const { seconds, peakKiB } = samples[index] ?? { seconds: [], peakKiB: 0 };
    const sorted = [...seconds].sort((a, b) => a - b);
    return {
      name: command.name,
      runs: sorted.length,
      medianSeconds: median(sorted),
      minSeconds: sorted[0] ?? Number.NaN,
      maxSeconds: sorted[sorted.length - 1] ?? Number.NaN,
      peakMiB: peakKiB / 1024,
    };
  });
}

function runOnce(command: BenchCommand, cwd: string): { seconds: number; peakKiB: number } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const rssFile = path.join(scratch, "rss");
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(command.command, command.args, {
      cwd,
      encoding: "utf8",
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        CDKTF_OUTDIR: path.join(scratch, "cdktf.out"),
        ...command.env,
        BENCH_RSS_FILE: rssFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${PEAK_RSS_PRELOAD}`.trim(),
      },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) {
      throw new Error(`${command.name} failed (exit ${result.status}):\n${result.stderr}`);
    }
    const peaks = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, "utf8").trim().split("\n").map(Number) : [0];
    return { seconds, peakKiB: Math.max(...peaks) };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
