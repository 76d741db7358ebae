import { activeColorVariableName, imageVariableName, warmUntilVariableName } from "../../../lib/domain";
import { Job } from "../job";
import type { PipelineEnvironmentName, ServicePipelineProps } from "../pipeline-props";
import { Step } from "../step";
import { checkoutStep, registryLoginStep } from "../toolchain";
import { RUN_TIMEOUT_SECONDS } from "../repository-scripts";
import { BLUE_GREEN_RUNS, blueGreenSteps, DEFAULT_ACTIVE_COLOR } from "./blue-green-steps";
import { canaryStartStep, canaryWaitStep } from "./canary-steps";
import { checkSettingsStep, markVerifiedStep, requireStagingStep, verifySignatureStep } from "./gates";
import { healthCheckBudgetSeconds, healthCheckStep } from "./health-check";
import { notifyDeploymentStep, recordDeploymentStep, reportDeploymentStep } from "./records";
import { ROLLING_RUNS, rollingSteps } from "./rolling-steps";

/** Minutes a deploy job needs besides its waits: checkout, cosign, records, notification. */
const SETUP_MINUTES = 15;

/**
 * The job's time limit: every Terraform Cloud run it may start (each bounded by
 * `RUN_TIMEOUT_SECONDS`, the staging record included), the whole health check and the setup. The
 * rollback is the last run, so no wait before it can use up the time it needs: a job that hits its
 * time limit would skip the rollback.
 */
export function deploymentTimeoutMinutes(pipeline: ServicePipelineProps, name: PipelineEnvironmentName): number {
  const runs =
    (pipeline[name].strategy === "blue-green" ? BLUE_GREEN_RUNS : ROLLING_RUNS) + (name === "staging" ? 1 : 0);
  // A canary also waits for Flagger's verdict, between the deployment's run and the health check.
  const verdictSeconds = pipeline[name].canary?.verdictTimeoutSeconds ?? 0;
  return (
    Math.ceil((runs * RUN_TIMEOUT_SECONDS + verdictSeconds + healthCheckBudgetSeconds(pipeline)) / 60) + SETUP_MINUTES
  );
}

export interface DeploymentJobProps {
  readonly pipeline: ServicePipelineProps;
  readonly environment: PipelineEnvironmentName;
  /** The job that built, pushed and signed the image; its outputs are `digest` and `version`. */
  readonly publishJob: string;
  /** Jobs to wait for besides the publishing job. @default none */
  readonly after?: readonly string[];
  /** When the job runs, an expression. */
  readonly if: string;
}

/**
 * Deploys the digest the publishing job signed to one environment, through the environment's
 * Terraform Cloud workspace: never by editing the cluster, which the next apply would revert.
 * Verifies the signature first, checks `/health` and `/readiness` afterwards, rolls back on any
 * failure, records the result as a GitHub deployment carrying the digest, and notifies.
 */
export function deploymentJob(props: DeploymentJobProps): Job {
  const { pipeline, environment: name } = props;
  const environment = pipeline[name];
  const blueGreen = environment.strategy === "blue-green";
  const service = pipeline.serviceName;
  return new Job({
    name: `deploy ${name}`,
    needs: [props.publishJob, ...(props.after ?? [])],
    if: props.if,
    environment: environment.url === undefined ? { name } : { name, url: environment.url },
    // deployments: write records the deployment; packages: read lets cosign read the signature.
    permissions: { contents: "read", packages: "read", deployments: "write" },
    // One deployment per environment at a time from this repository; a second one waits.
    concurrency: { group: `deploy-${name}`, cancelInProgress: false },
    timeoutMinutes: deploymentTimeoutMinutes(pipeline, name),
    env: {
      SERVICE: service,
      IMAGE: pipeline.image,
      DIGEST: `\${{ needs.${props.publishJob}.outputs.digest }}`,
      VERSION: `\${{ needs.${props.publishJob}.outputs.version }}`,
      DEPLOY_ENVIRONMENT: name,
      ENVIRONMENT_URL: environment.url ?? "",
      RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
      TF_CLOUD_ORGANIZATION: "${{ vars.TF_CLOUD_ORGANIZATION }}",
      TF_CLOUD_HOSTNAME: "${{ vars.TF_CLOUD_HOSTNAME }}",
      TFC_WORKSPACE: environment.workspace,
      ...(blueGreen
        ? {
            IMAGE_VARIABLE_BLUE: imageVariableName(service, "blue"),
            IMAGE_VARIABLE_GREEN: imageVariableName(service, "green"),
            ACTIVE_COLOR_VARIABLE: activeColorVariableName(service),
            WARM_UNTIL_VARIABLE: warmUntilVariableName(service),
            // Set by the environment stack from environments.<env>.rollbackWindowMinutes.
            ROLLBACK_WINDOW_MINUTES: "${{ vars.ROLLBACK_WINDOW_MINUTES }}",
            // What the environment stack routes to while the variable is empty (config activeColor).
            DEFAULT_ACTIVE_COLOR: environment.defaultActiveColor ?? DEFAULT_ACTIVE_COLOR,
          }
        : { IMAGE_VARIABLE: imageVariableName(service) }),
    },
    steps: [
      checkoutStep(),
      checkSettingsStep(),
      ...(name === "production" ? [requireStagingStep(pipeline)] : []),
      new Step({ name: "Install cosign", uses: "sigstore/cosign-installer" }),
      registryLoginStep("read the image signature"),
      verifySignatureStep(pipeline, pipeline.signing ?? "keyless"),
      recordDeploymentStep(name === "production"),
      ...(environment.canary === undefined
        ? blueGreen
          ? blueGreenSteps(healthCheckStep(pipeline, name), deploymentTimeoutMinutes(pipeline, name))
          : rollingSteps(healthCheckStep(pipeline, name))
        : [
            canaryStartStep(),
            ...rollingSteps(canaryWaitStep(environment.canary.verdictTimeoutSeconds), healthCheckStep(pipeline, name)),
          ]),
      ...(name === "staging" ? [markVerifiedStep()] : []),
      reportDeploymentStep(),
      notifyDeploymentStep(),
    ],
  });
}
