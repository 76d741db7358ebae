// The service repositories' GitHub Actions pipeline, modelled as typed objects and rendered to
// files, and this project's own pipeline from the same model. Re-exports only.
export * from "./cron";
export * from "./job";
export * from "./pins";
export * from "./pipeline-props";
export * from "./pipeline-variables";
export * from "./project-pipeline";
export * from "./step";
export * from "./workflow";
export { pipelineSecrets, requiredStatusChecks, serviceWorkflowFiles, type PipelineSecrets } from "./service-pipeline";
export { CI_WORKFLOW_FILE, SERVICE_WORKFLOW_PATHS } from "./service-paths";
export { DEFAULT_ACTIVE_COLOR } from "./deployment/blue-green-steps";
export { HEALTH_CHECK } from "./deployment/health-check";
export { DEPLOYMENT_TASK } from "./deployment/records";
export { DEPENDABOT_COOLDOWN_DAYS, DEPENDABOT_ECOSYSTEMS } from "./dependabot";
export { MERGE_CHECKS } from "./service-ci/merge-checks";
export { VULNERABILITY_LIMITS } from "./service-ci/container-job";
export { WEEKLY_SCAN_CRON } from "./security-scan";
export { NOTIFY_SCRIPT_PATH, TERMINAL_RUN_STATES, TERRAFORM_CLOUD_SCRIPT_PATH } from "./repository-scripts";
