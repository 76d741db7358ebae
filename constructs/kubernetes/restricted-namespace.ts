import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Construct } from "constructs";

/**
 * The Pod Security Standards version the namespace is checked against. Pinned, so that a cluster
 * upgrade cannot tighten or loosen the policy under running workloads unannounced.
 */
export const POD_SECURITY_VERSION = "v1.33";

export interface RestrictedNamespaceProps {
  /** The namespace's name. */
  readonly name: string;
  /** Extra labels; the Pod Security labels cannot be overridden. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A namespace where Pod Security Admission enforces, audits and warns on the `restricted`
 * profile: a pod that could run as root, escalate privileges or keep capabilities is rejected.
 */
export class RestrictedNamespace extends Construct {
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: RestrictedNamespaceProps) {
    super(scope, id);
    const podSecurity: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"]) {
      podSecurity[`pod-security.kubernetes.io/${mode}`] = "restricted";
      podSecurity[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
    }
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: {
          "app.kubernetes.io/managed-by": "terraform",
          ...props.labels,
          ...podSecurity,
        },
      },
    });
  }
}
