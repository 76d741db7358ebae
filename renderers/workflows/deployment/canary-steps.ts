import { NOTIFY_SCRIPT_PATH } from "../repository-scripts";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";

/** The step id whose output `at` is when the release started (UTC). */
const START_STEP = "canary-start";

/**
 * Canary, before the Terraform Cloud run: notes when the release starts, so that the wait step
 * tells this release's verdict from an earlier one still on the Canary.
 */
export function canaryStartStep(): Step {
  return new Step({
    name: "Note when the canary release starts",
    id: START_STEP,
    run: 'echo "at=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_OUTPUT"',
  });
}

/**
 * Canary, after the Terraform Cloud run set the digest: waits for Flagger's verdict through the
 * Kubernetes API (`scripts/canary-wait.sh`), reporting each step in the job summary. A failure
 * leaves the previous digest serving; the rollback step then sets the image variable back.
 */
export function canaryWaitStep(timeoutSeconds: number): Step {
  return new Step({
    name: "Wait for Flagger's verdict on the canary (steps in the job summary)",
    id: "canary",
    env: {
      K8S_API_URL: "${{ vars.K8S_API_URL }}",
      K8S_CA_CERT: "${{ vars.K8S_CA_CERT }}",
      K8S_NAMESPACE: "${{ vars.K8S_NAMESPACE }}",
      K8S_TOKEN: "${{ secrets.K8S_CANARY_TOKEN }}",
      CANARY_SINCE: `\${{ steps.${START_STEP}.outputs.at }}`,
      CANARY_TIMEOUT_SECONDS: String(timeoutSeconds),
      NOTIFY_SCRIPT: NOTIFY_SCRIPT_PATH,
      SLACK_WEBHOOK_URL: "${{ secrets.SLACK_WEBHOOK_URL }}",
      DISCORD_WEBHOOK_URL: "${{ secrets.DISCORD_WEBHOOK_URL }}",
    },
    run: scriptTemplate("canary-wait.sh"),
  });
}
