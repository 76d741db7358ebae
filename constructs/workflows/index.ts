// The service repositories' GitHub Actions pipeline, modelled as typed objects (issue: pipeline as files).
import type { ManagedFile } from "../github/managed-file";

/** What a service's pipeline needs to know. Placeholder until the workflow model lands. */
export interface ServicePipelineProps {
  readonly serviceName: string;
}

/** The workflow files of one service repository. Placeholder: none yet. */
export function serviceWorkflowFiles(_props: ServicePipelineProps): ManagedFile[] {
  return [];
}

/**
 * The status checks branch rules require: exactly the CI workflow's job names, so the rules and
 * the workflow cannot drift apart. Placeholder until the workflow model lands.
 */
export function requiredStatusChecks(): string[] {
  return ["quality", "tests", "container"];
}

/**
 * The repository secrets the generated workflows read (Terraform Cloud token, notification
 * webhooks). The governance constructs declare them in every service repository, so a workflow
 * never references a secret that Terraform does not manage. Placeholder until the model lands.
 */
export function pipelineSecretNames(): string[] {
  return ["TF_API_TOKEN", "SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL"];
}
