import { z } from "zod";
import { parseQuantity } from "../../domain/quantity";
import { SERVICE_LIMITS } from "../../domain/service-defaults";

/** Names GitHub accepts for users and organisations: alphanumerics and single inner hyphens, 1-39. */
export const githubLogin = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    "must be a GitHub login: 1-39 letters, digits or single inner hyphens",
  );

/** Team slugs are the lowercase, hyphenated form GitHub derives from a team name. */
export const githubTeamSlug = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9_]|-(?=[a-z0-9_])){0,99}$/,
    "must be a GitHub team slug: lowercase letters, digits, '_' and single inner hyphens",
  );

export const githubRepositoryName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository name: 1-100 of A-Z a-z 0-9 . _ -")
  .refine((name) => name !== "." && name !== "..", "must not be '.' or '..'");

/** GitHub rejects secret and variable names outside this pattern, and any starting with GITHUB_. */
export const actionsName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, "must match ^[A-Z_][A-Z0-9_]*$ (upper case, digits, '_')")
  .refine((name) => !name.startsWith("GITHUB_"), "must not start with GITHUB_ (reserved by GitHub)");

/**
 * A DNS-1123 label: the form Kubernetes requires for object names and namespaces. Services are
 * kept to 40 characters so that derived names (`<name>-green`, `<name>-pull-secret`) still fit 63.
 */
export function dnsLabel(maxLength: number): z.ZodString {
  return z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
      "must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter",
    );
}

const PORT_RANGE = `must be an integer from ${SERVICE_LIMITS.port.min} to ${SERVICE_LIMITS.port.max}`;
export const port = z
  .number()
  .int(PORT_RANGE)
  .min(SERVICE_LIMITS.port.min, PORT_RANGE)
  .max(SERVICE_LIMITS.port.max, PORT_RANGE);

export const httpPath = z.string().regex(/^\/[^\s]*$/, "must be an HTTP path starting with '/' and without spaces");

export const cpuQuantity = z
  .string()
  .refine(
    (value) => (parseQuantity(value) ?? 0) > 0,
    "must be a positive Kubernetes CPU quantity such as '250m', '0.5' or '1'",
  );

export const memoryQuantity = z
  .string()
  .refine(
    (value) => (parseQuantity(value) ?? 0) >= 1,
    "must be a positive Kubernetes memory quantity such as '256Mi' or '1Gi'",
  );

export const replicaCount = z
  .number()
  .int("must be a whole number of replicas")
  .min(
    SERVICE_LIMITS.replicas.min,
    `must be at least ${SERVICE_LIMITS.replicas.min} (zero or negative replicas would stop the service)`,
  )
  .max(SERVICE_LIMITS.replicas.max, `must be at most ${SERVICE_LIMITS.replicas.max}`);

export const replicaBounds = z
  .strictObject({
    min: replicaCount,
    max: replicaCount,
  })
  .refine((bounds) => bounds.min <= bounds.max, {
    message: "min must not be above max",
    path: ["min"],
  });
export type ReplicaBounds = z.output<typeof replicaBounds>;
