import { Job } from "../job";
import { Step } from "../step";
import { checkoutStep, dependencyAuditStep, setupUvStep, syncDependenciesStep } from "../toolchain";
import { MERGE_CHECKS } from "./merge-checks";

/** Formatting, lint, strict types without suppressions, security lint and the dependency audit. */
export function qualityJob(): Job {
  return new Job({
    name: MERGE_CHECKS.quality,
    permissions: { contents: "read" },
    timeoutMinutes: 20,
    steps: [
      checkoutStep({ fullHistory: true }),
      setupUvStep(),
      syncDependenciesStep(),
      new Step({ name: "Formatting (ruff format --check)", run: "uv run ruff format --check ." }),
      new Step({ name: "Lint (ruff check)", run: "uv run ruff check --output-format=github ." }),
      new Step({ name: "Types (mypy --strict)", run: "uv run mypy --strict ." }),
      new Step({
        name: "No type-checker suppressions",
        run: `
if git grep -n -E '#[[:space:]]*type:[[:space:]]*ignore' -- '*.py'; then
  echo "::error::Remove the '# type: ignore' comments above: mypy --strict must pass without them"
  exit 1
fi
`.trimStart(),
      }),
      new Step({
        name: "Security lint (bandit)",
        run: "uv run bandit --recursive --exclude ./.venv,./tests --severity-level low .",
      }),
      dependencyAuditStep(),
    ],
  });
}
