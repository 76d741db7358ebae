import { SIGNING_KEY_SECRETS } from "../../lib/domain/image-signing";
import type { ManagedFile } from "../../lib/domain/managed-file";
import { PIPELINE_ENVIRONMENT_SECRET_NAMES, PIPELINE_REPOSITORY_SECRET_NAMES } from "../../lib/domain/reserved-names";
import { dependabotConfig } from "./dependabot";
import { validatePipelineProps, type ServicePipelineProps } from "./pipeline-props";
import {
  NOTIFY_SCRIPT_PATH,
  notifyScript,
  TERRAFORM_CLOUD_SCRIPT_PATH,
  terraformCloudScript,
} from "./repository-scripts";
import { securityScanWorkflow } from "./security-scan";
import { mergeChecks } from "./service-ci/merge-checks";
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
 * deployment jobs never do, so they cannot be required. CodeQL is one only where the repository
 * has code scanning (`codeScanning`, default true).
 */
export function requiredStatusChecks(features: Pick<ServicePipelineProps, "codeScanning"> = {}): string[] {
  return Object.values(mergeChecks(features));
}

/** Where each secret the generated workflows read is declared. */
export interface PipelineSecrets {
  /**
   * Repository secrets: readable by a workflow run of any branch, by anyone with write access, so
   * nothing here can change an environment (the notification webhooks; in `key` signing mode the
   * signing key, which alone deploys nothing).
   */
  readonly repository: readonly string[];
  /**
   * Secrets of each deployment environment (staging, production), each with that environment's
   * own value: a job receives them only after the environment's protection rules (required
   * reviewers, deployment branches and tags) passed. Every credential that can change an
   * environment: the Terraform Cloud token of its workspace.
   */
  readonly environment: readonly string[];
}

/**
 * The secrets the generated workflows read, by level. The governance constructs declare them (the
 * github stack the repository ones, each environment stack its own), so a workflow never
 * references a secret that Terraform does not manage.
 */
export function pipelineSecrets(props: Pick<ServicePipelineProps, "signing"> = {}): PipelineSecrets {
  return {
    repository: [...PIPELINE_REPOSITORY_SECRET_NAMES, ...(props.signing === "key" ? SIGNING_KEY_SECRETS : [])],
    environment: [...PIPELINE_ENVIRONMENT_SECRET_NAMES],
  };
}
