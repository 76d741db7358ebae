import { ENVIRONMENT_NAMES, type EnvironmentName } from "./environments";

/**
 * The stacks, their ids and their Terraform Cloud workspaces. A stack id names its folder in
 * `cdktf.out/stacks/`, `cdktf deploy <id>`, its local state file `terraform.<id>.tfstate` and its
 * workspace `<prefix>-<id>`: changing a derivation here moves state, so it is a contract.
 *
 * One stack per service and concern keeps every plan small: a fleet of any size plans one
 * service's repository (`github-<service>`) or one service in one environment
 * (`<environment>-<service>`) at a time, and one failing resource blocks only its own service.
 * What is shared by an environment (`<environment>`) or needs a cluster-level credential
 * (`cluster-<environment>`) has its own stack, as has the local Docker environment.
 */

/** Everything of one service's repository: settings, rulesets, Actions settings, managed files. */
export function githubStackId(serviceName: string): string {
  return `github-${serviceName}`;
}

/** What every service of an environment shares in its namespace: network policies, pull secret. */
export function environmentStackId(environment: EnvironmentName): string {
  return environment;
}

/** One service in one environment: its GitHub deployment environment and its workloads. */
export function serviceEnvironmentStackId(environment: EnvironmentName, serviceName: string): string {
  return `${environment}-${serviceName}`;
}

/**
 * An environment's namespace and deployer Role, applied with a cluster-level credential. Named
 * `cluster-<environment>`, not `<environment>-cluster`, so that a glob of an environment's stacks
 * (`cdktf deploy 'production-*'`) holds only what the environment's own credential deploys.
 */
export function clusterStackId(environment: EnvironmentName): string {
  return `cluster-${environment}`;
}

/** Whether a stack is one of the cluster stacks, which no pipeline applies. */
export function isClusterStackId(stackId: string): boolean {
  return ENVIRONMENT_NAMES.some((environment) => stackId === clusterStackId(environment));
}

/** The local Docker environment, always with local state. */
export const DEVELOPMENT_STACK_ID = "development";

/** The Terraform Cloud workspace that holds a stack's state: one workspace per stack. */
export function workspaceName(workspacePrefix: string, stackId: string): string {
  return `${workspacePrefix}-${stackId}`;
}

/**
 * Terraform Cloud workspace names have at most 90 characters:
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/create#workspace-naming
 */
export const WORKSPACE_NAME_MAX_LENGTH = 90;
