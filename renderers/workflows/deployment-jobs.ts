import { Job } from "./job";
import { NOTIFY_SCRIPT_PATH } from "./notify-script";
import type { PipelineEnvironmentName, ServicePipelineProps } from "./pipeline-props";
import { Step } from "./step";
import { TERRAFORM_CLOUD_SCRIPT_PATH } from "./terraform-cloud-script";
import { checkoutStep } from "./toolchain";
import { activeColorVariableName, DEPLOYMENT_COLORS, imageVariableName } from "../../lib/domain";

/** The service's CI/CD workflow; the signing identity of its images names this file. */
export const CI_WORKFLOW_FILE = ".github/workflows/ci.yml";

/**
 * The task of the GitHub deployments the pipeline records (the payload carries the digest). GitHub
 * also records a deployment of task `deploy` for every job with an `environment:`, without the
 * digest; the distinct task keeps the two apart.
 */
export const DEPLOYMENT_TASK = "deploy:image";

/** Who signs: GitHub's OIDC tokens, issued to workflow runs. */
export const OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** How long the health check waits for `/health` and `/readiness`: attempts x delay. */
export const HEALTH_CHECK = { attempts: 10, delaySeconds: 15 } as const;

/** The colour that serves when the active-colour variable is empty, unless the config names another. */
export const DEFAULT_ACTIVE_COLOR = DEPLOYMENT_COLORS[0];

const SCRIPT = `bash ${TERRAFORM_CLOUD_SCRIPT_PATH}`;
const DIGEST_PATTERN = "^sha256:[0-9a-f]{64}$";

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
      ...(blueGreen ? blueGreenSteps : rollingSteps)(healthCheckStep(pipeline, name)),
      reportDeploymentStep(),
      notifyDeploymentStep(),
    ],
  });
}

