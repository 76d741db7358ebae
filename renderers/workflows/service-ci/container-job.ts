import { Job } from "../job";
import type { ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";
import { checkoutStep } from "../toolchain";
import { builderSteps, buildArgs, cacheSettings, PLATFORMS, versionStep } from "./image-build";
import { healthCheckPaths } from "../deployment/health-check";
import { MERGE_CHECKS } from "./merge-checks";

/** The Trivy gate of the container stage: any CRITICAL fails, more than five HIGH fail. */
export const VULNERABILITY_LIMITS = { CRITICAL: 0, HIGH: 5 } as const;

/** The environment of the jobs that run the vulnerability gate. */
export function vulnerabilityLimitsEnv(): Record<string, string> {
  return { MAX_CRITICAL: String(VULNERABILITY_LIMITS.CRITICAL), MAX_HIGH: String(VULNERABILITY_LIMITS.HIGH) };
}

/** The Trivy gate over the given JSON reports (`scripts/vulnerability-gate.sh`). */
export function vulnerabilityGateStep(reports: readonly string[]): Step {
  return new Step({
    name: `Enforce the vulnerability limits (CRITICAL <= ${VULNERABILITY_LIMITS.CRITICAL}, HIGH <= ${VULNERABILITY_LIMITS.HIGH})`,
    env: { TRIVY_REPORTS: reports.join(" ") },
    run: scriptTemplate("vulnerability-gate.sh"),
  });
}

/** The image Trivy scans, loaded into the runner's Docker engine, never pushed. */
const SCAN_TAG = "scan/image:ci";

/**
 * The pull request's image check: builds every platform, scans the amd64 image against the
 * vulnerability limits, runs it and the compose stack, keeps SBOM and report. What ships is
 * scanned again, every platform of it, by digest in the publish job.
 */
export function containerJob(props: ServicePipelineProps): Job {
  return new Job({
    name: MERGE_CHECKS.container,
    // Builds code from the pull request, so it gets nothing but read access: pushing and signing
    // happen in the publish job, which never runs for pull requests.
    permissions: { contents: "read" },
    timeoutMinutes: 45,
    env: vulnerabilityLimitsEnv(),
    steps: [
      checkoutStep({ fullHistory: true }),
      versionStep(),
      ...builderSteps(),
      new Step({
        name: `Build ${PLATFORMS.replace(",", " and ")} (layer cache)`,
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: PLATFORMS,
          push: false,
          "build-args": buildArgs(),
          ...cacheSettings(props),
        },
      }),
      new Step({
        name: "Load the linux/amd64 image for scanning (from the cache)",
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: "linux/amd64",
          load: true,
          tags: SCAN_TAG,
          "build-args": buildArgs(),
          "cache-from": cacheSettings(props)["cache-from"],
        },
      }),
      new Step({
        name: "Scan the image (Trivy)",
        uses: "aquasecurity/trivy-action",
        with: {
          "image-ref": SCAN_TAG,
          format: "json",
          output: "trivy-report.json",
          severity: "HIGH,CRITICAL",
          "exit-code": 0,
        },
      }),
      vulnerabilityGateStep(["trivy-report.json"]),
      new Step({
        name: `Smoke test: run the production image (${healthCheckPaths(props).paths.join(", ")}) and bring compose.yaml up`,
        env: {
          SMOKE_IMAGE: SCAN_TAG,
          APP_PORT: String(props.port ?? 8000),
          HEALTH_PATHS: healthCheckPaths(props).paths.join(" "),
        },
        run: scriptTemplate("smoke-test.sh"),
      }),
      new Step({
        name: "Generate the SBOM (CycloneDX)",
        uses: "aquasecurity/trivy-action",
        with: {
          "image-ref": SCAN_TAG,
          format: "cyclonedx",
          output: "sbom.cdx.json",
          "skip-setup-trivy": true,
        },
      }),
      new Step({
        name: "Keep the SBOM and the scan report",
        if: "always()",
        uses: "actions/upload-artifact",
        with: {
          name: "sbom-and-scan",
          path: "sbom.cdx.json\ntrivy-report.json",
          "if-no-files-found": "ignore",
          "retention-days": 90,
        },
      }),
    ],
  });
}
