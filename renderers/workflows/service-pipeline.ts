import type { ManagedFile } from "../../lib/domain/managed-file";
import { PIPELINE_SECRET_NAMES } from "../../lib/domain/reserved-names";
import { dependabotConfig } from "./dependabot";
import { validatePipelineProps, type ServicePipelineProps } from "./pipeline-props";
import {
  NOTIFY_SCRIPT_PATH,
  notifyScript,
  TERRAFORM_CLOUD_SCRIPT_PATH,
  terraformCloudScript,
} from "./repository-scripts";
import { securityScanWorkflow } from "./security-scan";
import { MERGE_CHECKS } from "./service-ci/merge-checks";
import { serviceCiWorkflow } from "./service-ci/workflow";
import { SERVICE_WORKFLOW_PATHS } from "./service-paths";

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
  return [...PIPELINE_SECRET_NAMES];
}