/** GHCR login with the job token, for pushing (publish) or reading signatures (deploy, scan). */
export function registryLoginStep(purpose: string, condition?: string): Step {
  return new Step({
    name: `Log in to GHCR (${purpose})`,
    ...(condition === undefined ? {} : { if: condition }),
    uses: "docker/login-action",
    with: { registry: "ghcr.io", username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" },
  });
}

function checkSettingsStep(): Step {
  return new Step({
    name: "Check the digest and the Terraform Cloud settings",
    env: { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" },
    run: `
if ! [[ $DIGEST =~ ${DIGEST_PATTERN} ]]; then
  echo "::error::The publish job produced no image digest (got '$DIGEST')"
  exit 1
fi
missing=0
if [ -z "$TF_CLOUD_ORGANIZATION" ]; then
  echo "::error::The repository variable TF_CLOUD_ORGANIZATION is not set. The github stack sets it when it is synthesized with TF_CLOUD_ORGANIZATION; with local state, set it (and TF_CLOUD_HOSTNAME for Terraform Enterprise) under Settings > Secrets and variables > Actions > Variables."
  missing=1
fi
if [ -z "$TF_API_TOKEN" ]; then
  echo "::error::The repository secret TF_API_TOKEN is not set: a Terraform Cloud team token allowed to set variables and start runs in workspace $TFC_WORKSPACE."
  missing=1
fi
exit "$missing"
`.trimStart(),
  });
}

function requireStagingStep(): Step {
  return new Step({
    name: "Require a successful staging deployment of this digest",
    env: { GH_TOKEN: "${{ github.token }}" },
    run: `
found=""
while read -r id; do
  if gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" --jq '.[].state' | grep -qx success; then
    found=$id
    break
  fi
done < <(gh api --paginate "repos/$GITHUB_REPOSITORY/deployments?environment=staging&task=${DEPLOYMENT_TASK}&per_page=100" |
  jq -r --arg digest "$DIGEST" '.[] | select(.payload.digest == $digest) | .id')
if [ -z "$found" ]; then
  echo "::error::No successful staging deployment of $IMAGE@$DIGEST: production only receives digests that passed staging"
  exit 1
fi
echo "Staging deployment $found of $DIGEST succeeded"
`.trimStart(),
  });
}

function verifySignatureStep(pipeline: ServicePipelineProps): Step {
  return new Step({
    name: "Verify the image signature (cosign, keyless)",
    env: {
      // Only this repository's CI workflow, on the ref being deployed, can have signed the digest.
      SIGNER: `https://github.com/${pipeline.owner}/${pipeline.repository}/${CI_WORKFLOW_FILE}@`,
      ISSUER: OIDC_ISSUER,
    },
    run: `
cosign verify "$IMAGE@$DIGEST" \\
  --certificate-identity "$SIGNER$GITHUB_REF" \\
  --certificate-oidc-issuer "$ISSUER" >/dev/null
echo "$IMAGE@$DIGEST is signed by $SIGNER$GITHUB_REF"
`.trimStart(),
  });
}

function recordDeploymentStep(production: boolean): Step {
  return new Step({
    name: "Record the deployment (GitHub deployment carrying the digest)",
    id: "record",
    env: { GH_TOKEN: "${{ github.token }}" },
    run: `
body=$(jq -n --arg ref "$GITHUB_SHA" --arg environment "$DEPLOY_ENVIRONMENT" --arg digest "$DIGEST" --arg version "$VERSION" \\
  '{ref: $ref, environment: $environment, task: "${DEPLOYMENT_TASK}", auto_merge: false, required_contexts: [],
    production_environment: ${production}, transient_environment: false, description: ("Image " + $version),
    payload: {digest: $digest, version: $version}}')
id=$(gh api --method POST "repos/$GITHUB_REPOSITORY/deployments" --input - --jq '.id' <<<"$body")
gh api --method POST "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" -f state=in_progress -f log_url="$RUN_URL" >/dev/null
echo "id=$id" >> "$GITHUB_OUTPUT"
`.trimStart(),
  });
}

const TOKEN_ENV = { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" } as const;

/** Rolling: the service's one image variable gets the digest; rollback restores the previous value. */
function rollingSteps(healthCheck: Step): Step[] {
  return [
    new Step({
      name: "Read the image running now",
      id: "current",
      env: TOKEN_ENV,
      run: `
image=$(${SCRIPT} get-var "$IMAGE_VARIABLE")
echo "Running now: \${image:-the configured default}"
echo "image=$image" >> "$GITHUB_OUTPUT"
`.trimStart(),
    }),
    new Step({
      name: "Deploy the digest (Terraform Cloud run; the apply waits for the rollout)",
      id: "deploy",
      env: TOKEN_ENV,
      run: `
${SCRIPT} set-vars "$IMAGE_VARIABLE=$DIGEST"
${SCRIPT} apply "Deploy $SERVICE $VERSION ($DIGEST) from $GITHUB_REPOSITORY@$GITHUB_SHA"
`.trimStart(),
    }),
    healthCheck,
    new Step({
      name: "Roll back to the previous image",
      if: "failure() && (steps.deploy.outcome == 'success' || steps.deploy.outcome == 'failure')",
      env: { ...TOKEN_ENV, PREVIOUS_IMAGE: "${{ steps.current.outputs.image }}" },
      run: `
echo "::warning::Deployment of $DIGEST failed; rolling $SERVICE back to \${PREVIOUS_IMAGE:-the configured default image}"
${SCRIPT} set-vars "$IMAGE_VARIABLE=$PREVIOUS_IMAGE"
${SCRIPT} apply "Roll back $SERVICE to \${PREVIOUS_IMAGE:-the configured default image} after $DIGEST failed"
`.trimStart(),
    }),
  ];
}

/**
 * Blue-green: the digest goes to the idle colour while the active one keeps serving; the apply
 * returns only once the idle rollout is ready (its readiness probe passes), which is the idle
 * colour's verification. Then one variable switches traffic, and the public health check runs.
 * Rollback switches traffic back and restores the idle colour's previous image.
 */
function blueGreenSteps(healthCheck: Step): Step[] {
  return [
    new Step({
      name: "Find the active and the idle colour",
      id: "colors",
      env: TOKEN_ENV,
      run: `
active_value=$(${SCRIPT} get-var "$ACTIVE_COLOR_VARIABLE")
active=\${active_value:-$DEFAULT_ACTIVE_COLOR}
case "$active" in
  blue) idle=green idle_variable=$IMAGE_VARIABLE_GREEN ;;
  green) idle=blue idle_variable=$IMAGE_VARIABLE_BLUE ;;
  *)
    echo "::error::$ACTIVE_COLOR_VARIABLE is '$active_value' in $TFC_WORKSPACE; expected blue, green or empty"
    exit 1
    ;;
esac
idle_image=$(${SCRIPT} get-var "$idle_variable")
echo "$active serves; deploying to $idle (its image now: \${idle_image:-the configured default})"
{
  echo "active-value=$active_value"
  echo "active=$active"
  echo "idle=$idle"
  echo "idle-variable=$idle_variable"
  echo "idle-image=$idle_image"
} >> "$GITHUB_OUTPUT"
`.trimStart(),
    }),
    new Step({
      name: "Deploy the digest to the idle colour (the apply waits until it is ready)",
      id: "idle",
      env: {
        ...TOKEN_ENV,
        IDLE: "${{ steps.colors.outputs.idle }}",
        IDLE_VARIABLE: "${{ steps.colors.outputs.idle-variable }}",
      },
      run: `
${SCRIPT} set-vars "$IDLE_VARIABLE=$DIGEST"
${SCRIPT} apply "Deploy $SERVICE $VERSION ($DIGEST) to the idle colour $IDLE"
`.trimStart(),
    }),
    new Step({
      name: "Switch traffic to the new colour",
      env: {
        ...TOKEN_ENV,
        ACTIVE: "${{ steps.colors.outputs.active }}",
        IDLE: "${{ steps.colors.outputs.idle }}",
      },
      run: `
${SCRIPT} set-vars "$ACTIVE_COLOR_VARIABLE=$IDLE"
${SCRIPT} apply "Switch $SERVICE traffic from $ACTIVE to $IDLE ($VERSION)"
`.trimStart(),
    }),
    healthCheck,
    new Step({
      name: "Roll back: traffic to the previous colour, its previous image to the idle one",
      if: "failure() && (steps.idle.outcome == 'success' || steps.idle.outcome == 'failure')",
      env: {
        ...TOKEN_ENV,
        ACTIVE: "${{ steps.colors.outputs.active }}",
        ACTIVE_VALUE: "${{ steps.colors.outputs.active-value }}",
        IDLE_VARIABLE: "${{ steps.colors.outputs.idle-variable }}",
        PREVIOUS_IDLE_IMAGE: "${{ steps.colors.outputs.idle-image }}",
      },
      run: `
echo "::warning::Deployment of $DIGEST failed; switching $SERVICE traffic back to $ACTIVE"
${SCRIPT} set-vars "$ACTIVE_COLOR_VARIABLE=$ACTIVE_VALUE" "$IDLE_VARIABLE=$PREVIOUS_IDLE_IMAGE"
${SCRIPT} apply "Roll back $SERVICE: traffic to $ACTIVE after $DIGEST failed"
`.trimStart(),
    }),
  ];
}

/** The paths checked on the environment URL when the props name none. */
export const DEFAULT_HEALTH_CHECK_PATHS = ["/health", "/readiness"] as const;

function healthCheckStep(pipeline: ServicePipelineProps, name: PipelineEnvironmentName): Step {
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
    run: `
for path in $HEALTH_PATHS; do
  attempt=1
  until status=$(curl --silent --output /dev/null --max-time 10 --write-out '%{http_code}' "$ENVIRONMENT_URL$path"); [[ $status == 2?? ]]; do
    if [ "$attempt" -ge ${HEALTH_CHECK.attempts} ]; then
      echo "::error::$ENVIRONMENT_URL$path answered HTTP \${status:-000} after $attempt attempts"
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep ${HEALTH_CHECK.delaySeconds}
  done
  echo "$ENVIRONMENT_URL$path: HTTP $status"
done
`.trimStart(),
  });
}

function reportDeploymentStep(): Step {
  return new Step({
    name: "Record the deployment result",
    if: "always() && steps.record.outputs.id != ''",
    env: {
      GH_TOKEN: "${{ github.token }}",
      DEPLOYMENT_ID: "${{ steps.record.outputs.id }}",
      JOB_STATUS: "${{ job.status }}",
    },
    run: `
case "$JOB_STATUS" in
  success) state=success ;;
  failure) state=failure ;;
  *) state=error ;;
esac
fields=(-f state="$state" -f log_url="$RUN_URL" -f description="$VERSION: $JOB_STATUS")
if [ -n "$ENVIRONMENT_URL" ]; then
  fields+=(-f environment_url="$ENVIRONMENT_URL")
fi
gh api --method POST "repos/$GITHUB_REPOSITORY/deployments/$DEPLOYMENT_ID/statuses" "\${fields[@]}" >/dev/null
`.trimStart(),
  });
}

function notifyDeploymentStep(): Step {
  return new Step({
    name: "Notify Slack and Discord",
    if: "always()",
    env: {
      JOB_STATUS: "${{ job.status }}",
      SLACK_WEBHOOK_URL: "${{ secrets.SLACK_WEBHOOK_URL }}",
      DISCORD_WEBHOOK_URL: "${{ secrets.DISCORD_WEBHOOK_URL }}",
    },
    run: `
case "$JOB_STATUS" in
  success) outcome="deployed" ;;
  failure) outcome="FAILED (a started rollout was rolled back)" ;;
  *) outcome="$JOB_STATUS" ;;
esac
bash ${NOTIFY_SCRIPT_PATH} "$SERVICE \${VERSION:-?} to $DEPLOY_ENVIRONMENT: $outcome. Image $IMAGE@\${DIGEST:-?} $RUN_URL"
`.trimStart(),
  });
}
