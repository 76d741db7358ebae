// The service repositories' GitHub Actions pipeline, modelled as typed objects and rendered to
// files committed to each repository, and this project's own pipeline from the same model.
import type { ManagedFile } from "../../lib/domain/managed-file";
import { dependabotConfig } from "./dependabot";
import { CI_WORKFLOW_FILE } from "./deployment-jobs";
import { NOTIFY_SCRIPT_PATH, notifyScript, WEBHOOK_SECRETS } from "./notify-script";
import { validatePipelineProps, type ServicePipelineProps } from "./pipeline-props";
import { MERGE_CHECKS, serviceCiWorkflow } from "./service-ci";
import { securityScanWorkflow } from "./security-scan";
import { TERRAFORM_CLOUD_SCRIPT_PATH, terraformCloudScript } from "./terraform-cloud-script";

export * from "./cron";
export * from "./job";
export * from "./pins";
export * from "./pipeline-props";
export * from "./pipeline-variables";
export * from "./project-pipeline";
export * from "./step";
export * from "./workflow";
export { CI_WORKFLOW_FILE, DEFAULT_ACTIVE_COLOR, DEPLOYMENT_TASK, HEALTH_CHECK } from "./deployment-jobs";
export { DEPENDABOT_COOLDOWN_DAYS, DEPENDABOT_ECOSYSTEMS } from "./dependabot";
export { MERGE_CHECKS, VULNERABILITY_LIMITS } from "./service-ci";
export { WEEKLY_SCAN_CRON } from "./security-scan";
export { TERMINAL_RUN_STATES, TERRAFORM_CLOUD_SCRIPT_PATH } from "./terraform-cloud-script";
export { NOTIFY_SCRIPT_PATH } from "./notify-script";

/** Where the service pipeline's workflows are written in the repository. */
export const SERVICE_WORKFLOW_PATHS = {
  ci: CI_WORKFLOW_FILE,
  securityScan: ".github/workflows/security-scan.yml",
} as const;

/**
 * The pipeline files of one service repository: the CI/CD workflow, the weekly security scan,
 * Dependabot's configuration, and the two scripts the workflows run (Terraform Cloud API calls,
 * notifications). Throws for props the pipeline cannot serve.
 */
export function serviceWorkflowFiles(props: ServicePipelineProps): ManagedFile[] {
  validatePipelineProps(props);
  return [
    { path: SERVICE_WORKFLOW_PATHS.ci, content: serviceCiWorkflow(props).toYaml() },
    { path: SERVICE_WORKFLOW_PATHS.securityScan, content: securityScanWorkflow(props).toYaml() },
    { path: ".github/dependabot.yml", content: dependabotConfig() },
    { path: TERRAFORM_CLOUD_SCRIPT_PATH, content: terraformCloudScript() },
    { path: NOTIFY_SCRIPT_PATH, content: notifyScript() },
  ];
}

/**
 * The status checks branch rules require: exactly the `name:` of each CI job that gates a merge,
 * as GitHub reports it (no matrix suffix). They run on every pull request; the publishing and
 * deployment jobs never do, so they cannot be required.
 */
export function requiredStatusChecks(): string[] {
  return Object.values(MERGE_CHECKS);
}

/**
 * The repository secrets the generated workflows read: the Terraform Cloud token and the
 * notification webhooks. The governance constructs declare them in every service repository,
 * so a workflow never references a secret that Terraform does not manage.
 */
export function pipelineSecretNames(): string[] {
  return ["TF_API_TOKEN", ...WEBHOOK_SECRETS];
}
