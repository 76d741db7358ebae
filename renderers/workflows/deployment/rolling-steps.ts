import { TERRAFORM_CLOUD_SCRIPT_PATH } from "../repository-scripts";
import { scriptTemplate } from "../script-template";
import { Step } from "../step";
import { DIGEST_PATTERN } from "./records";
import { TERRAFORM_CLOUD, TOKEN_ENV } from "./terraform-cloud";

/** Terraform Cloud runs a rolling (or canary) deployment may start: the deployment and its rollback. */
export const ROLLING_RUNS = 2;

/**
 * Rolling (and canary): the service's one image variable gets the digest; the verification steps
 * (the health check; for a canary, Flagger's verdict first) run after the apply; rollback
 * restores the exact value read before (`scripts/rolling-current.sh`, `scripts/rolling-rollback.sh`).
 */
export function rollingSteps(...verification: Step[]): Step[] {
  return [
    new Step({
      name: "Read the image running now",
      id: "current",
      env: TOKEN_ENV,
      run: scriptTemplate("rolling-current.sh", {
        TERRAFORM_CLOUD_SCRIPT: TERRAFORM_CLOUD_SCRIPT_PATH,
        DIGEST_PATTERN,
      }),
    }),
    new Step({
      name: "Deploy the digest (Terraform Cloud run; the apply waits for the rollout)",
      id: "deploy",
      env: TOKEN_ENV,
      run: `
${TERRAFORM_CLOUD} set-vars "$IMAGE_VARIABLE=$DIGEST"
${TERRAFORM_CLOUD} apply "Deploy $SERVICE $VERSION ($DIGEST) from $GITHUB_REPOSITORY@$GITHUB_SHA"
`.trimStart(),
    }),
    ...verification,
    new Step({
      name: "Roll back to the previous image",
      if: "failure() && (steps.deploy.outcome == 'success' || steps.deploy.outcome == 'failure')",
      env: { ...TOKEN_ENV, PREVIOUS_IMAGE: "${{ steps.current.outputs.image }}" },
      run: scriptTemplate("rolling-rollback.sh", { TERRAFORM_CLOUD_SCRIPT: TERRAFORM_CLOUD_SCRIPT_PATH }),
    }),
  ];
}
