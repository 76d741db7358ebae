import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";
import { objectLabels } from "./labels";

/** One kind of object in the Kubernetes API: its group ("" for the core group) and plural resource. */
export interface ApiResource {
  readonly apiGroup: string;
  readonly resource: string;
}

/**
 * What each resource type an environment stack writes is in the Kubernetes API. The deployer's
 * Role grants exactly these, so a new resource type in the environment stack needs an entry here
 * (a test compares both). Namespaces, quotas, limit ranges and RBAC are absent on purpose: the
 * environment's credential can neither relabel its namespace nor lift its quota or its own rights.
 */
export const ENVIRONMENT_API_RESOURCES: Readonly<Record<string, ApiResource>> = {
  kubernetes_config_map_v1: { apiGroup: "", resource: "configmaps" },
  kubernetes_secret_v1: { apiGroup: "", resource: "secrets" },
  kubernetes_service_v1: { apiGroup: "", resource: "services" },
  kubernetes_service_account_v1: { apiGroup: "", resource: "serviceaccounts" },
  kubernetes_deployment_v1: { apiGroup: "apps", resource: "deployments" },
  kubernetes_horizontal_pod_autoscaler_v2: { apiGroup: "autoscaling", resource: "horizontalpodautoscalers" },
  kubernetes_pod_disruption_budget_v1: { apiGroup: "policy", resource: "poddisruptionbudgets" },
  kubernetes_network_policy_v1: { apiGroup: "networking.k8s.io", resource: "networkpolicies" },
  kubernetes_ingress_v1: { apiGroup: "networking.k8s.io", resource: "ingresses" },
  HTTPRoute: { apiGroup: "gateway.networking.k8s.io", resource: "httproutes" },
  Canary: { apiGroup: "flagger.app", resource: "canaries" },
  MetricTemplate: { apiGroup: "flagger.app", resource: "metrictemplates" },
};

/**
 * What Terraform does to the objects it manages: read them (refresh; the Deployment's rollout
 * wait, which only reads the Deployment: provider v2.38.0
 * kubernetes/resource_kubernetes_deployment_v1.go, waitForDeploymentReplicasFunc; and a
 * blue-green plan's lookup of the live size, a `list` of the service's Deployments:
 * manifest/provider/datasource.go:159), create,
 * change (the provider patches; server-side apply for kubernetes_manifest) and delete them.
 */
export const DEPLOYER_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"] as const;

/** The deployer's ServiceAccount, Role and RoleBinding names. */
export const DEPLOYER_NAME = "delivery-deployer";

export interface DeployerRoleProps {
  readonly namespace: string;
  /** The API resources the environment stack writes (keys of ENVIRONMENT_API_RESOURCES). */
  readonly resourceTypes: readonly string[];
}

/**
 * The namespaced identity the environment stack deploys with: a ServiceAccount (its token is
 * the environment stack's `kubernetes_token`), a Role granting exactly the objects that stack
 * writes in this namespace, and the RoleBinding between them.
 */
export class DeployerRole extends Construct {
  readonly role: RoleV1;
  readonly serviceAccount: ServiceAccountV1;

  constructor(scope: Construct, id: string, props: DeployerRoleProps) {
    super(scope, id);
    const byGroup = new Map<string, Set<string>>();
    for (const type of props.resourceTypes) {
      const api = ENVIRONMENT_API_RESOURCES[type];
      if (api === undefined) {
        throw new Error(
          `resourceTypes: no API resource known for '${type}'; allowed: ${Object.keys(ENVIRONMENT_API_RESOURCES).join(", ")}`,
        );
      }
      byGroup.set(api.apiGroup, (byGroup.get(api.apiGroup) ?? new Set()).add(api.resource));
    }
    const metadata = { name: DEPLOYER_NAME, namespace: props.namespace, labels: objectLabels() };
    this.serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata,
      // Its token is issued for the pipeline (kubectl create token), never mounted into a pod.
      automountServiceAccountToken: false,
    });
    this.role = new RoleV1(this, "role", {
      metadata,
      rule: [...byGroup.keys()].sort().map((apiGroup) => ({
        apiGroups: [apiGroup],
        resources: [...(byGroup.get(apiGroup) ?? [])].sort(),
        verbs: [...DEPLOYER_VERBS],
      })),
    });
    new RoleBindingV1(this, "role-binding", {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: DEPLOYER_NAME },
      subject: [{ kind: "ServiceAccount", name: DEPLOYER_NAME, namespace: props.namespace }],
    });
  }
}
