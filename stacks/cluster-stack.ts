import type { Construct } from "constructs";
import { CanaryObserver, DeployerRole, RestrictedNamespace } from "../constructs/kubernetes";
import type { DeliveryConfig } from "../lib/config";
import type { EnvironmentName } from "../lib/domain";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { kubernetesProvider } from "./providers";

export interface ClusterStackProps extends DeliveryStackProps {
  readonly config: DeliveryConfig;
  /** The environment whose namespace this stack prepares. */
  readonly environment: EnvironmentName;
}

/**
 * What an environment needs from the cluster before it can deploy, written with a cluster-level
 * credential: its namespace with the Pod Security labels, quota and limit range, and the
 * namespaced deployer identity the environment stack then deploys with. Namespaces are
 * cluster-scoped and the built-in `admin` role cannot write quotas, so none of this can be
 * written with the environment's own credential, and that credential cannot undo any of it.
 */
export class ClusterStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { config, environment: environmentName } = props;
    const environment = config.environments[environmentName];
    kubernetesProvider(this, "cluster");

    const namespace = new RestrictedNamespace(this, "namespace", {
      name: environment.namespace,
      quota: environment.quota,
      limitRange: environment.limitRange,
    });
    new DeployerRole(this, "deployer", {
      namespace: namespace.name,
      resourceTypes: environmentResourceTypes(config, environmentName),
    });
    // The pipeline's read-only account for Flagger's verdict: RBAC, which only this stack writes.
    if (environment.canary !== undefined) {
      new CanaryObserver(this, "canary-observer", {
        namespace: namespace.name,
        serviceNames: config.services.map((service) => service.name),
      });
    }
  }
}

/**
 * The API resources the environment stack writes in its namespace, so its Role grants exactly
 * these: the workloads' objects, the route kind when a service has a URL there, and Flagger's
 * objects in a canary environment.
 */
export function environmentResourceTypes(config: DeliveryConfig, environmentName: EnvironmentName): string[] {
  const routed = config.services.some((service) => service.environments[environmentName].url !== undefined);
  const route =
    config.environments[environmentName].network.routing.kind === "gateway" ? "HTTPRoute" : "kubernetes_ingress_v1";
  return [
    "kubernetes_config_map_v1",
    "kubernetes_secret_v1",
    "kubernetes_service_v1",
    "kubernetes_service_account_v1",
    "kubernetes_deployment_v1",
    "kubernetes_horizontal_pod_autoscaler_v2",
    "kubernetes_pod_disruption_budget_v1",
    "kubernetes_network_policy_v1",
    ...(routed ? [route] : []),
    // With `canary`, Flagger's objects: the Canary and the MetricTemplates of its gates.
    ...(config.environments[environmentName].strategy === "canary" ? ["Canary", "MetricTemplate"] : []),
  ];
}
