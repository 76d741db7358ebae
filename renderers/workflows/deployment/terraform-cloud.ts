import { RUN_TIMEOUT_SECONDS, TERRAFORM_CLOUD_SCRIPT_PATH } from "../repository-scripts";

/** The command the deploy steps run to reach the environment's Terraform Cloud workspace. */
export const TERRAFORM_CLOUD = `bash ${TERRAFORM_CLOUD_SCRIPT_PATH}`;

/**
 * The token of the steps that call Terraform Cloud: an environment secret, so it reaches the job
 * only after the environment's protection rules (reviewers, deployment branches) passed.
 */
export const TOKEN_ENV = {
  TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}",
  TFC_RUN_TIMEOUT_SECONDS: String(RUN_TIMEOUT_SECONDS),
} as const;
