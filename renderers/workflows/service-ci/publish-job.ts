import { SIGNING_KEY_SECRETS, type SigningMode } from "../../../lib/domain";
import { Job } from "../job";
import type { ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { CI_WORKFLOW_FILE } from "../service-paths";
import { Step } from "../step";
import { checkoutStep, registryLoginStep } from "../toolchain";
import { vulnerabilityGateStep, vulnerabilityLimitsEnv } from "./container-job";
import { builderSteps, buildArgs, cacheSettings, PLATFORMS, versionStep } from "./image-build";
import { mergeChecks } from "./merge-checks";

/** The Trivy report of each platform of the pushed digest. */
export function platformReport(platform: string): string {
  return `trivy-${platform.replace("/", "-")}.json`;
}

/**
 * Builds once and ships what was gated: every platform is pushed by digest without a tag, that
 * digest's images are scanned (each platform) against the vulnerability limits, then the same
 * digest is signed and tagged. Nothing is built after the gate, and the deploy jobs receive this
 * digest. Runs for pushes to the release refs (the workflow's push filter) and for manual runs on
 * them, never for pull requests or other branches.
 */
export function publishJob(props: ServicePipelineProps, releaseRefs: string): Job {
  const signing = props.signing ?? "keyless";
  return new Job({
    name: "publish",
    needs: Object.keys(mergeChecks(props)),
    if: `github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && (${releaseRefs}))`,
    // packages: write pushes to GHCR; id-token: write gets the OIDC token keyless cosign signs with.
    permissions: {
      contents: "read",
      packages: "write",
      ...(signing === "keyless" ? { "id-token": "write" as const } : {}),
    },
    timeoutMinutes: 60,
    outputs: {
      digest: "${{ steps.build.outputs.digest }}",
      version: "${{ steps.version.outputs.version }}",
    },
    env: { IMAGE: props.image, ...vulnerabilityLimitsEnv() },
    steps: [
      checkoutStep({ fullHistory: true }),
      versionStep(),
      new Step({
        name: "Labels (version, source, commit)",
        id: "meta",
        uses: "docker/metadata-action",
        with: { images: props.image, tags: "type=raw,value=${{ steps.version.outputs.image-tag }}" },
      }),
      ...builderSteps(),
      registryLoginStep("push"),
      new Step({
        name: `Build ${PLATFORMS.replace(",", " and ")} once and push by digest (no tag yet)`,
        id: "build",
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: PLATFORMS,
          outputs: `type=image,name=${props.image},push-by-digest=true,name-canonical=true,push=true`,
          labels: "${{ steps.meta.outputs.labels }}",
          "build-args": buildArgs(),
          provenance: "mode=max",
          sbom: true,
          ...cacheSettings(props),
        },
      }),
      ...PLATFORMS.split(",").map(
        (platform, index) =>
          new Step({
            name: `Scan the pushed digest, ${platform} (Trivy)`,
            uses: "aquasecurity/trivy-action",
            // Trivy reads each flag from TRIVY_<FLAG>: --platform picks one image of the index.
            env: { TRIVY_PLATFORM: platform },
            with: {
              "image-ref": `${props.image}@\${{ steps.build.outputs.digest }}`,
              format: "json",
              output: platformReport(platform),
              severity: "HIGH,CRITICAL",
              "exit-code": 0,
              ...(index > 0 ? { "skip-setup-trivy": true } : {}),
            },
          }),
      ),
      vulnerabilityGateStep(PLATFORMS.split(",").map(platformReport)),
      new Step({
        name: "Keep the scan reports of what ships",
        if: "always()",
        uses: "actions/upload-artifact",
        with: {
          name: "published-image-scan",
          path: PLATFORMS.split(",").map(platformReport).join("\n"),
          "if-no-files-found": "ignore",
          "retention-days": 90,
        },
      }),
      new Step({ name: "Install cosign", uses: "sigstore/cosign-installer" }),
      signStep(signing),
      new Step({
        name: "Tag the signed digest (version, commit; X.Y and latest for a final release)",
        env: {
          DIGEST: "${{ steps.build.outputs.digest }}",
          IMAGE_TAG: "${{ steps.version.outputs.image-tag }}",
          RELEASE: "${{ steps.version.outputs.release }}",
          MINOR: "${{ steps.version.outputs.minor }}",
        },
        run: scriptTemplate("tag-release.sh"),
      }),
    ],
  });
}

function signStep(signing: SigningMode): Step {
  if (signing === "key") {
    const [privateKey, password] = SIGNING_KEY_SECRETS;
    return new Step({
      name: "Sign the image by digest (cosign, repository key, no public transparency log)",
      env: {
        DIGEST: "${{ steps.build.outputs.digest }}",
        COSIGN_PRIVATE_KEY: `\${{ secrets.${privateKey} }}`,
        COSIGN_PASSWORD: `\${{ secrets.${password} }}`,
      },
      run: `
cosign sign --yes --key env://COSIGN_PRIVATE_KEY --tlog-upload=false "$IMAGE@$DIGEST"
echo "Signed $IMAGE@$DIGEST with the repository key" >> "$GITHUB_STEP_SUMMARY"
`.trimStart(),
    });
  }
  return new Step({
    name: "Sign the image by digest (cosign, keyless)",
    env: { DIGEST: "${{ steps.build.outputs.digest }}" },
    run: `
cosign sign --yes "$IMAGE@$DIGEST"
echo "Signed $IMAGE@$DIGEST as ${CI_WORKFLOW_FILE}@$GITHUB_REF" >> "$GITHUB_STEP_SUMMARY"
`.trimStart(),
  });
}
