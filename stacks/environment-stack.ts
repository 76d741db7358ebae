import type { Construct } from "constructs";
import {
  ActionsSecrets,
  ActionsVariables,
  DeploymentEnvironment,
  GithubStackPrerequisites,
  RequiredReviewers,
  ReviewerAccess,
} from "../constructs/github";
import {
  CanaryRelease,
  NamespaceNetworkPolicies,
  RegistryPullSecret,
  ServiceSettings,
  WebService,
  type BlueGreenRollout,
  type CanaryRollout,
  type RollingRollout,
  type ServiceRouting,
  type WorkloadImage,
} from "../constructs/kubernetes";
import {
  canarySettingsOf,
  type DeliveryConfig,
  type EnvironmentCanary,
  type EnvironmentConfig,
  type ServiceConfig,
} from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider, kubernetesProvider, registryCredentials } from "./providers";
import { deployableImages, type DeployableImage } from "./service-images";
import {
  githubStackId,
  REGISTRY_PULL_SECRET_NAME,
  RELEASE_BRANCH_PATTERN,
  RELEASE_TAG_PATTERN,
  type DeploymentColor,
  type EnvironmentName,
} from "../lib/domain";
import { pipelineSecrets } from "../renderers/workflows";

/** What to run when a service's github stack has not created its repository or branches yet. */
export function githubStackStep(serviceName: string): string {
  const stack = githubStackId(serviceName);
  return `Apply the ${stack} stack first (README "First deploy", step 2: npx cdktf deploy ${stack}), then plan this stack again.`;
}

export interface EnvironmentStackProps extends DeliveryStackProps {
  readonly config: DeliveryConfig;
  /** Which environment of the config this stack deploys. */
  readonly environment: EnvironmentName;
}

/**
 * What every service of one environment (`staging` or `production`) shares in its namespace: the
 * namespace's network policies and the registry pull secret. Applied before the environment's
 * service stacks (`<environment>-<service>`), which name the pull secret by its fixed name.
 */
export class EnvironmentStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    const { config, environment: environmentName } = props;
    const environment = config.environments[environmentName];
    kubernetesProvider(this);

    // The namespace, its Pod Security labels, quota and limit range, and the Role this stack's
    // credential holds, come from the environment's cluster stack (ClusterStack).
    new NamespaceNetworkPolicies(this, "network-policies", {
      namespace: environment.namespace,
      egress: environment.network.egress,
      dns: environment.network.dns,
    });
    const registry = registryCredentials(this);
    new RegistryPullSecret(this, "registry-credentials", {
      namespace: environment.namespace,
      name: REGISTRY_PULL_SECRET_NAME,
      registries: registriesOf(config),
      username: registry.username.stringValue,
      password: registry.password.stringValue,
    });
  }
}

export interface ServiceEnvironmentStackProps extends EnvironmentStackProps {
  /** The service this stack deploys. */
  readonly service: ServiceConfig;
}

/**
 * One service in one environment (`<environment>-<service>`): its GitHub deployment environment
 * in the service's repository (gate, reviewers, environment secrets and variables), its image
 * lookup and its Kubernetes workloads. Built from the same config as the other stacks; no stack
 * shares a Terraform reference with another. Construct ids keep the service name as a prefix, so
 * every resource has the address it had when all services shared the environment's stack.
 */
export class ServiceEnvironmentStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: ServiceEnvironmentStackProps) {
    super(scope, id, props);
    const { config, environment: environmentName, service } = props;
    const environment = config.environments[environmentName];

    githubProvider(this, config.github);
    kubernetesProvider(this);
    const namespace = { name: environment.namespace };

