import type { ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";

/** The platforms every image is built for. */
export const PLATFORMS = "linux/amd64,linux/arm64";

/**
 * The image's semantic version, from git (`scripts/version.sh`): `X.Y.Z` on a commit tagged
 * `vX.Y.Z`; on `release/X.Y.Z` the release candidate `X.Y.Z-rc.<commits since the last release
 * tag>`; elsewhere `<next patch>-dev.<commits since the last release tag>`.
 */
export function versionStep(): Step {
  return new Step({ name: "Derive the version from git", id: "version", run: scriptTemplate("version.sh") });
}

export function buildArgs(): string {
  // One image is promoted from staging to production, so APP_ENV names the build flavour (the
  // production stage), not the environment it will run in: that comes from runtime configuration.
  return ["VERSION=${{ steps.version.outputs.version }}", "APP_ENV=production"].join("\n");
}

export function cacheSettings(props: ServicePipelineProps): { "cache-from": string; "cache-to": string } {
  return {
    "cache-from": `type=gha,scope=${props.serviceName}`,
    "cache-to": `type=gha,mode=max,scope=${props.serviceName}`,
  };
}

/** Buildx with QEMU: one runner builds both platforms. */
export function builderSteps(): Step[] {
  return [
    new Step({ name: "Set up QEMU (arm64 emulation)", uses: "docker/setup-qemu-action", with: { platforms: "arm64" } }),
    new Step({ name: "Set up Docker Buildx", uses: "docker/setup-buildx-action" }),
  ];
}
