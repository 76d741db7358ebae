import { activeColorVariableName, imageVariableName } from "../../../lib/domain";
import { Job } from "../job";
import type { PipelineEnvironmentName, ServicePipelineProps } from "../pipeline-props";
import { Step } from "../step";
import { checkoutStep, registryLoginStep } from "../toolchain";
import { blueGreenSteps, DEFAULT_ACTIVE_COLOR } from "./blue-green-steps";
import { canaryStartStep, canaryWaitStep } from "./canary-steps";
import { checkSettingsStep, requireStagingStep, verifySignatureStep } from "./gates";
import { healthCheckStep } from "./health-check";
import { notifyDeploymentStep, recordDeploymentStep, reportDeploymentStep } from "./records";
import { rollingSteps } from "./rolling-steps";

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
    timeoutMinutes: 90,
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
            // What the environment stack routes to while the variable is empty (config activeColor).
            DEFAULT_ACTIVE_COLOR: environment.defaultActiveColor ?? DEFAULT_ACTIVE_COLOR,
          }
        : { IMAGE_VARIABLE: imageVariableName(service) }),
    },
    steps: [
      checkoutStep(),
      checkSettingsStep(),
      ...(name === "production" ? [requireStagingStep()] : []),
      new Step({ name: "Install cosign", uses: "sigstore/cosign-installer" }),
      registryLoginStep("read the image signature"),
      verifySignatureStep(pipeline),
      recordDeploymentStep(name === "production"),
      ...(environment.canary === undefined
        ? (blueGreen ? blueGreenSteps : rollingSteps)(healthCheckStep(pipeline, name))
        : [
            canaryStartStep(),
            ...rollingSteps(canaryWaitStep(environment.canary.verdictTimeoutSeconds), healthCheckStep(pipeline, name)),
          ]),
      reportDeploymentStep(),
      notifyDeploymentStep(),
    ],
  });
}
