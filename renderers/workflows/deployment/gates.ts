import { type SigningMode } from "../../../lib/domain";
import type { ServicePipelineProps } from "../pipeline-props";
import { scriptTemplate } from "../script-template";
import { CI_WORKFLOW_FILE } from "../service-paths";
import { Step } from "../step";
import { DIGEST_PATTERN } from "./records";
import { TERRAFORM_CLOUD, TOKEN_ENV } from "./terraform-cloud";

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

/**
 * Production only receives a digest that passed staging: its newest run in the staging workspace
 * is the record the staging job leaves after the health check (`mark-verified`). Terraform Cloud
 * runs can be started only with a workspace token, which only protected jobs receive; GitHub
 * deployment records can be created by any job of any branch with `deployments: write`.
 */
export function requireStagingStep(pipeline: ServicePipelineProps): Step {
  return new Step({
    name: "Require this digest to have passed staging (Terraform Cloud record)",
    env: { ...TOKEN_ENV, STAGING_WORKSPACE: pipeline.staging.workspace },
    run: `TFC_WORKSPACE=$STAGING_WORKSPACE ${TERRAFORM_CLOUD} require-verified "$DIGEST"\n`,
  });
}

/** Staging's last step: the unforgeable record that this digest passed (see `requireStagingStep`). */
export function markVerifiedStep(): Step {
  return new Step({
    name: "Record in Terraform Cloud that this digest passed staging",
    env: TOKEN_ENV,
    run: `${TERRAFORM_CLOUD} mark-verified "$DIGEST"\n`,
  });
}

/**
 * The digest was signed by this repository's CI workflow on the ref being deployed (keyless), or
 * with the repository's signing key (key: `COSIGN_PUBLIC_KEY`; no transparency log, so nothing
 * about the repository is published).
 */
export function verifySignatureStep(pipeline: ServicePipelineProps, signing: SigningMode): Step {
  if (signing === "key") {
    return new Step({
      name: "Verify the image signature (cosign, repository key)",
      env: { COSIGN_PUBLIC_KEY: "${{ secrets.COSIGN_PUBLIC_KEY }}" },
      run: `
cosign verify "$IMAGE@$DIGEST" --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true >/dev/null
echo "$IMAGE@$DIGEST is signed with the repository's key"
`.trimStart(),
    });
  }
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
