import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Construct } from "constructs";
import { cidrProblem } from "../../lib/domain/cidr";
import { NAMESPACE_NAME_LABEL, objectLabels } from "./labels";

/** A destination outside the cluster that the namespace's pods may connect to. */
export interface EgressDestination {
  /** Names the rule (`database`). */
  readonly name: string;
  /** The destination network, `10.20.0.0/16`. */
  readonly cidr: string;
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: "TCP" | "UDP";
}

/** The NodeLocal DNSCache listener: a link-local address served by a host-network pod on each node. */
export const NODE_LOCAL_DNS_ADDRESS = "169.254.20.10";

/** Where pods resolve names; DNS (port 53, UDP and TCP) is allowed to these and nowhere else. */
export interface ClusterDns {
  /**
   * The cluster DNS pods, or `false` when the cluster resolves elsewhere.
   * @default CoreDNS in kube-system (`k8s-app: kube-dns`, the label CoreDNS keeps)
   */
  readonly kubeDns?: false | { readonly namespace?: string; readonly podLabels?: Readonly<Record<string, string>> };
  /**
   * NodeLocal DNSCache at 169.254.20.10: a host-network listener, which no pod selector matches.
   * @default true
   */
  readonly nodeLocalCache?: boolean;
  /** Further resolvers by network (`169.254.169.254/32`, GKE Cloud DNS). @default [] */
  readonly endpoints?: readonly string[];
}

export interface NamespaceNetworkPoliciesProps {
  readonly namespace: string;
  /** Destinations outside the cluster every pod may reach; nothing else is allowed. @default [] */
  readonly egress?: readonly EgressDestination[];
  /** @default CoreDNS in kube-system and NodeLocal DNSCache */
  readonly dns?: ClusterDns;
}

/**
 * The namespace's baseline: all ingress and egress denied, then DNS and the listed destinations
 * allowed. Services open their own ingress (WebService). NetworkPolicies only add allowances, so
 * each rule here is explicit: an empty rule would allow everything, while an omitted one denies
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies).
 */
export class NamespaceNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    const egress = props.egress ?? [];
    const dnsPeers = dnsPeersOf(props.dns ?? {});
    for (const [index, destination] of egress.entries()) {
      if (cidrProblem(destination.cidr) !== undefined) {
        throw new Error(
          `egress[${index}].cidr must be a CIDR block with the host bits zero, such as '10.20.0.0/16' (got '${destination.cidr}')`,
        );
      }
      if (!Number.isInteger(destination.port) || destination.port < 1 || destination.port > 65535) {
        throw new Error(`egress[${index}].port must be an integer from 1 to 65535 (got ${destination.port})`);
      }
    }
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: objectLabels() });

    // No ingress or egress rule at all: every pod of the namespace is isolated in both directions.
    new NetworkPolicyV1(this, "default-deny", {
      metadata: metadata("default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });

    new NetworkPolicyV1(this, "allow-dns", {
      metadata: metadata("allow-dns"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: dnsPeers,
            ports: [
              { port: "53", protocol: "UDP" },
              { port: "53", protocol: "TCP" },
            ],
          },
        ],
      },
    });

    if (egress.length > 0) {
      new NetworkPolicyV1(this, "allow-egress", {
        metadata: metadata("allow-external-egress"),
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          // One rule per destination: a rule's ports apply to all of its peers, so sharing a rule
          // would open every listed port to every listed network.
          egress: egress.map((destination) => ({
            to: [{ ipBlock: { cidr: destination.cidr } }],
            ports: [{ port: String(destination.port), protocol: destination.protocol ?? "TCP" }],
          })),
        },
      });
    }
  }
}

function dnsPeersOf(dns: ClusterDns) {
  const kubeDns = dns.kubeDns ?? {};
  const endpoints = [
    ...((dns.nodeLocalCache ?? true) ? [`${NODE_LOCAL_DNS_ADDRESS}/32`] : []),
    ...(dns.endpoints ?? []),
  ];
  for (const [index, endpoint] of (dns.endpoints ?? []).entries()) {
    if (cidrProblem(endpoint) !== undefined) {
      throw new Error(
        `dns.endpoints[${index}] must be a CIDR block with the host bits zero, such as '169.254.169.254/32' (got '${endpoint}')`,
      );
    }
  }
  const peers = [
    ...(kubeDns === false
      ? []
      : [
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: kubeDns.namespace ?? "kube-system" } },
            podSelector: { matchLabels: { ...(kubeDns.podLabels ?? { "k8s-app": "kube-dns" }) } },
          },
        ]),
    ...endpoints.map((cidr) => ({ ipBlock: { cidr } })),
  ];
  // A rule without peers would allow DNS to every destination.
  if (peers.length === 0) {
    throw new Error("dns must allow at least one resolver: kubeDns, nodeLocalCache or an endpoint (got none)");
  }
  return peers;
}
