import type { Construct } from "constructs";
import { ActionsSecrets, ActionsVariables, DeploymentEnvironment, RequiredReviewers } from "../constructs/github";
import { RestrictedNamespace } from "../constructs/kubernetes";
import {
  RELEASE_BRANCH_PATTERN,
  RELEASE_TAG_PATTERN,
  type DeliveryConfig,
  type EnvironmentConfig,
  type EnvironmentName,
  type ServiceConfig,
} from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider, kubernetesProvider, registryProvider } from "./providers";
import { deployableImages } from "./service-images";

export interface EnvironmentStackProps extends DeliveryStackProps {
  readonly config: DeliveryConfig;
  /** Which environment of the config this stack deploys. */
  readonly environment: EnvironmentName;
}

/**
 * One deployment environment (`staging` or `production`): its GitHub environment in every service
 * repository, the image lookup and the Kubernetes workloads. Instantiated once per environment
 * from the same config; the two stacks share no Terraform references.
 */
export class EnvironmentStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    const { config, environment: environmentName } = props;
    const environment = config.environments[environmentName];

    githubProvider(this, config.github.owner);
    kubernetesProvider(this);
    registryProvider(this, registriesOf(config));

    new RestrictedNamespace(this, "namespace", { name: environment.namespace });

    const { users, teams } = environment.approval.reviewers;
    // One lookup per reviewer for the whole stack, shared by every service's environment.
    const reviewers =
      users.length + teams.length > 0 ? new RequiredReviewers(this, "reviewers", { users, teams }) : undefined;
    for (const service of config.services) {
      const gate = new DeploymentEnvironment(this, `${service.name}-environment`, {
        repository: service.repository,
        environment: environmentName,
        waitTimerMinutes: environment.approval.waitTimerMinutes,
        reviewers,
        deploymentBranches: [
          environment.branch,
          // Production only takes a digest that staging ran first, so builds of the production
          // branch deploy to staging before they are promoted (see the deploy jobs).
          ...(environmentName === "staging" ? [config.environments.production.branch] : []),
          ...(environment.deployFrom.releaseBranches ? [RELEASE_BRANCH_PATTERN] : []),
        ],
        deploymentTags: environment.deployFrom.releaseTags ? [RELEASE_TAG_PATTERN] : [],
      });
      new ActionsSecrets(this, `${service.name}-environment-secrets`, {
        repository: service.repository,
        environment: gate.name,
        serviceName: service.name,
        names: service.secrets.environment,
      });
      new ActionsVariables(this, `${service.name}-environment-variables`, {
        repository: service.repository,
        environment: gate.name,
        variables: environmentVariables(service, environmentName, environment),
      });
      deployableImages(this, config, service, environmentName);
    }
  }
}

/**
 * The Actions variables of one service in one environment: the configured ones, then what the
 * pipeline must not repeat (the config rejects configured variables with these names).
 */
function environmentVariables(
  service: ServiceConfig,
  name: EnvironmentName,
  environment: EnvironmentConfig,
): Record<string, string> {
  const url = service.environments[name].url;
  return {
    ...service.variables.environment,
    ...service.environments[name].variables,
    IMAGE_NAME: service.image,
    K8S_NAMESPACE: environment.namespace,
    ...(url === undefined ? {} : { APP_URL: url }),
  };
}

/** The distinct registry hosts of the configured images, in a stable order. */
function registriesOf(config: DeliveryConfig): string[] {
  const hosts = config.services.map((service) => service.image.split("/")[0] ?? "ghcr.io");
  return [...new Set(hosts)].sort();
}
