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

/** Which traffic the namespace's network policies let through; everything else is denied. */
export const networkSchema = z
  .strictObject({
    /** The namespace of the ingress controller: the only source of traffic to the services' port. */
    ingressNamespace: dnsLabel(63).default(SERVICE_DEFAULTS.ingressNamespace),
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
