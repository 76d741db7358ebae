import type { PipelineEnvironmentName, ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";

/** How long the health check waits for each path: attempts x (delay + the 10 s request limit). */
export const HEALTH_CHECK = { attempts: 10, delaySeconds: 15, requestSeconds: 10 } as const;

/** The paths checked on the environment URL when the props name none. */
export const DEFAULT_HEALTH_CHECK_PATHS = ["/health", "/readiness", "/liveness"] as const;

/** The paths the health check requests, the version check included. */
export function healthCheckPaths(pipeline: ServicePipelineProps): { paths: readonly string[]; versionPath: string } {
  const paths = pipeline.healthCheckPaths ?? DEFAULT_HEALTH_CHECK_PATHS;
  return { paths, versionPath: pipeline.versionPath ?? paths[0] ?? DEFAULT_HEALTH_CHECK_PATHS[0] };
}

/** The longest the health check can take, in seconds. */
export function healthCheckBudgetSeconds(pipeline: ServicePipelineProps): number {
  const requests = healthCheckPaths(pipeline).paths.length + 1;
  return requests * HEALTH_CHECK.attempts * (HEALTH_CHECK.delaySeconds + HEALTH_CHECK.requestSeconds);
}

/**
 * Each health path on the environment URL must answer 2xx within the retries, and the version
 * path must name the version just deployed (`scripts/health-check.sh`).
 */
export function healthCheckStep(pipeline: ServicePipelineProps, name: PipelineEnvironmentName): Step {
  const { paths, versionPath } = healthCheckPaths(pipeline);
  if (pipeline[name].url === undefined) {
    return new Step({
      name: "Health check (skipped: no URL configured)",
      run: `echo "::warning::No URL is configured for $SERVICE in ${name} (services[].environments.${name}.url): the public health check is skipped; only the rollout becoming ready verified this deployment"`,
    });
  }
  return new Step({
    name: `Health check (${paths.join(", ")}; ${versionPath} names the version) with retries`,
    env: {
      HEALTH_PATHS: paths.join(" "),
      VERSION_PATH: versionPath,
      HEALTH_ATTEMPTS: String(HEALTH_CHECK.attempts),
      HEALTH_DELAY_SECONDS: String(HEALTH_CHECK.delaySeconds),
      HEALTH_REQUEST_SECONDS: String(HEALTH_CHECK.requestSeconds),
    },
    run: scriptTemplate("health-check.sh"),
  });
}
