import type { Construct } from "constructs";
import { DeploymentEnvironment } from "../constructs/github";
import { RestrictedNamespace } from "../constructs/kubernetes";
import type { DeliveryConfig, EnvironmentName } from "../lib/config";
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

    for (const service of config.services) {
      new DeploymentEnvironment(this, `${service.name}-environment`, {
        repository: service.repository,
        environment: environmentName,
        waitTimerMinutes: environment.approval.waitTimerMinutes,
      });
      deployableImages(this, config, service, environmentName);
    }
  }
}

/** The distinct registry hosts of the configured images, in a stable order. */
function registriesOf(config: DeliveryConfig): string[] {
  const hosts = config.services.map((service) => service.image.split("/")[0] ?? "ghcr.io");
  return [...new Set(hosts)].sort();
}
