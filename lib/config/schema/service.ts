import { z } from "zod";
import { serviceCanarySchema } from "./canary";
import { OCI_REPOSITORY } from "../../domain/oci-reference";
import { parseQuantity } from "../../domain/quantity";
import { SERVICE_DEFAULTS, SERVICE_LIMITS } from "../../domain/service-defaults";
import { serviceGovernanceFields } from "./governance";
import { containerSchema } from "./container";
import { imageSelection } from "./image";
import {
  actionsName,
  cpuQuantity,
  dnsLabel,
  githubRepositoryName,
  httpPath,
  memoryQuantity,
  port,
  replicaBounds,
} from "./primitives";
import { shutdown } from "./workloads";

const resourceAmounts = z.strictObject({
  cpu: cpuQuantity,
  memory: memoryQuantity,
  ephemeralStorage: memoryQuantity,
});

/**
 * Requests are what the scheduler reserves; limits are the ceiling. By default a container may
 * use up to 1 CPU and 512Mi, and reserves a quarter of the CPU and half of the memory.
 */
const resources = z
  .strictObject({
    requests: resourceAmounts.partial().prefault({}),
    limits: resourceAmounts.partial().prefault({}),
  })
  .prefault({})
  .transform((value) => ({
    requests: { ...SERVICE_DEFAULTS.resources.requests, ...value.requests },
    limits: { ...SERVICE_DEFAULTS.resources.limits, ...value.limits },
  }))
  .superRefine((value, ctx) => {
    for (const key of ["cpu", "memory", "ephemeralStorage"] as const) {
      const request = parseQuantity(value.requests[key]);
      const limit = parseQuantity(value.limits[key]);
      if (request !== undefined && limit !== undefined && limit < request) {
        ctx.addIssue({
          code: "custom",
          path: ["limits", key],
          message: `must be at least the request (${value.requests[key]}); got ${value.limits[key]}`,
        });
      }
    }
  });

const healthPaths = z
  .strictObject({
    startup: httpPath.default(SERVICE_DEFAULTS.healthPaths.startup),
    readiness: httpPath.default(SERVICE_DEFAULTS.healthPaths.readiness),
    liveness: httpPath.default(SERVICE_DEFAULTS.healthPaths.liveness),
  })
  .prefault({});

const { targetUtilizationPercent: utilization, scaleDownStabilizationSeconds: stabilization } = SERVICE_LIMITS;
const autoscaling = z
  .strictObject({
    targetCpuUtilizationPercent: z
      .number()
      .int()
      .min(utilization.min)
      .max(utilization.max)
      .default(SERVICE_DEFAULTS.autoscaling.targetCpuUtilizationPercent),
    /**
     * Off unless set: a Python process's memory grows with its caches and rarely shrinks, so a
     * memory target would hold the Deployment at its maximum. CPU leads.
     */
    targetMemoryUtilizationPercent: z.number().int().min(utilization.min).max(utilization.max).optional(),
    /** How long load must stay low before pods are removed; damps flapping. */
    scaleDownStabilizationSeconds: z
      .number()
      .int()
      .min(stabilization.min)
      .max(stabilization.max)
      .default(SERVICE_DEFAULTS.autoscaling.scaleDownStabilizationSeconds),
  })
  .prefault({});

const secretNames = z
  .strictObject({
    /** Repository-level Actions secrets (notification webhooks, scanner tokens). */
    repository: z.array(actionsName).default([]),
    /** Secrets of each deployment environment (cluster credentials, database URLs, signing keys). */
    environment: z.array(actionsName).default([]),
  })
  .prefault({});

const variableValues = z.record(actionsName, z.string());

const variables = z
  .strictObject({
    /** Repository-level Actions variables. */
    repository: variableValues.default({}),
    /** Actions variables set in every deployment environment of this service. */
    environment: variableValues.default({}),
  })
  .prefault({});

/** Per-environment settings of one service; each overrides the environment's default. */
const serviceEnvironment = z
  .strictObject({
    /** Autoscaling bounds of this service in this environment. */
    replicas: replicaBounds.optional(),
    /** The public URL of this service in this environment (an Actions variable and the health check base). */
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    /** Extra environment-level Actions variables for this environment only. */
    variables: variableValues.default({}),
    /** The digest this environment runs while the pipeline has passed none (a bootstrap pin). @default none */
    image: imageSelection,
    /** Changes to the environment's canary release for this service (strategy `canary`). */
    canary: serviceCanarySchema,
  })
  .prefault({});

/**
 * An OCI repository reference without tag or digest (`ghcr.io/acme/orders-api`). A reference
 * without a registry host (`acme/orders-api`) is taken to be on ghcr.io.
 */
const imageRepository = z
  .string()
  .regex(
    OCI_REPOSITORY,
    "must be an OCI image repository such as 'ghcr.io/acme/orders-api', lowercase, without tag or digest",
  );

export const serviceSchema = z.strictObject({
  /** The service's name: Kubernetes object names and the image name derive from it. */
  name: dnsLabel(SERVICE_LIMITS.nameLength),
  /** @default the service name */
  repository: githubRepositoryName.optional(),
  /** @default ghcr.io/<owner>/<repository>, lowercased */
  image: imageRepository.optional(),
  /** The container's HTTP port. */
  port: port.default(SERVICE_DEFAULTS.port),
  healthPaths,
  /** How the container image is built and started. */
  container: containerSchema,
  resources,
  autoscaling,
  shutdown,
  secrets: secretNames,
  variables,
  environments: z
    .strictObject({
      staging: serviceEnvironment,
      production: serviceEnvironment,
    })
    .prefault({}),
  ...serviceGovernanceFields,
});

export type ServiceInput = z.input<typeof serviceSchema>;
export type ParsedService = z.output<typeof serviceSchema>;
