import type { PIPELINE_VARIABLE_NAMES } from "../../lib/domain/reserved-names";

export interface TerraformCloudLocation {
  /** The Terraform Cloud organization holding the environment workspaces. */
  readonly organization: string;
  /** @default "app.terraform.io" */
  readonly hostname?: string;
}

/**
 * The repository variables that tell a service's deploy jobs where its environments' Terraform
 * Cloud workspaces are: the same organization and host the stacks themselves use. Not secret; the
 * token is a secret (`TF_API_TOKEN`) declared with the other repository secrets.
 */
export function pipelineVariables(
  location: TerraformCloudLocation,
): Record<(typeof PIPELINE_VARIABLE_NAMES)[number], string> {
  return {
    TF_CLOUD_ORGANIZATION: location.organization,
    TF_CLOUD_HOSTNAME: location.hostname ?? "app.terraform.io",
  };
}
