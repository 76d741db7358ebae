import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";
import { flaggerGeneratedNames } from "../../lib/domain/canary-release";
import { objectLabels } from "./labels";

/** The account the pipeline's wait step reads canary releases with. */
export const CANARY_OBSERVER_NAME = "canary-observer";

export interface CanaryObserverProps {
  readonly namespace: string;
  /** The services released as canaries: the only Canaries and primary Deployments it may read. */
  readonly serviceNames: readonly string[];
}

/**
 * A ServiceAccount that may only `get` the named Canaries and their primary Deployments, with a
 * long-lived token Secret (`canary-observer-token`) for the pipeline. The token is a credential:
 * copy it into the production environment's `K8S_CANARY_TOKEN` secret, never into a variable.
 */
export class CanaryObserver extends Construct {
  readonly serviceAccount: ServiceAccountV1;
  readonly tokenSecret: SecretV1;

  constructor(scope: Construct, id: string, props: CanaryObserverProps) {
    super(scope, id);
    if (props.serviceNames.length === 0) {
      throw new Error("CanaryObserver: serviceNames must list at least one service released as a canary (got [])");
    }
    const { namespace } = props;
    const labels = objectLabels();
    const names = [...new Set(props.serviceNames)].sort();
    this.serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name: CANARY_OBSERVER_NAME, namespace, labels },
      automountServiceAccountToken: false,
    });
    const role = new RoleV1(this, "role", {
      metadata: { name: CANARY_OBSERVER_NAME, namespace, labels },
      rule: [
        { apiGroups: ["flagger.app"], resources: ["canaries"], resourceNames: names, verbs: ["get"] },
        {
          apiGroups: ["apps"],
          resources: ["deployments"],
          resourceNames: names.map((name) => flaggerGeneratedNames(name).primary),
          verbs: ["get"],
        },
      ],
    });
    new RoleBindingV1(this, "role-binding", {
      metadata: { name: CANARY_OBSERVER_NAME, namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subject: [{ kind: "ServiceAccount", name: this.serviceAccount.metadata.name, namespace }],
    });
    // Kubernetes writes the token into a Secret of this type for the named account
    // (https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets).
    this.tokenSecret = new SecretV1(this, "token", {
      metadata: {
        name: `${CANARY_OBSERVER_NAME}-token`,
        namespace,
        labels,
        annotations: { "kubernetes.io/service-account.name": this.serviceAccount.metadata.name },
      },
      type: "kubernetes.io/service-account-token",
      waitForServiceAccountToken: true,
    });
  }
}
