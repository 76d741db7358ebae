import type { Construct } from "constructs";
import { ActionsSecrets, ActionsVariables, DeploymentEnvironment, RequiredReviewers } from "../constructs/github";
import {
  CanaryObserver,
  CanaryRelease,
  NamespaceNetworkPolicies,
  RegistryPullSecret,
  RestrictedNamespace,
  ServiceSettings,
  WebService,
  type BlueGreenRollout,
  type CanaryRollout,
  type RollingRollout,
} from "../constructs/kubernetes";
import {
  canarySettingsOf,
  type DeliveryConfig,
  type EnvironmentCanary,
  type EnvironmentConfig,
  type ServiceConfig,
} from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider, kubernetesProvider, registryCredentials, registryProvider } from "./providers";
import { deployableImages, type DeployableImage } from "./service-images";
import { RELEASE_BRANCH_PATTERN, RELEASE_TAG_PATTERN, type DeploymentColor, type EnvironmentName } from "../lib/domain";

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

      const rollout = rolloutOf(deployableImages(this, config, service, environmentName), environment);
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
      if (environment.canary !== undefined) {
        canaryReleaseOf(this, service, environmentName, environment, environment.canary, namespace.name);
      }
    }
    if (environment.canary !== undefined) {
      new CanaryObserver(this, "canary-observer", {
        namespace: namespace.name,
        serviceNames: config.services.map((service) => service.name),
      });
    }
  }
}

/** Flagger's release of one service, with the environment's canary settings and the service's own. */
function canaryReleaseOf(
  scope: Construct,
  service: ServiceConfig,
  name: EnvironmentName,
  environment: EnvironmentConfig,
  canary: EnvironmentCanary,
  namespace: string,
): CanaryRelease {
  const settings = canarySettingsOf(canary, service.environments[name].canary);
  const url = service.environments[name].url;
  return new CanaryRelease(scope, `${service.name}-canary`, {
    name: service.name,
    namespace,
    // WebService names the autoscaler after its Deployment.
    autoscalerName: service.name,
    gateways: [settings.gateway],
    hosts: url === undefined ? [] : [new URL(url).hostname],
    prometheusAddress: settings.prometheus.address,
    prometheusNamespace: settings.prometheus.namespace,
    ingressNamespace: environment.network.ingressNamespace,
    port: service.port,
    minReplicas: service.environments[name].replicas.min,
    stepWeights: settings.stepWeights,
    intervalSeconds: settings.intervalSeconds,
    failureThreshold: settings.failureThreshold,
    gates: settings.gates,
    webhooks: settings.webhooks,
    testerNamespaces: settings.testerNamespaces,
    progressDeadlineSeconds: settings.progressDeadlineSeconds,
  });
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

/**
 * The app's non-secret settings in one environment: the same variables its GitHub deployment
 * environment gets, the environment's own values winning.
 */
function settingsOf(service: ServiceConfig, environment: EnvironmentName): Record<string, string> {
  return { ...service.variables.environment, ...service.environments[environment].variables };
}

/** How a service's workload rolls out its images: one rolling Deployment, blue and green, or a canary. */
function rolloutOf(
  images: readonly DeployableImage[],
  environment: EnvironmentConfig,
): RollingRollout | BlueGreenRollout | CanaryRollout {
  const reference = (color?: DeploymentColor): string => {
    const found = images.find((candidate) => candidate.color === color);
    if (found === undefined) {
      throw new Error(`no ${color ?? "rolling"} image was resolved for this environment`);
    }
    return found.image.reference;
  };
  return environment.strategy === "blue-green"
    ? {
        strategy: "blue-green",
        images: { blue: reference("blue"), green: reference("green") },
        defaultActiveColor: environment.activeColor,
      }
    : { strategy: environment.strategy, image: reference() };
}