    const { users, teams } = environment.approval.reviewers;
    const reviewers =
      users.length + teams.length > 0 ? new RequiredReviewers(this, "reviewers", { users, teams }) : undefined;
    // The github stack creates the repository and its long-lived branches; without them this
    // plan stops here, naming the step (README "First deploy").
    const prerequisites = new GithubStackPrerequisites(this, `${service.name}-prerequisites`, {
      owner: config.github.owner,
      repository: service.repository,
      branches: [environment.branch],
      step: githubStackStep(service.name),
    });
    const access =
      reviewers !== undefined && config.github.reviewerAccess === "grant"
        ? new ReviewerAccess(this, `${service.name}-reviewer-access`, { repository: service.repository, reviewers })
        : undefined;
    const gate = new DeploymentEnvironment(this, `${service.name}-environment`, {
      repository: service.repository,
      environment: environmentName,
      waitTimerMinutes: environment.approval.waitTimerMinutes,
      reviewers,
      reviewerAccessManagedElsewhere: config.github.reviewerAccess === "managed-elsewhere",
      preconditions: prerequisites.preconditions,
      dependsOn: access?.grants,
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
      // The pipeline's credentials that change this environment (its Terraform Cloud token).
      names: [...new Set([...service.secrets.environment, ...pipelineSecrets().environment])],
    });
    new ActionsVariables(this, `${service.name}-environment-variables`, {
      repository: service.repository,
      environment: gate.name,
      variables: environmentVariables(service, environmentName, environment),
    });

    const images = deployableImages(this, config, service, environmentName);
    const rollout = rolloutOf(images, environment);
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
      // Production pods never share a node; staging, often a small cluster, only prefers not to.
      spread: environmentName === "production" ? "required" : "preferred",
      routing: routingOf(service.environments[environmentName].url, environment),
      configMapName: settings.configMap.metadata.name,
      secretName: settings.secret?.metadata.name,
      settingsChecksum: settings.checksum,
      pullSecretName: REGISTRY_PULL_SECRET_NAME,
    });
    if (environment.canary !== undefined) {
      canaryReleaseOf(this, service, environmentName, environment, environment.canary, namespace.name, images);
    }
  }
}

/**
 * Flagger's release of one service, with the environment's canary settings and the service's own,
 * on the environment's Gateway (the config requires Gateway routing and a URL with `canary`).
 */
function canaryReleaseOf(
  scope: Construct,
  service: ServiceConfig,
  name: EnvironmentName,
  environment: EnvironmentConfig,
  canary: EnvironmentCanary,
  namespace: string,
  images: readonly DeployableImage[],
): CanaryRelease {
  const settings = canarySettingsOf(canary, service.environments[name].canary);
  const url = service.environments[name].url;
  const routing = environment.network.routing;
  return new CanaryRelease(scope, `${service.name}-canary`, {
    name: service.name,
    namespace,
    // The Canary exists only while its Deployment does (no image yet: neither has an instance).
    count: images[0]?.image.count,
    // WebService names the autoscaler after its Deployment.
    autoscalerName: service.name,
    gateways: [routing.gateway],
    hosts: url === undefined ? [] : [new URL(url).hostname],
    prometheusAddress: settings.prometheus.address,
    prometheusNamespace: settings.prometheus.namespace,
    ingressNamespace: routing.controllerNamespace,
    ingressPodLabels: routing.controllerPodLabels,
    port: service.port,
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
    // How long the deploy workflow keeps the previous colour warm after a switch.
    ...(environment.strategy === "blue-green"
      ? { ROLLBACK_WINDOW_MINUTES: String(environment.rollbackWindowMinutes) }
      : {}),
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
  const reference = (color?: DeploymentColor): WorkloadImage => {
    const found = images.find((candidate) => candidate.color === color);
    if (found === undefined) {
      throw new Error(`no ${color ?? "rolling"} image was resolved for this environment`);
    }
    return { reference: found.image.reference, count: found.image.count };
  };
  return environment.strategy === "blue-green"
    ? {
        strategy: "blue-green",
        images: { blue: reference("blue"), green: reference("green") },
        defaultActiveColor: environment.activeColor,
      }
    : { strategy: environment.strategy, image: reference() };
}

/** The route of a service's URL in one environment, and the controller the NetworkPolicy admits. */
function routingOf(url: string | undefined, environment: EnvironmentConfig): ServiceRouting {
  const routing = environment.network.routing;
  const base = {
    controllerNamespace: routing.controllerNamespace,
    controllerPodLabels: routing.controllerPodLabels,
  };
  if (url === undefined) {
    return base;
  }
  const host = new URL(url).hostname;
  return {
    ...base,
    route:
      routing.kind === "gateway"
        ? {
            kind: "gateway",
            host,
            gatewayName: routing.gateway.name,
            gatewayNamespace: routing.gateway.namespace,
            sectionName: routing.gateway.sectionName,
          }
        : { kind: "ingress", host, className: routing.ingressClassName ?? "", tls: routing.tls },
  };
}
