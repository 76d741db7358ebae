import { TERRAFORM_CLOUD_SCRIPT_PATH } from "../repository-scripts";

/** The command the deploy steps run to reach the environment's Terraform Cloud workspace. */
export const TERRAFORM_CLOUD = `bash ${TERRAFORM_CLOUD_SCRIPT_PATH}`;

/** The token of the steps that call Terraform Cloud. */
export const TOKEN_ENV = { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" } as const;
