import { Step } from "../step";
import { TERRAFORM_CLOUD, TOKEN_ENV } from "./terraform-cloud";

/**
 * Rolling (and canary): the service's one image variable gets the digest; the verification steps
 * run after the apply; rollback restores the previous value.
 */
export function rollingSteps(...verification: Step[]): Step[] {
  return [
    new Step({
      name: "Read the image running now",
      id: "current",
      env: TOKEN_ENV,
      run: `
image=$(${TERRAFORM_CLOUD} get-var "$IMAGE_VARIABLE")
echo "Running now: \${image:-the configured default}"
echo "image=$image" >> "$GITHUB_OUTPUT"
`.trimStart(),
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
      run: `
echo "::warning::Deployment of $DIGEST failed; rolling $SERVICE back to \${PREVIOUS_IMAGE:-the configured default image}"
${TERRAFORM_CLOUD} set-vars "$IMAGE_VARIABLE=$PREVIOUS_IMAGE"
${TERRAFORM_CLOUD} apply "Roll back $SERVICE to \${PREVIOUS_IMAGE:-the configured default image} after $DIGEST failed"
`.trimStart(),
    }),
  ];
}
