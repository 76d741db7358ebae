import type { Construct } from "constructs";
import { ServiceImage } from "../constructs/docker";
import { DeploymentEnvironment } from "../constructs/github";
import {
  NamespaceNetworkPolicies,
  RegistryPullSecret,
  RestrictedNamespace,
  ServiceSettings,
  WebService,
  type BlueGreenRollout,
  type RollingRollout,
} from "../constructs/kubernetes";
import type { DeploymentColor } from "../constructs/terraform";
import type { DeliveryConfig, EnvironmentName, ServiceConfig } from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider, kubernetesProvider, registryCredentials, registryProvider } from "./providers";

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

    const namespace = new RestrictedNamespace(this, "namespace", {
      name: environment.namespace,
      quota: environment.quota,
      limitRange: environment.limitRange,
    });
    new NamespaceNetworkPolicies(this, "network-policies", {
      namespace: namespace.name,
      egress: environment.network.egress,
    });
    const registry = registryCredentials(this);
    const pullSecret = new RegistryPullSecret(this, "registry-credentials", {
      namespace: namespace.name,
      registries: registriesOf(config),
      username: registry.username.stringValue,
      password: registry.password.stringValue,
    });

    for (const service of config.services) {
      new DeploymentEnvironment(this, `${service.name}-environment`, {
        repository: service.repository,
        environment: environmentName,
        waitTimerMinutes: environment.approval.waitTimerMinutes,
      });

      // Placeholder wiring until the images work lands: the environment's branch name as tag.
      // TODO(images): resolve each image from its deployment variable, imageVariableName(service)
      // in a rolling environment and imageVariableName(service, color) per colour in blue-green.
      const image = (color?: DeploymentColor): string =>
        new ServiceImage(this, color === undefined ? `${service.name}-image` : `${service.name}-image-${color}`, {
          repository: service.image,
          tag: environment.branch,
        }).reference;
      const rollout: RollingRollout | BlueGreenRollout =
        environment.strategy === "blue-green"
          ? {
              strategy: "blue-green",
              images: { blue: image("blue"), green: image("green") },
              defaultActiveColor: environment.activeColor,
            }
          : { strategy: "rolling", image: image() };

      const settings = new ServiceSettings(this, `${service.name}-settings`, {
        serviceName: service.name,
        namespace: namespace.name,
        environment: environmentName,
        port: service.port,
        settings: settingsOf(service, environmentName),
        secretNames: service.secrets.environment,
      });
      new WebService(this, `${service.name}-workload`, {
        name: service.name,
        namespace: namespace.name,
        rollout,
        port: service.port,
        healthPaths: service.healthPaths,
        resources: service.resources,
        replicas: service.environments[environmentName].replicas,
        autoscaling: service.autoscaling,
        shutdown: service.shutdown,
        ingressNamespace: environment.network.ingressNamespace,
        configMapName: settings.configMap.metadata.name,
        secretName: settings.secret?.metadata.name,
        settingsChecksum: settings.checksum,
        pullSecretName: pullSecret.name,
      });
    }
  }
}

/** The distinct registry hosts of the configured images, in a stable order. */
function registriesOf(config: DeliveryConfig): string[] {
  const hosts = config.services.map((service) => service.image.split("/")[0] ?? "ghcr.io");
  return [...new Set(hosts)].sort();
}

/**
 * The app's non-secret settings in one environment: the same variables its GitHub deployment
 * environment gets, the environment's own values winning.
 */
function settingsOf(service: ServiceConfig, environment: EnvironmentName): Record<string, string> {
  return { ...service.variables.environment, ...service.environments[environment].variables };
}
