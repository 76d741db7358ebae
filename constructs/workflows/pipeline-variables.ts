import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { Construct } from "constructs";

/** The repository Actions variables the deploy jobs read to find Terraform Cloud. */
export const PIPELINE_VARIABLE_NAMES = ["TF_CLOUD_ORGANIZATION", "TF_CLOUD_HOSTNAME"] as const;

export interface PipelineVariablesProps {
  /** The service repository whose workflows read the variables. */
  readonly repository: string;
  /** The Terraform Cloud organization holding the environment workspaces. */
  readonly organization: string;
  /** @default "app.terraform.io" */
  readonly hostname?: string;
}

/**
 * Tells a service repository's deploy jobs where its environments' Terraform Cloud workspaces
 * are: the same organization and host the stacks themselves use. Not secret; the token is a
 * secret (`TF_API_TOKEN`) declared with the other repository secrets.
 */
export class PipelineVariables extends Construct {
  constructor(scope: Construct, id: string, props: PipelineVariablesProps) {
    super(scope, id);
    const values: Record<(typeof PIPELINE_VARIABLE_NAMES)[number], string> = {
      TF_CLOUD_ORGANIZATION: props.organization,
      TF_CLOUD_HOSTNAME: props.hostname ?? "app.terraform.io",
    };
    for (const name of PIPELINE_VARIABLE_NAMES) {
      new ActionsVariable(this, name, { repository: props.repository, variableName: name, value: values[name] });
    }
  }
}
