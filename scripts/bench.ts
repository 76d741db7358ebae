import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_CONFIG_FILE } from "../lib/config";
import { writeGeneratedConfigs } from "./bench/generate-config";
import { measure, type BenchCommand, type BenchResult } from "./bench/measure";
import type { SynthStages } from "./bench/synth-stages";
import { formatTable } from "./report/table";

/**
 * `npm run bench`, in one run:
 * 1. the default config synthesized by `npm run synth`'s command next to the same main.ts through
 *    ts-node (what the cdktf template does). Targets on a 2-core machine: median under 1.5 s, at
 *    least 5x faster than ts-node, peak memory under 250 MiB.
 * 2. scale: configs with 1, 10, 50, 200 and 500 services generated from the default config into a
 *    temp dir, synthesized next to the default config, side by side: median wall time, peak memory,
 *    their shares per service, the number of stacks (from the output's manifest.json, whatever the
 *    stack layout), the largest stack's resource count and the GitHub API requests of a full
 *    refresh; whether time and memory per service stay flat. Sizes from BIG_SIZE services on run
 *    fewer times (--big-runs, default 1, no warm-up), so that 500 services fit a 2-core machine.
 *    Targets: 50 services under 5 s median and under 600 MiB; the fleet-scale targets (200
 *    services in at most 4.4x the time of 50, at most 1 GiB at 500, the largest stack at most 100
 *    resources) are printed with their verdicts.
 * 3. where one synth's time goes, per stage and size, measured in-process.
 * 4. cdktf's per-resource `terraform version` checks (100 terraform_data resources) as cdktf runs
 *    them, next to our synth, which runs each distinct check once (lib/binary-version-checks.ts).
 * Options: --runs N (default 7), --big-runs N (default 1), --sizes 1,10,50,200,500.
 */
const PROJECT_ROOT = path.resolve(__dirname, "..");
const TARGETS = { medianSeconds: 1.5, speedup: 5, peakMiB: 250 };
const SCALE_TARGETS = { services: 50, medianSeconds: 5, peakMiB: 600 };
/**
 * Fleet-scale targets: time of 200 services against 50, peak memory at 500, resources of the
 * largest stack, and how far the time per added service may drift from 50-200 to 200-500.
 */
const FLEET_TARGETS = { timeRatio200To50: 4.4, peakMiBAt500: 1024, largestStackResources: 100, perServiceDrift: 0.15 };
/** From this many services on, a synth takes long enough that one run (no warm-up) is the default. */
const BIG_SIZE = 200;
/** Time or memory per service may grow this much from the smaller to the larger sizes and still count as linear. */
const LINEAR_SLOPE_RATIO = 1.5;
/** In-process stage timings: the fastest of this many runs, per stage (the least disturbed by other load). */
const STAGE_RUNS = 3;
/** Below this many ms (or MiB) per service, differences are start-up noise, not growth. */
const NOISE_PER_SERVICE = { ms: 5, mib: 0.5 };

interface Options {
  readonly runs: number;
  /** Timed runs of each size from BIG_SIZE services on. */
  readonly bigRuns: number;
  readonly sizes: readonly number[];
}

