import { PINNED_IMAGES, taggedAndPinned } from "../../../lib/domain/pinned-images";
import { Job } from "../job";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";
import { checkoutStep, setupUvStep, syncDependenciesStep } from "../toolchain";
import { MERGE_CHECKS } from "./merge-checks";

/** pytest against throwaway databases with the coverage floor, then the benchmark gate. */
export function testsJob(): Job {
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
        name: "Unit and integration tests (pytest, asyncio, xdist, coverage >= 85 %)",
        run: [
          "uv run pytest -n auto -o asyncio_mode=auto --benchmark-skip \\",
          "  --cov --cov-report=term-missing --cov-report=xml --cov-fail-under=85",
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
        name: "Benchmarks (fail on a regression of the mean by more than 20 %)",
        run: scriptTemplate("benchmarks.sh"),
      }),
      new Step({
        name: "Save the benchmark baseline",
        if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        uses: "actions/cache/save",
        with: { path: ".benchmarks", key: "benchmarks-${{ runner.os }}-${{ github.sha }}" },
      }),
    ],
  });
}
