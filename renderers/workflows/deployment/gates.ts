import type { ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { CI_WORKFLOW_FILE } from "../service-paths";
import { Step } from "../step";
import { DEPLOYMENT_TASK, DIGEST_PATTERN } from "./records";
import { TOKEN_ENV } from "./terraform-cloud";

/** Who signs: GitHub's OIDC tokens, issued to workflow runs. */
export const OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** A digest from the publish job, and the Terraform Cloud settings (`scripts/deploy-settings.sh`). */
export function checkSettingsStep(): Step {
  return new Step({
    name: "Check the digest and the Terraform Cloud settings",
    env: TOKEN_ENV,
    run: scriptTemplate("deploy-settings.sh", { DIGEST_PATTERN }),
  });
}

/** Production only receives digests that passed staging (`scripts/require-staging.sh`). */
export function requireStagingStep(): Step {
  return new Step({
    name: "Require a successful staging deployment of this digest",
    env: { GH_TOKEN: "${{ github.token }}" },
    run: scriptTemplate("require-staging.sh", { DEPLOYMENT_TASK }),
  });
}

export function verifySignatureStep(pipeline: ServicePipelineProps): Step {
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
