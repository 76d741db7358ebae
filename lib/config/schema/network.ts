import { SERVICE_DEFAULTS } from "../../domain/service-defaults";
import { z } from "zod";
import { cidrProblem } from "../../domain/cidr";
import { dnsLabel, port } from "./primitives";

export const NETWORK_PROTOCOLS = ["TCP", "UDP"] as const;

/** An IPv4 or IPv6 network in CIDR notation, with the host bits zero. */
export const cidr = z.string().superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem === undefined) {
    return;
  }
  const message =
    problem.kind === "syntax"
      ? "must be an IPv4 or IPv6 CIDR block such as '10.20.0.0/16' or 'fd00:10::/64'"
      : problem.kind === "prefix"
        ? `must have a prefix length from 0 to ${problem.maxPrefix}`
        : `must be a network address with the host bits zero (did you mean '${problem.network}'?)`;
  ctx.addIssue({ code: "custom", message, input: value });
});

/**
 * One destination outside the cluster that pods may open connections to: the database, Redis,
 * object storage. Everything else is denied by the namespace's default-deny policy.
 */
const egressEndpoint = z.strictObject({
  /** What the endpoint is (`database`, `redis`, `object-storage`); names the rule. */
  name: dnsLabel(40),
  cidr,
  port,
  protocol: z.enum(NETWORK_PROTOCOLS, { error: `must be one of: ${NETWORK_PROTOCOLS.join(", ")}` }).default("TCP"),
});

/** Kubernetes label keys and values, as a NetworkPolicy selector takes them. */
const podLabels = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "must be a label key"),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "must be a label value"),
);

export const ROUTE_KINDS = ["gateway", "ingress"] as const;

/**
 * How the public URL of each service reaches it: a Gateway API HTTPRoute attached to a Gateway
 * the platform runs (the default), or an Ingress of a named class. The NetworkPolicy admits
 * exactly the controller's proxy pods.
 */
const routing = z
  .strictObject({
    kind: z.enum(ROUTE_KINDS, { error: `must be one of: ${ROUTE_KINDS.join(", ")}` }).default("gateway"),
    /** The Gateway routes attach to; TLS terminates at its listener (its certificate is the platform's). */
    gateway: z
      .strictObject({
        name: dnsLabel(63).default(SERVICE_DEFAULTS.gateway.name),
        namespace: dnsLabel(63).default(SERVICE_DEFAULTS.gateway.namespace),
        /** The listener to attach to (the HTTPS one). @default every listener that admits the route */
        sectionName: dnsLabel(63).optional(),
      })
      .prefault({}),
    /** kind ingress: the IngressClass. */
    ingressClassName: dnsLabel(63).optional(),
    /** kind ingress: TLS from a named Secret, or a cert-manager ClusterIssuer that writes `<service>-tls`. */
    tls: z.strictObject({ secretName: dnsLabel(253).optional(), clusterIssuer: dnsLabel(253).optional() }).optional(),
    /** The namespace of the proxy pods that connect to the services. @default the Gateway's namespace */
    controllerNamespace: dnsLabel(63).optional(),
    /** Labels of those proxy pods. @default every pod of that namespace */
    controllerPodLabels: podLabels.optional(),
  })
  .prefault({})
  .superRefine((value, ctx) => {
    if (value.kind === "ingress" && value.ingressClassName === undefined) {
      ctx.addIssue({ code: "custom", path: ["ingressClassName"], message: "is required when kind is ingress" });
    }
    if (value.kind === "ingress" && value.controllerNamespace === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["controllerNamespace"],
        message: "is required when kind is ingress: the namespace of the ingress controller's pods",
      });
    }
    if (value.kind === "gateway" && value.tls !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["tls"],
        message:
          "applies to kind ingress only: with a Gateway, TLS is configured on its listener (gateway.sectionName)",
      });
    }
  })
  .transform((value) => ({
    ...value,
    controllerNamespace: value.controllerNamespace ?? value.gateway.namespace,
  }));

/**
 * Where pods resolve names. DNS egress is allowed only to these, on port 53: the cluster DNS
 * pods, the NodeLocal DNSCache address (a host-network listener that pod selectors cannot
 * match), and any listed endpoints (a cloud DNS resolver such as GKE's metadata server).
 */
const dns = z
  .strictObject({
    /** CoreDNS (labelled kube-dns) pods; `false` when the cluster resolves elsewhere. */
    kubeDns: z
      .union([
        z.literal(false),
        z.strictObject({
          namespace: dnsLabel(63).default("kube-system"),
          podLabels: podLabels.default({ "k8s-app": "kube-dns" }),
        }),
      ])
      .prefault({}),
    /** Allow NodeLocal DNSCache at its link-local address 169.254.20.10. */
    nodeLocalCache: z.boolean().default(true),
    /** Further resolvers (`169.254.169.254/32` for GKE Cloud DNS). */
    endpoints: z.array(cidr).default([]),
  })
  .prefault({})
  .refine((value) => value.kubeDns !== false || value.nodeLocalCache || value.endpoints.length > 0, {
    message: "must allow at least one resolver (kubeDns, nodeLocalCache or endpoints): pods could resolve no name",
  });

/** Which traffic the namespace's network policies let through; everything else is denied. */
export const networkSchema = z
  .strictObject({
    routing,
    dns,
    /** Destinations outside the cluster that every service of the environment may reach. */
    egress: z.array(egressEndpoint).default([]),
  })
  .prefault({})
  .superRefine((network, ctx) => {
    const seen = new Set<string>();
    network.egress.forEach((endpoint, index) => {
      if (seen.has(endpoint.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["egress", index, "name"],
          message: `must be unique within the environment: '${endpoint.name}' is listed twice`,
        });
      }
      seen.add(endpoint.name);
    });
  });

export type NetworkConfig = z.output<typeof networkSchema>;
export type EgressEndpoint = NetworkConfig["egress"][number];
