import { z } from "zod";
import { DEPLOYMENT_COLORS } from "../../domain/environments";
import { parseQuantity } from "../../domain/quantity";
import { gracefulShutdownSeconds, SHUTDOWN_MARGIN_SECONDS } from "../../domain/python-runtime";
import { DERIVED_APP_SETTINGS } from "../../domain/reserved-names";
import { SERVICE_DEFAULTS, SERVICE_LIMITS } from "../../domain/service-defaults";
import { cpuQuantity, httpPath, memoryQuantity, type ReplicaBounds } from "./primitives";

const RESOURCE_KEYS = ["cpu", "memory", "ephemeralStorage"] as const;
type ResourceKey = (typeof RESOURCE_KEYS)[number];
type Amounts = Partial<Record<ResourceKey, string>>;

const amounts = z
  .strictObject({
    cpu: cpuQuantity,
    memory: memoryQuantity,
    ephemeralStorage: memoryQuantity,
  })
  .partial();

/**
 * The colour a blue-green environment routes traffic to when the deployment variable
 * (`<service>_active_color`) is empty. Rolling environments ignore it.
 */
const activeColor = z
  .enum(DEPLOYMENT_COLORS, { error: `must be one of: ${DEPLOYMENT_COLORS.join(", ")}` })
  .default("blue");

/** A ResourceQuota for the whole namespace: a ceiling on what all pods together may reserve. */
const quota = z
  .strictObject({
    requests: amounts.prefault({}),
    limits: amounts.prefault({}),
    pods: z.number().int("must be a whole number of pods").min(1, "must be at least 1").optional(),
  })
  .superRefine((value, ctx) => reportLimitsBelow(value.requests, "requests", value.limits, ["limits"], ctx));

/** A LimitRange: per-container defaults and ceiling for anything created in the namespace. */
const limitRange = z
  .strictObject({
    /** Requests of a container that sets none. */
    defaultRequest: amounts.prefault({}),
    /** Limits of a container that sets none. */
    default: amounts.prefault({}),
    /** The most any one container may set as its limit. */
    max: amounts.prefault({}),
  })
  .superRefine((value, ctx) => {
    reportLimitsBelow(value.defaultRequest, "defaultRequest", value.default, ["default"], ctx);
    reportLimitsBelow(value.default, "default", value.max, ["max"], ctx);
    reportLimitsBelow(value.defaultRequest, "defaultRequest", value.max, ["max"], ctx);
  });

/** The fields each environment adds for its Kubernetes workloads. */
export const environmentWorkloadFields = {
  activeColor,
  /**
   * Blue-green: how long after a switch the previous colour stays at the live size, ready for an
   * instant rollback, before the deploy workflow lets its autoscaler floor fall back. An Actions
   * variable of the environment (`ROLLBACK_WINDOW_MINUTES`).
   */
  rollbackWindowMinutes: z
    .number()
    .int("must be a whole number of minutes")
    .min(0, "must be from 0 to 1440 minutes")
    .max(1440, "must be from 0 to 1440 minutes")
    .default(30),
  /** @default no ResourceQuota */
  quota: quota.optional(),
  /** @default no LimitRange */
  limitRange: limitRange.optional(),
};

const seconds = (range: { readonly min: number; readonly max: number }) =>
  z
    .number()
    .int("must be a whole number of seconds")
    .min(range.min, `must be from ${range.min} to ${range.max} seconds`)
    .max(range.max, `must be from ${range.min} to ${range.max} seconds`);

/**
 * How a pod stops. Kubernetes removes a terminating pod from the Service endpoints at the same
 * time as it starts the pre-stop hook, so for a few seconds proxies still route new requests to
 * it: the hook holds SIGTERM back for `drainSeconds` while they catch up. By default the image's
 * own interpreter sleeps (exec form: the image has no shell); `drainPath` opts in to an
 * app-implemented endpoint that answers after that time. uvicorn then gets the rest of the
 * grace period minus a margin to finish open requests (`--timeout-graceful-shutdown`).
 */
export const shutdown = z
  .strictObject({
    /** Seconds from the start of termination (pre-stop included) until the container is killed. */
    terminationGracePeriodSeconds: seconds(SERVICE_LIMITS.terminationGracePeriodSeconds).default(
      SERVICE_DEFAULTS.shutdown.terminationGracePeriodSeconds,
    ),
    /** How long the pre-stop hook holds SIGTERM back; 0 turns the hook off. */
    drainSeconds: seconds(SERVICE_LIMITS.drainSeconds).default(SERVICE_DEFAULTS.shutdown.drainSeconds),
    /**
     * Opt-in: the app's own drain endpoint, called instead of the sleep, with the seconds in the
     * `X-Drain-Seconds` header. It must exist: a 404 counts as success and SIGTERM follows at once.
     */
    drainPath: httpPath.optional(),
  })
  .prefault({})
  .superRefine((value, ctx) => {
    // An out-of-range grace period is reported on its own field already.
    const graceValid = value.terminationGracePeriodSeconds >= SERVICE_LIMITS.terminationGracePeriodSeconds.min;
    if (graceValid && gracefulShutdownSeconds(value) < 1) {
      ctx.addIssue({
        code: "custom",
        path: ["drainSeconds"],
        input: value.drainSeconds,
        message: `must be at most ${value.terminationGracePeriodSeconds - SHUTDOWN_MARGIN_SECONDS - 1} (terminationGracePeriodSeconds - ${SHUTDOWN_MARGIN_SECONDS + 1}) so that uvicorn has at least one second after SIGTERM and a ${SHUTDOWN_MARGIN_SECONDS} s margin remains before the kill`,
      });
    }
  });