function optionsFrom(args: readonly string[]): Options {
  const valueOf = (name: string) => {
    const index = args.indexOf(name);
    return index === -1 ? undefined : args[index + 1];
  };
  const count = (name: string, fallback: number) => {
    const value = Number(valueOf(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${name} takes a positive whole number`);
    }
    return value;
  };
  const sizes = (valueOf("--sizes") ?? "1,10,50,200,500").split(",").map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1) || new Set(sizes).size !== sizes.length) {
    throw new Error("--sizes takes distinct positive whole numbers separated by commas, such as 1,10,50");
  }
  return { runs: count("--runs", 7), bigRuns: count("--big-runs", 1), sizes: [...sizes].sort((a, b) => a - b) };
}

const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
const seconds = (value: number) => value.toFixed(3);

/** The app alone, without npm's start-up: what cdktf.json's "app" runs under `cdktf synth`. */
function synthCommand(name: string, configFile?: string, runs?: number): BenchCommand {
  return {
    name,
    command: process.execPath,
    args: ["--require", "./scripts/register-ts.cjs", "main.ts"],
    ...(configFile === undefined ? {} : { env: { DELIVERY_CONFIG: configFile } }),
    ...(runs === undefined ? {} : { runs, warmUp: false }),
  };
}

function defaultConfigComparison(runs: number): void {
  const commands: BenchCommand[] = [
    { name: "npm run synth", command: "npm", args: ["run", "--silent", "synth"] },
    { name: "npx ts-node main.ts", command: "npx", args: ["ts-node", "main.ts"] },
    synthCommand("node --require register-ts main.ts"),
  ];
  console.log(`Default config: ${runs} runs each after a warm-up, round-robin`);
  const results = measure(commands, runs, PROJECT_ROOT);
  const [ours, tsNode] = results;
  if (!ours || !tsNode) throw new Error("no results");
  const speedup = tsNode.medianSeconds / ours.medianSeconds;
  console.log(resultTable(results));
  console.log(
    [
      `median ${seconds(ours.medianSeconds)} s (target < ${TARGETS.medianSeconds} s): ${verdict(ours.medianSeconds < TARGETS.medianSeconds)}`,
      `speedup over ts-node ${speedup.toFixed(1)}x (target >= ${TARGETS.speedup}x): ${verdict(speedup >= TARGETS.speedup)}`,
      `peak memory ${ours.peakMiB.toFixed(0)} MiB (target < ${TARGETS.peakMiB} MiB): ${verdict(ours.peakMiB < TARGETS.peakMiB)}`,
    ].join("\n"),
  );
}

function resultTable(results: readonly BenchResult[]): string {
  return formatTable(
    ["command", "runs", "median s", "min s", "max s", "peak MiB"],
    results.map((result) => [
      result.name,
      String(result.runs),
      seconds(result.medianSeconds),
      seconds(result.minSeconds),
      seconds(result.maxSeconds),
      result.peakMiB.toFixed(0),
    ]),
  );
}

/** In-process synths of a config, each in a fresh process, split into stages: the fastest of STAGE_RUNS per stage. */
function stagesOf(configFile: string, stageRuns = STAGE_RUNS): SynthStages {
  const runs = Array.from({ length: stageRuns }, () => {
    const output = execFileSync(
      process.execPath,
      ["--require", "./scripts/register-ts.cjs", "scripts/bench/synth-stages.ts", configFile],
      { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
    );
    return JSON.parse(output) as SynthStages;
  });
  const [first, ...rest] = runs;
  if (first === undefined) throw new Error("no stage runs");
  return rest.reduce<SynthStages>(
    (fastest, run) => ({
      loadConfig: Math.min(fastest.loadConfig, run.loadConfig),
      build: Math.min(fastest.build, run.build),
      prepare: Math.min(fastest.prepare, run.prepare),
      toTerraform: Math.min(fastest.toTerraform, run.toTerraform),
      validateAndWrite: Math.min(fastest.validateAndWrite, run.validateAndWrite),
      publish: Math.min(fastest.publish, run.publish),
      total: Math.min(fastest.total, run.total),
      blocks: run.blocks,
      outputBytes: run.outputBytes,
      stacks: run.stacks,
      largestStack: run.largestStack,
      apiRequests: run.apiRequests,
    }),
    first,
  );
}

/** A measured value with how far apart its runs were. */
export interface Sample {
  readonly services: number;
  readonly value: number;
  /** Half the distance between the fastest and slowest run: what noise alone can move the value by. */
  readonly noise: number;
}

/**
 * Growth per added service over each interval of sizes, and whether it stays flat: each later
 * slope may exceed the first by LINEAR_SLOPE_RATIO plus what the runs' noise can explain. On a
 * busy 2-core machine, small configs differ by less than the noise, so without that allowance a
 * linear synth would be reported as growing.
 */
export function slopes(
  samples: readonly Sample[],
  floorPerService: number,
): { readonly perService: { readonly slope: number; readonly noise: number }[]; readonly linear: boolean } {
  const perService = samples.slice(1).map((sample, index) => {
    const previous = samples[index] ?? sample;
    const services = sample.services - previous.services;
    return { slope: (sample.value - previous.value) / services, noise: (sample.noise + previous.noise) / services };
  });
  const [first, ...rest] = perService;
  const linear =
    first === undefined ||
    rest.every(
      (later) =>
        later.slope <=
        Math.max(first.slope, 0) * LINEAR_SLOPE_RATIO +
          first.noise * LINEAR_SLOPE_RATIO +
          later.noise +
          floorPerService,
    );
  return { perService, linear };
}

function scale(options: Options): void {
  const templateText = fs.readFileSync(path.join(PROJECT_ROOT, DEFAULT_CONFIG_FILE), "utf8");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-configs-"));
  try {
    const files = writeGeneratedConfigs(templateText, options.sizes, dir);
    const runsOf = (size: number) => (size >= BIG_SIZE ? options.bigRuns : undefined);
    const commands = [
      synthCommand(`default config (${DEFAULT_CONFIG_FILE})`),
      ...options.sizes.map((size) => synthCommand(`${size} generated services`, files.get(size), runsOf(size))),
    ];
    const big = options.sizes.filter((size) => size >= BIG_SIZE);
    console.log(
      `\nScale: configs generated from ${DEFAULT_CONFIG_FILE} into ${dir}, ` +
        `${options.runs} runs each after a warm-up, round-robin` +
        (big.length === 0
          ? ""
          : `; ${big.join(" and ")} services: ${options.bigRuns} run${options.bigRuns === 1 ? "" : "s"} ` +
            `each without a warm-up, to fit a 2-core machine (--big-runs N for more)`),
    );
    const results = measure(commands, options.runs, PROJECT_ROOT);
    const stages = [
      stagesOf(path.join(PROJECT_ROOT, DEFAULT_CONFIG_FILE)),
      ...options.sizes.map((size) => stagesOf(files.get(size) ?? "", size >= BIG_SIZE ? 1 : STAGE_RUNS)),
    ];
    const servicesOf = (index: number) => (index === 0 ? undefined : options.sizes[index - 1]);
    console.log(
      formatTable(
        [
          "config",
          "stacks",
          "largest stack (resources)",
          "resources + data",
          "JSON KiB",
          "runs",
          "median s",
          "min s",
          "max s",
          "peak MiB",
          "ms / service",
          "MiB / service",
          "GitHub requests (fleet)",
          "GitHub requests (largest stack)",
        ],
        results.map((result, index) => {
          const stage = stages[index];
          const services = servicesOf(index);
          return [
            result.name,
            String(stage?.stacks ?? "?"),
            stage === undefined ? "?" : `${stage.largestStack.id} (${stage.largestStack.resources})`,
            String(stage?.blocks ?? "?"),
            ((stage?.outputBytes ?? 0) / 1024).toFixed(0),
            String(result.runs),
            seconds(result.medianSeconds),
            seconds(result.minSeconds),
            seconds(result.maxSeconds),
            result.peakMiB.toFixed(0),
            services === undefined ? "" : ((result.medianSeconds * 1000) / services).toFixed(0),
            services === undefined ? "" : (result.peakMiB / services).toFixed(2),
            String(stage?.apiRequests.fleet ?? "?"),
            String(stage?.apiRequests.largestStack ?? "?"),
          ];
        }),
      ),
    );
    console.log(
      "(ms and MiB per service: the whole synth's median time and peak memory shared out over its services, " +
        "start-up included; GitHub requests: npm run summary -- --api-budget)",
    );

    const sized = results.slice(1).map((result, index) => ({
      services: options.sizes[index] ?? 0,
      result,
      stage: stages[index + 1],
    }));
    if (sized.length >= 2) {
      const intervals = sized
        .slice(1)
        .map((entry, index) => `${sized[index]?.services ?? "?"}->${entry.services}`)
        .join(", ");
      const time = slopes(
        sized.map(({ services, result }) => ({
          services,
          value: result.medianSeconds * 1000,
          noise: ((result.maxSeconds - result.minSeconds) * 1000) / 2,
        })),
        NOISE_PER_SERVICE.ms,
      );
      const memory = slopes(
        sized.map(({ services, result }) => ({ services, value: result.peakMiB, noise: 0 })),
        NOISE_PER_SERVICE.mib,
      );
      const shown = (entries: readonly { slope: number; noise: number }[], unit: string, digits: number) =>
        entries
          .map(({ slope, noise }) => `${slope.toFixed(digits)}${noise > 0 ? ` ±${noise.toFixed(digits)}` : ""} ${unit}`)
          .join(", ");
      console.log(
        [
          `linearity, time per added service (${intervals}): ${shown(time.perService, "ms", 1)}: ` +
            `${time.linear ? "linear" : "GROWS FASTER THAN LINEAR"}`,
          `linearity, memory per added service (${intervals}): ${shown(memory.perService, "MiB", 2)}: ` +
            `${memory.linear ? "linear" : "GROWS FASTER THAN LINEAR"}`,
          `(linear: each later slope at most ${LINEAR_SLOPE_RATIO}x the first, plus run-to-run noise (±) ` +
            `and ${NOISE_PER_SERVICE.ms} ms / ${NOISE_PER_SERVICE.mib} MiB per service)`,
        ].join("\n"),
      );
    }
    const at = (services: number) => sized.find((entry) => entry.services === services);
    const target = at(SCALE_TARGETS.services)?.result;
    if (target) {
      console.log(
        [
          `${SCALE_TARGETS.services} services: median ${seconds(target.medianSeconds)} s (target < ${SCALE_TARGETS.medianSeconds} s): ${verdict(target.medianSeconds < SCALE_TARGETS.medianSeconds)}`,
          `${SCALE_TARGETS.services} services: peak memory ${target.peakMiB.toFixed(0)} MiB (target < ${SCALE_TARGETS.peakMiB} MiB): ${verdict(target.peakMiB < SCALE_TARGETS.peakMiB)}`,
        ].join("\n"),
      );
    }
    const fifty = at(50)?.result;
    const twoHundred = at(200)?.result;
    if (fifty && twoHundred) {
      const ratio = twoHundred.medianSeconds / fifty.medianSeconds;
      console.log(
        `200 services in ${ratio.toFixed(2)}x the time of 50 (target <= ${FLEET_TARGETS.timeRatio200To50}x): ` +
          verdict(ratio <= FLEET_TARGETS.timeRatio200To50),
      );
    }
    const fiveHundred = at(500)?.result;
    if (fiveHundred) {
      console.log(
        `500 services: peak memory ${fiveHundred.peakMiB.toFixed(0)} MiB (target <= ${FLEET_TARGETS.peakMiBAt500} MiB): ` +
          verdict(fiveHundred.peakMiB <= FLEET_TARGETS.peakMiBAt500),
      );
    }
    if (fifty && twoHundred && fiveHundred) {
      // The cost of one more service, in the middle and at the top of the range: start-up and the
      // shared stacks are paid once, so the marginal cost is what must stay constant.
      const perService = (from: BenchResult, to: BenchResult, services: number) =>
        ((to.medianSeconds - from.medianSeconds) * 1000) / services;
      const middle = perService(fifty, twoHundred, 150);
      const top = perService(twoHundred, fiveHundred, 300);
      const growth = top / middle - 1;
      console.log(
        `time per added service: ${middle.toFixed(0)} ms (50->200), ${top.toFixed(0)} ms (200->500), ` +
          `${(growth * 100).toFixed(0)} % (target within ${FLEET_TARGETS.perServiceDrift * 100} %): ` +
          verdict(Math.abs(growth) <= FLEET_TARGETS.perServiceDrift),
      );
    }
    const largest = sized.reduce((found, entry) => Math.max(found, entry.stage?.largestStack.resources ?? 0), 0);
    console.log(
      `largest stack at any size: ${largest} resources (target <= ${FLEET_TARGETS.largestStackResources}): ` +
        verdict(largest <= FLEET_TARGETS.largestStackResources),
    );
    stageTable(["default", ...options.sizes.map(String)], stages, options.sizes);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The stages of a synth, each a number of milliseconds. */
type StageKey = "loadConfig" | "build" | "prepare" | "toTerraform" | "validateAndWrite" | "publish" | "total";

function stageTable(columns: readonly string[], stages: readonly SynthStages[], sizes: readonly number[]): void {
  const rows: [string, StageKey][] = [
    ["load + validate config", "loadConfig"],
    ["build constructs", "build"],
    ["prepare (resolve)", "prepare"],
    ["toTerraform (resolve, merge)", "toTerraform"],
    ["validate + stringify + write", "validateAndWrite"],
    ["all-or-nothing publish", "publish"],
    ["total in-process", "total"],
  ];
  const [, ...sized] = stages;
  const last = sized.length - 1;
  const perService = (key: StageKey) => {
    const from = sized[last - 1];
    const to = sized[last];
    const fromSize = sizes[last - 1];
    const toSize = sizes[last];
    return from && to && fromSize !== undefined && toSize !== undefined
      ? ((to[key] - from[key]) / (toSize - fromSize)).toFixed(2)
      : "";
  };
  const growth = sizes.length >= 2 ? `ms per service ${sizes[last - 1] ?? ""}->${sizes[last] ?? ""}` : "";
  console.log(
    `\nWhere the time goes: in-process synth per config, fastest of ${STAGE_RUNS} runs per stage ` +
      `(1 run from ${BIG_SIZE} services on), ms (module loading excluded)`,
  );
  console.log(
    formatTable(
      ["stage", ...columns, ...(growth === "" ? [] : [growth])],
      rows.map(([label, key]) => [
        label,
        ...stages.map((stage) => stage[key].toFixed(0)),
        ...(growth === "" ? [] : [perService(key)]),
      ]),
    ),
  );
}

function versionChecks(runs: number): void {
  const count = 100;
  const script = ["--require", "./scripts/register-ts.cjs", "scripts/bench/version-checks.ts", String(count)];
  console.log(
    `\ncdktf's terraform version checks: ${count} terraform_data resources, ${runs} runs each after a warm-up`,
  );
  console.log(
    resultTable(
      measure(
        [
          { name: "cdktf app.synth() (a check per resource)", command: process.execPath, args: [...script, "cdktf"] },
          { name: "synthesizeAllOrNothing (a check per synth)", command: process.execPath, args: [...script, "ours"] },
        ],
        runs,
        PROJECT_ROOT,
      ),
    ),
  );
}

function main(): void {
  const options = optionsFrom(process.argv.slice(2));
  defaultConfigComparison(options.runs);
  scale(options);
  versionChecks(Math.min(options.runs, 3));
}

if (require.main === module) {
  main();
}
