import { PINNED_IMAGES, taggedAndPinned } from "../../../lib/domain/pinned-images";
import { Job } from "../job";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";
import { checkoutStep, setupUvStep, syncDependenciesStep } from "../toolchain";
import type { ServicePipelineProps } from "../pipeline-props";
import { MERGE_CHECKS } from "./merge-checks";

/**
 * The benchmark gate: medians over at least this many rounds may regress by at most the tolerance
 * (see `scripts/benchmarks.sh`).
 */
export const BENCHMARK_GATE = { statistic: "median", tolerance: "25%", minRounds: 20 } as const;

/** The coverage floor, counted over the application code only (tests and the venv excluded). */
export const COVERAGE_FLOOR_PERCENT = 85;

/** pytest against throwaway databases with the coverage floor, then the benchmark gate. */
export function testsJob(props: ServicePipelineProps): Job {
  const healthCheck = (command: string) =>
    `--health-cmd "${command}" --health-interval 5s --health-timeout 5s --health-retries 12`;
  return new Job({
    name: MERGE_CHECKS.tests,
    permissions: { contents: "read" },
    timeoutMinutes: 30,
    // Throwaway databases on the runner: trust authentication means no password exists at all.
    // The same pinned images as local development (compose, the development stack).
    services: {
      postgres: {
        image: taggedAndPinned(PINNED_IMAGES.postgres),
        env: { POSTGRES_DB: "app_test", POSTGRES_HOST_AUTH_METHOD: "trust" },
        ports: ["5432:5432"],
        options: healthCheck("pg_isready -U postgres"),
      },
      redis: {
        image: taggedAndPinned(PINNED_IMAGES.redis),
        ports: ["6379:6379"],
        options: healthCheck("redis-cli ping"),
      },
    },
    env: {
      DATABASE_URL: "postgresql://postgres@localhost:5432/app_test",
      REDIS_URL: "redis://localhost:6379/0",
    },
    steps: [
      checkoutStep(),
      setupUvStep(),
      syncDependenciesStep(),
      new Step({
        name: `Unit and integration tests (pytest, asyncio, xdist, coverage of the application >= ${COVERAGE_FLOOR_PERCENT} %)`,
        run: [
          // The tests themselves would count as covered code and inflate the figure.
          `printf '[run]\\nsource = .\\nomit =\\n    tests/*\\n    .venv/*\\n' > "$RUNNER_TEMP/coveragerc"`,
          "uv run pytest -n auto -o asyncio_mode=auto --benchmark-skip \\",
          `  --cov --cov-config="$RUNNER_TEMP/coveragerc" --cov-report=term-missing --cov-report=xml --cov-fail-under=${COVERAGE_FLOOR_PERCENT}`,
        ].join("\n"),
      }),
      new Step({
        name: "Keep the coverage report",
        if: "always()",
        uses: "actions/upload-artifact",
        with: { name: "coverage", path: "coverage.xml", "if-no-files-found": "ignore", "retention-days": 30 },
      }),
      new Step({
        name: "Restore the benchmark baseline (last run on main)",
        uses: "actions/cache/restore",
        with: {
          path: ".benchmarks",
          key: "benchmarks-${{ runner.os }}-${{ github.sha }}",
          "restore-keys": "benchmarks-${{ runner.os }}-",
        },
      }),
      new Step({
        name: `Benchmarks (fail on a regression of the ${BENCHMARK_GATE.statistic} by more than ${BENCHMARK_GATE.tolerance} over ${BENCHMARK_GATE.minRounds}+ rounds)`,
        env: { BENCHMARK_TOLERANCE: BENCHMARK_GATE.tolerance, BENCHMARK_MIN_ROUNDS: String(BENCHMARK_GATE.minRounds) },
        run: scriptTemplate("benchmarks.sh"),
      }),
      new Step({
        name: "Save the benchmark baseline (passed runs on the production branch only)",
        if: `success() && github.event_name == 'push' && github.ref == 'refs/heads/${props.production.branch}'`,
        uses: "actions/cache/save",
        with: { path: ".benchmarks", key: "benchmarks-${{ runner.os }}-${{ github.sha }}" },
      }),
    ],
  });
}
