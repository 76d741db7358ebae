import { NOTIFY_SCRIPT_PATH } from "../repository-scripts";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";

/**
 * The task of the GitHub deployments the pipeline records (the payload carries the digest). GitHub
 * also records a deployment of task `deploy` for every job with an `environment:`, without the
 * digest; the distinct task keeps the two apart.
 */
export const DEPLOYMENT_TASK = "deploy:image";

/** An image digest as the registry reports it: the only form a deployment accepts. */
export const DIGEST_PATTERN = "^sha256:[0-9a-f]{64}$";

/** Opens a GitHub deployment carrying the digest and version, in progress (`scripts/record-deployment.sh`). */
export function recordDeploymentStep(production: boolean): Step {
  return new Step({
    name: "Record the deployment (GitHub deployment carrying the digest)",
    id: "record",
    env: { GH_TOKEN: "${{ github.token }}" },
    run: scriptTemplate("record-deployment.sh", {
      DEPLOYMENT_TASK,
      PRODUCTION_ENVIRONMENT: production,
    }),
  });
}

/** Sets the recorded deployment's final state from the job's status (`scripts/report-deployment.sh`). */
export function reportDeploymentStep(): Step {
  return new Step({
    name: "Record the deployment result",
    if: "always() && steps.record.outputs.id != ''",
    env: {
      GH_TOKEN: "${{ github.token }}",
      DEPLOYMENT_ID: "${{ steps.record.outputs.id }}",
      JOB_STATUS: "${{ job.status }}",
    },
    run: scriptTemplate("report-deployment.sh"),
  });
}

export function notifyDeploymentStep(): Step {
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
