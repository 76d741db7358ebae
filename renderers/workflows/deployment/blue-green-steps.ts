import { DEPLOYMENT_COLORS } from "../../../lib/domain";
import { TERRAFORM_CLOUD_SCRIPT_PATH } from "../repository-scripts";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";
import { DIGEST_PATTERN } from "./records";
import { TERRAFORM_CLOUD, TOKEN_ENV } from "./terraform-cloud";

/** The colour that serves when the active-colour variable is empty, unless the config names another. */
export const DEFAULT_ACTIVE_COLOR = DEPLOYMENT_COLORS[0];

/** Terraform Cloud runs a blue-green deployment may start: idle colour, switch, rollback. */
export const BLUE_GREEN_RUNS = 3;

/**
 * Bash for the RFC 3339 time (UTC) `minutes` (a variable name, or a number) from now: epoch
 * arithmetic, printed by GNU date (`-d @<seconds>`), as on GitHub's Ubuntu runners.
 */
function minutesFromNow(minutes: string): string {
  return `$(date -u -d "@$(($(date -u +%s) + ${minutes} * 60))" +%Y-%m-%dT%H:%M:%SZ)`;
}

/**
 * Blue-green: the digest goes to the idle colour while the active one keeps serving; the apply
 * returns only once the idle rollout is ready (its readiness probe passes), which is the idle
 * colour's verification. Then one variable switches traffic, and the public health check runs.
 * Rollback restores the exact values read before anything changed: the active-colour variable
 * (empty stays empty), the idle colour's image (empty when that colour had none) and the
 * warm-until time.
 *
 * Replica counts: the job never reads the cluster. It sets the warm-until variable, and every plan
 * before that time holds both colours' autoscaler floor at the live size, which the stack reads
 * from the cluster itself (constructs/kubernetes/warm-standby.ts). Before the idle deploy the time
 * covers the whole job (`deploymentMinutes`), so the idle colour comes up at the live colour's
 * size; once the switch is applied it becomes the end of the rollback window
 * (`ROLLBACK_WINDOW_MINUTES` after the switch), so the previous colour stays warm for a rollback.
 * No run is started for the window's end: the first plan after it (the next deploy, or any run
 * started in Terraform Cloud) lowers the floor, and no job waits for the window to pass.
 */
export function blueGreenSteps(healthCheck: Step, deploymentMinutes: number): Step[] {
  return [
    new Step({
      name: "Find the active and the idle colour",
      id: "colors",
      env: TOKEN_ENV,
      run: scriptTemplate("blue-green-colors.sh", {
        TERRAFORM_CLOUD_SCRIPT: TERRAFORM_CLOUD_SCRIPT_PATH,
        DIGEST_PATTERN,
      }),
    }),
    new Step({
      name: "Deploy the digest to the idle colour (the apply waits until it is ready)",
      id: "idle",
      env: {
        ...TOKEN_ENV,
        IDLE: "${{ steps.colors.outputs.idle }}",
        IDLE_VARIABLE: "${{ steps.colors.outputs.idle-variable }}",
      },
      // Warm until the job's time limit: the idle colour comes up at the live size, and the
      // switch (in this job) lands there before the hold can lapse.
      run: `
${TERRAFORM_CLOUD} set-vars "$IDLE_VARIABLE=$DIGEST" "$WARM_UNTIL_VARIABLE=${minutesFromNow(String(deploymentMinutes))}"
${TERRAFORM_CLOUD} apply "Deploy $SERVICE $VERSION ($DIGEST) to the idle colour $IDLE"
`.trimStart(),
    }),
    new Step({
      name: "Switch traffic to the new colour; keep the previous one warm for the rollback window",
      env: {
        ...TOKEN_ENV,
        ACTIVE: "${{ steps.colors.outputs.active }}",
        IDLE: "${{ steps.colors.outputs.idle }}",
      },
      run: `
${TERRAFORM_CLOUD} set-vars "$ACTIVE_COLOR_VARIABLE=$IDLE"
${TERRAFORM_CLOUD} apply "Switch $SERVICE traffic from $ACTIVE to $IDLE ($VERSION, $DIGEST)"
${TERRAFORM_CLOUD} set-vars "$WARM_UNTIL_VARIABLE=${minutesFromNow("ROLLBACK_WINDOW_MINUTES")}"
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
        PREVIOUS_WARM_UNTIL: "${{ steps.colors.outputs.warm-until }}",
      },
      run: `
echo "::warning::Deployment of $DIGEST failed; switching $SERVICE traffic back to $ACTIVE"
${TERRAFORM_CLOUD} set-vars "$ACTIVE_COLOR_VARIABLE=$ACTIVE_VALUE" "$IDLE_VARIABLE=$PREVIOUS_IDLE_IMAGE" "$WARM_UNTIL_VARIABLE=$PREVIOUS_WARM_UNTIL"
${TERRAFORM_CLOUD} apply "Roll back $SERVICE: traffic to $ACTIVE after $DIGEST failed"
`.trimStart(),
    }),
  ];
}
