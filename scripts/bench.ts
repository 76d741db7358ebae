import * as path from "node:path";
import { formatTable, measure, type BenchCommand } from "./bench/measure";

/**
 * `npm run bench`: synth of the default config by `npm run synth`'s command next to the same
 * main.ts run through ts-node (what the cdktf template does), measured side by side in one run.
 * Targets on a 2-core machine: median under 1.5 s, at least 5x faster than ts-node, peak memory
 * under 250 MiB. Options: --runs N (default 7).
 */
const PROJECT_ROOT = path.resolve(__dirname, "..");
const TARGETS = { medianSeconds: 1.5, speedup: 5, peakMiB: 250 };

function runsFromArgs(args: readonly string[]): number {
  const index = args.indexOf("--runs");
  const runs = index === -1 ? 7 : Number(args[index + 1]);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error("--runs takes a positive whole number");
  }
  return runs;
}

function main(): void {
  const runs = runsFromArgs(process.argv.slice(2));
  const commands: BenchCommand[] = [
    { name: "npm run synth", command: "npm", args: ["run", "--silent", "synth"] },
    { name: "npx ts-node main.ts", command: "npx", args: ["ts-node", "main.ts"] },
    // The app alone, without npm's own start-up: what cdktf.json's "app" runs under `cdktf synth`.
    {
      name: "node --require register-ts main.ts",
      command: process.execPath,
      args: ["--require", "./scripts/register-ts.cjs", "main.ts"],
    },
  ];
  console.log(`Synthesizing the default config, ${runs} runs each after a warm-up, round-robin...`);
  const results = measure(commands, runs, PROJECT_ROOT);
  const [oursResult, tsNodeResult] = results;
  if (!oursResult || !tsNodeResult) throw new Error("no results");

  const speedup = tsNodeResult.medianSeconds / oursResult.medianSeconds;
  console.log(
    formatTable(
      ["command", "runs", "median s", "min s", "max s", "peak MiB"],
      results.map((result) => [
        result.name,
        String(result.runs),
        result.medianSeconds.toFixed(3),
        result.minSeconds.toFixed(3),
        result.maxSeconds.toFixed(3),
        result.peakMiB.toFixed(0),
      ]),
    ),
  );
  const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
  console.log(
    [
      `median ${oursResult.medianSeconds.toFixed(3)} s (target < ${TARGETS.medianSeconds} s): ${verdict(oursResult.medianSeconds < TARGETS.medianSeconds)}`,
      `speedup over ts-node ${speedup.toFixed(1)}x (target >= ${TARGETS.speedup}x): ${verdict(speedup >= TARGETS.speedup)}`,
      `peak memory ${oursResult.peakMiB.toFixed(0)} MiB (target < ${TARGETS.peakMiB} MiB): ${verdict(oursResult.peakMiB < TARGETS.peakMiB)}`,
    ].join("\n"),
  );
}

main();
