import { Job } from "../job";
import type { ServicePipelineProps } from "../pipeline-props";
import { CI_WORKFLOW_FILE } from "../service-paths";
import { Step } from "../step";
import { checkoutStep, registryLoginStep } from "../toolchain";
import { builderSteps, buildArgs, cacheSettings, PLATFORMS, versionStep } from "./image-build";
import { MERGE_CHECKS } from "./merge-checks";

/** Pushes every platform to GHCR with SBOM and provenance, and signs the digest with cosign. */
export function publishJob(props: ServicePipelineProps): Job {
  return new Job({
    name: "publish",
    needs: Object.keys(MERGE_CHECKS),
    // Pull requests never publish: only pushes and manual runs (both need write access).
    if: "github.event_name == 'push' || github.event_name == 'workflow_dispatch'",
    // packages: write pushes to GHCR; id-token: write gets the OIDC token cosign signs with.
    permissions: { contents: "read", packages: "write", "id-token": "write" },
    timeoutMinutes: 60,
    outputs: {
      digest: "${{ steps.build.outputs.digest }}",
      version: "${{ steps.version.outputs.version }}",
    },
    env: { IMAGE: props.image },
    steps: [
      checkoutStep({ fullHistory: true }),
      versionStep(),
      new Step({
        name: "Tags and labels (semantic version, branch, commit)",
        id: "meta",
        uses: "docker/metadata-action",
        with: {
          images: props.image,
          tags: [
            "type=semver,pattern={{version}},value=${{ steps.version.outputs.version }}",
            "type=semver,pattern={{major}}.{{minor}},value=${{ steps.version.outputs.version }}",
            "type=ref,event=branch",
            "type=sha,format=long",
          ].join("\n"),
        },
      }),
      ...builderSteps(),
      registryLoginStep("push"),
      new Step({
        name: `Build and push ${PLATFORMS.replace(",", " and ")}`,
        id: "build",
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: PLATFORMS,
          push: true,
          tags: "${{ steps.meta.outputs.tags }}",
          labels: "${{ steps.meta.outputs.labels }}",
          "build-args": buildArgs(),
          provenance: "mode=max",
          sbom: true,
          ...cacheSettings(props),
        },
      }),
      new Step({ name: "Install cosign", uses: "sigstore/cosign-installer" }),
      new Step({
        name: "Sign the image by digest (cosign, keyless)",
        env: { DIGEST: "${{ steps.build.outputs.digest }}" },
        run: `
cosign sign --yes "$IMAGE@$DIGEST"
echo "Signed $IMAGE@$DIGEST as ${CI_WORKFLOW_FILE}@$GITHUB_REF" >> "$GITHUB_STEP_SUMMARY"
`.trimStart(),
      }),
    ],
  });
}
