import type { PipelineEnvironmentName, ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";

/** How long the health check waits for `/health` and `/readiness`: attempts x delay. */
export const HEALTH_CHECK = { attempts: 10, delaySeconds: 15 } as const;

/** The paths checked on the environment URL when the props name none. */
export const DEFAULT_HEALTH_CHECK_PATHS = ["/health", "/readiness"] as const;

/** Each health path on the environment URL must answer 2xx within the retries (`scripts/health-check.sh`). */
export function healthCheckStep(pipeline: ServicePipelineProps, name: PipelineEnvironmentName): Step {
  const paths = pipeline.healthCheckPaths ?? DEFAULT_HEALTH_CHECK_PATHS;
  if (pipeline[name].url === undefined) {
    return new Step({
      name: "Health check (skipped: no URL configured)",
      run: `echo "::warning::No URL is configured for $SERVICE in ${name} (services[].environments.${name}.url): the public health check is skipped; only the rollout becoming ready verified this deployment"`,
    });
  }
  return new Step({
    name: `Health check (${paths.join(", ")}) with retries`,
    env: { HEALTH_PATHS: paths.join(" ") },
    run: scriptTemplate("health-check.sh", {
      ATTEMPTS: HEALTH_CHECK.attempts,
      DELAY_SECONDS: HEALTH_CHECK.delaySeconds,
    }),
  });
}
