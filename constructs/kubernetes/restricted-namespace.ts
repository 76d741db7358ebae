import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { Construct } from "constructs";
import { objectLabels } from "./labels";
import { apiResourceNames, requireQuantities, type ResourceAmounts } from "./resource-amounts";

/**
 * The Pod Security Standards version the namespace is checked against. Pinned, so that a cluster
 * upgrade cannot tighten or loosen the policy under running workloads unannounced.
 */
export const POD_SECURITY_VERSION = "v1.33";

/** A ceiling on what all pods of the namespace together may reserve. */
export interface NamespaceQuota {
  /** @default no ceiling on requests */
  readonly requests?: Partial<ResourceAmounts>;
  /** @default no ceiling on limits */
  readonly limits?: Partial<ResourceAmounts>;
  /** @default no ceiling on the number of pods */
  readonly pods?: number;
}

/** Per-container defaults and ceiling for everything created in the namespace. */
export interface NamespaceLimitRange {
  /** @default none */
  readonly defaultRequest?: Partial<ResourceAmounts>;
  /** @default none */
  readonly default?: Partial<ResourceAmounts>;
  /** @default none */
  readonly max?: Partial<ResourceAmounts>;
}

export interface RestrictedNamespaceProps {
  /** The namespace's name. */
  readonly name: string;
  /** Extra labels; the Pod Security labels cannot be overridden. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** A ResourceQuota for the namespace. @default none */
  readonly quota?: NamespaceQuota;
  /** A LimitRange for the namespace's containers. @default none */
  readonly limitRange?: NamespaceLimitRange;
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
          ...objectLabels(),
          ...props.labels,
          ...podSecurity,
        },
      },
    });

    if (props.quota !== undefined) {
      const { requests = {}, limits = {}, pods } = props.quota;
      requireQuantities("quota.requests", requests);
      requireQuantities("quota.limits", limits);
      if (pods !== undefined && (!Number.isInteger(pods) || pods < 1)) {
        throw new Error(`quota.pods must be a whole number of at least 1 (got ${pods})`);
      }
      new ResourceQuotaV1(this, "quota", {
        metadata: { name: "workloads", namespace: this.name, labels: objectLabels() },
        spec: {
          hard: {
            ...apiResourceNames(requests, "requests."),
            ...apiResourceNames(limits, "limits."),
            ...(pods === undefined ? {} : { pods: String(pods) }),
          },
        },
      });
    }

    if (props.limitRange !== undefined) {
      const { defaultRequest = {}, default: defaults = {}, max = {} } = props.limitRange;
      requireQuantities("limitRange.defaultRequest", defaultRequest);
      requireQuantities("limitRange.default", defaults);
      requireQuantities("limitRange.max", max);
      new LimitRangeV1(this, "limit-range", {
        metadata: { name: "containers", namespace: this.name, labels: objectLabels() },
        spec: {
          limit: [
            {
              type: "Container",
              ...nonEmpty("defaultRequest", apiResourceNames(defaultRequest)),
              ...nonEmpty("default", apiResourceNames(defaults)),
              ...nonEmpty("max", apiResourceNames(max)),
            },
          ],
        },
      });
    }
  }

  /**
   * The namespace's name as a reference to the namespace resource: objects placed in it with this
   * name are created after the namespace and deleted before it.
   */
  get name(): string {
    return this.namespace.metadata.name;
  }
}

/** An empty map would still be written as an (empty) field; leave the field out instead. */
function nonEmpty<K extends string>(key: K, map: Record<string, string>): Partial<Record<K, Record<string, string>>> {
  return Object.keys(map).length === 0 ? {} : ({ [key]: map } as Record<K, Record<string, string>>);
}
