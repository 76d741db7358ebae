import { Job } from "../job";
import { Step } from "../step";
import { checkoutStep } from "../toolchain";
import { MERGE_CHECKS } from "./merge-checks";

/** CodeQL's security-extended queries over the Python code, results to code scanning. */
export function codeqlJob(): Job {
  return new Job({
    name: MERGE_CHECKS.codeql,
    // security-events: write uploads the results to code scanning; actions: read is what CodeQL
    // needs to read the run in a private repository.
    permissions: { contents: "read", actions: "read", "security-events": "write" },
    timeoutMinutes: 30,
    steps: [
      checkoutStep(),
      new Step({
        name: "Initialise CodeQL (Python)",
        uses: "github/codeql-action/init",
        with: { languages: "python", "build-mode": "none", queries: "security-extended" },
      }),
      new Step({
        name: "Analyse",
        uses: "github/codeql-action/analyze",
        with: { category: "/language:python" },
      }),
    ],
  });
}
