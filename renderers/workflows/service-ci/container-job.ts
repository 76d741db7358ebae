import { Job } from "../job";
import type { ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";
import { checkoutStep } from "../toolchain";
import { builderSteps, buildArgs, cacheSettings, PLATFORMS, versionStep } from "./image-build";
import { MERGE_CHECKS } from "./merge-checks";

/** The Trivy gate of the container stage: any CRITICAL fails, more than five HIGH fail. */
export const VULNERABILITY_LIMITS = { CRITICAL: 0, HIGH: 5 } as const;

/** The image Trivy scans, loaded into the runner's Docker engine, never pushed. */
const SCAN_TAG = "scan/image:ci";

/** Builds every platform, scans the image against the vulnerability limits, keeps SBOM and report. */
export function containerJob(props: ServicePipelineProps): Job {
  return new Job({
    name: MERGE_CHECKS.container,
    // Builds code from the pull request, so it gets nothing but read access: pushing and signing
    // happen in the publish job, which never runs for pull requests.
    permissions: { contents: "read" },
    timeoutMinutes: 45,
    env: { MAX_CRITICAL: String(VULNERABILITY_LIMITS.CRITICAL), MAX_HIGH: String(VULNERABILITY_LIMITS.HIGH) },
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
      new Step({
        name: `Enforce the vulnerability limits (CRITICAL <= ${VULNERABILITY_LIMITS.CRITICAL}, HIGH <= ${VULNERABILITY_LIMITS.HIGH})`,
        run: scriptTemplate("vulnerability-gate.sh"),
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