function reportLimitsBelow(
  lower: Amounts,
  lowerName: string,
  upper: Amounts,
  upperPath: string[],
  ctx: z.RefinementCtx,
): void {
  for (const key of RESOURCE_KEYS) {
    const low = lower[key];
    const high = upper[key];
    if (low !== undefined && high !== undefined && (parseQuantity(high) ?? 0) < (parseQuantity(low) ?? 0)) {
      ctx.addIssue({
        code: "custom",
        path: [...upperPath, key],
        input: high,
        message: `must be at least ${lowerName}.${key} (${low})`,
      });
    }
  }
}

/** What the cross-field checks read of the whole configuration. */
interface WorkloadsView {
  readonly services: readonly {
    readonly name: string;
    readonly resources: { readonly requests: Required<Amounts>; readonly limits: Required<Amounts> };
    readonly variables: { readonly environment: Readonly<Record<string, string>> };
    readonly environments: Readonly<
      Record<
        string,
        { readonly replicas?: ReplicaBounds | undefined; readonly variables: Readonly<Record<string, string>> }
      >
    >;
  }[];
  readonly environments: Readonly<
    Record<
      string,
      {
        readonly replicas: ReplicaBounds;
        readonly strategy: string;
        readonly quota?: z.output<typeof quota> | undefined;
        readonly limitRange?: z.output<typeof limitRange> | undefined;
      }
    >
  >;
}

/**
 * Checks each environment's quota and limit range against its services: a quota that cannot hold
 * every Deployment at its minimum plus one surge pod blocks rollouts, and a limit range whose
 * maximum is below a container's limit makes Kubernetes reject the pods, both only at apply time.
 */
export function reportWorkloadProblems(config: WorkloadsView, ctx: z.RefinementCtx): void {
  reportDerivedSettings(config, ctx);
  for (const [environmentName, environment] of Object.entries(config.environments)) {
    // A canary release runs the canary beside Flagger's primary, as blue-green runs both colours.
    const deploymentsPerService = environment.strategy === "rolling" ? 1 : 2;
    const pods = config.services.map((service) => {
      const min = (service.environments[environmentName]?.replicas ?? environment.replicas).min;
      return { service, count: deploymentsPerService * (min + 1) };
    });

    if (environment.quota !== undefined) {
      const totalPods = pods.reduce((sum, entry) => sum + entry.count, 0);
      const quotaPods = environment.quota.pods;
      if (quotaPods !== undefined && quotaPods < totalPods) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", environmentName, "quota", "pods"],
          input: quotaPods,
          message: `must be at least ${totalPods}: every Deployment at its minimum replicas plus one surge pod during a rollout`,
        });
      }
      for (const side of ["requests", "limits"] as const) {
        for (const key of RESOURCE_KEYS) {
          const ceiling = environment.quota[side][key];
          if (ceiling === undefined) {
            continue;
          }
          const needed = pods.reduce(
            (sum, { service, count }) => sum + count * (parseQuantity(service.resources[side][key]) ?? 0),
            0,
          );
          if ((parseQuantity(ceiling) ?? 0) < needed) {
            ctx.addIssue({
              code: "custom",
              path: ["environments", environmentName, "quota", side, key],
              input: ceiling,
              message: `must be at least ${formatQuantity(needed, key)}: ${pods
                .map(({ service, count }) => `${service.name} ${count} pods x ${service.resources[side][key]}`)
                .join(" + ")} (minimum replicas plus one surge pod per Deployment)`,
            });
          }
        }
      }
    }

    const max = environment.limitRange?.max;
    for (const key of RESOURCE_KEYS) {
      const ceiling = max?.[key];
      if (ceiling === undefined) {
        continue;
      }
      for (const service of config.services.filter(
        (candidate) => (parseQuantity(candidate.resources.limits[key]) ?? 0) > (parseQuantity(ceiling) ?? 0),
      )) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", environmentName, "limitRange", "max", key],
          input: ceiling,
          message: `must be at least the ${key} limit of service ${service.name} (${service.resources.limits[key]}), or Kubernetes rejects its pods`,
        });
      }
    }
  }
}

const DERIVED_SETTINGS: Readonly<Record<string, string>> = DERIVED_APP_SETTINGS;

function reportDerivedSettings(config: WorkloadsView, ctx: z.RefinementCtx): void {
  config.services.forEach((service, index) => {
    const sources: [(string | number)[], Readonly<Record<string, string>>][] = [
      [["services", index, "variables", "environment"], service.variables.environment],
      ...Object.entries(service.environments).map(
        ([name, environment]): [(string | number)[], Readonly<Record<string, string>>] => [
          ["services", index, "environments", name, "variables"],
          environment.variables,
        ],
      ),
    ];
    for (const [path, variables] of sources) {
      for (const key of Object.keys(variables).filter((name) => name in DERIVED_SETTINGS)) {
        ctx.addIssue({
          code: "custom",
          path: [...path, key],
          message: `is set for the app by the deployment (${DERIVED_SETTINGS[key]}); remove it`,
        });
      }
    }
  });
}

/** A base-unit amount back in the notation users write: cores or millicores, mebibytes. */
function formatQuantity(value: number, key: ResourceKey): string {
  if (key === "cpu") {
    return Number.isInteger(value) ? String(value) : `${Math.ceil(value * 1000)}m`;
  }
  return `${Math.ceil(value / 2 ** 20)}Mi`;
}
