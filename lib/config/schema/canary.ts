import { z } from "zod";
import { CANARY_DEFAULTS, CANARY_WEBHOOK_TYPES } from "../../domain/canary-release";
import { dnsLabel } from "./primitives";

const seconds = (min: number, max: number) =>
  z
    .number()
    .int("must be a whole number of seconds")
    .min(min, `must be from ${min} to ${max} seconds`)
    .max(max, `must be from ${min} to ${max} seconds`);

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** Traffic % to the canary at each step: rising, each a whole number from 1 to 100. */
const stepWeights = z
  .array(z.number().int("must be a whole percentage").min(1, "must be from 1 to 100").max(100, "must be from 1 to 100"))
  .min(1, "list at least one step")
  .superRefine((weights, ctx) => {
    weights.forEach((weight, index) => {
      const previous = weights[index - 1];
      if (previous !== undefined && weight <= previous) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          input: weight,
          message: `must be above the step before it (${previous}): traffic to the canary only rises`,
        });
      }
    });
  });

/** The gates every step must pass; each field overrides the environment's. */
const gates = z.strictObject({
  /** Lowest share of non-5xx responses, in %. */
  successRatePercent: z.number().gt(0, "must be above 0").max(100, "must be at most 100").optional(),
  /** Highest 99th-percentile response time, in milliseconds. */
  latencyP99Milliseconds: z.number().gt(0, "must be above 0").optional(),
  /** The window each gate measures. */
  intervalSeconds: seconds(10, 3600).optional(),
});

/** A test Flagger calls during the release; a failure counts as a failed check. */
const webhook = z.strictObject({
  name: dnsLabel(63),
  /** `pre-rollout`: before any traffic (smoke test); `rollout`: at every step (load test); `post-rollout`: after promotion. */
  type: z.enum(CANARY_WEBHOOK_TYPES, { error: `must be one of: ${CANARY_WEBHOOK_TYPES.join(", ")}` }),
  url: httpUrl,
  timeoutSeconds: seconds(1, 3600).default(CANARY_DEFAULTS.webhookTimeoutSeconds),
  /** Sent as the webhook's metadata (Flagger's load tester reads `type` and `cmd`). */
  metadata: z.record(z.string(), z.string()).optional(),
});

const webhooks = z.array(webhook).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((entry, index) => {
    const first = seen.get(entry.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [index, "name"],
        input: entry.name,
        message: `must be unique: '${entry.name}' is already used by webhooks[${first}]`,
      });
    }
    seen.set(entry.name, first ?? index);
  });
});

/** What one service may change of its environment's canary release. */
export const serviceCanarySchema = z
  .strictObject({
    stepWeights: stepWeights.optional(),
    intervalSeconds: seconds(10, 3600).optional(),
    failureThreshold: z.number().int("must be a whole number").min(1, "must be at least 1").optional(),
    gates: gates.optional(),
    /** Replace the environment's webhooks for this service. */
    webhooks: webhooks.optional(),
  })
  .optional();

/**
 * How an environment with strategy `canary` releases: Flagger shifts traffic to the new release in
 * steps, through the HTTPRoute it generates on the environment's Gateway (`network.routing`), and
 * rolls back when a gate fails `failureThreshold` times. Defaults in `CANARY_DEFAULTS`.
 */
export const environmentCanarySchema = z
  .strictObject({
    /** The Prometheus the gates query and the namespace it scrapes from. */
    prometheus: z.strictObject({
      address: httpUrl,
      namespace: dnsLabel(63).default("monitoring"),
    }),
    stepWeights: stepWeights.default([...CANARY_DEFAULTS.stepWeights]),
    intervalSeconds: seconds(10, 3600).default(CANARY_DEFAULTS.intervalSeconds),
    failureThreshold: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .default(CANARY_DEFAULTS.failureThreshold),
    gates: gates.prefault({}).transform((value) => ({
      successRatePercent: value.successRatePercent ?? CANARY_DEFAULTS.successRatePercent,
      latencyP99Milliseconds: value.latencyP99Milliseconds ?? CANARY_DEFAULTS.latencyP99Milliseconds,
      intervalSeconds: value.intervalSeconds ?? CANARY_DEFAULTS.metricIntervalSeconds,
    })),
    webhooks: webhooks.default([]),
    /** Namespaces whose pods (a load tester) the webhooks use to reach the canary's pods. */
    testerNamespaces: z.array(dnsLabel(63)).default([]),
    /** Seconds the canary's pods may take to become ready before Flagger rolls back. */
    progressDeadlineSeconds: seconds(60, 3600).default(CANARY_DEFAULTS.progressDeadlineSeconds),
  })
  .optional();

export type EnvironmentCanary = NonNullable<z.output<typeof environmentCanarySchema>>;
export type ServiceCanary = NonNullable<z.output<typeof serviceCanarySchema>>;

/** One service's canary release: its environment's settings with the service's overrides. */
export function canarySettingsOf(
  environment: EnvironmentCanary,
  service: ServiceCanary | undefined,
): EnvironmentCanary {
  return {
    ...environment,
    ...(service?.stepWeights === undefined ? {} : { stepWeights: service.stepWeights }),
    ...(service?.intervalSeconds === undefined ? {} : { intervalSeconds: service.intervalSeconds }),
    ...(service?.failureThreshold === undefined ? {} : { failureThreshold: service.failureThreshold }),
    ...(service?.webhooks === undefined ? {} : { webhooks: service.webhooks }),
    gates: {
      successRatePercent: service?.gates?.successRatePercent ?? environment.gates.successRatePercent,
      latencyP99Milliseconds: service?.gates?.latencyP99Milliseconds ?? environment.gates.latencyP99Milliseconds,
      intervalSeconds: service?.gates?.intervalSeconds ?? environment.gates.intervalSeconds,
    },
  };
}

/**
 * How long the pipeline waits for Flagger's verdict: the canary's pods becoming ready, Flagger
 * noticing the new revision (one interval), every step plus every tolerated failed check (one
 * interval each), and promotion and finalising (two more).
 */
export function canaryVerdictSeconds(settings: EnvironmentCanary): number {
  return (
    settings.progressDeadlineSeconds +
    (1 + settings.stepWeights.length + settings.failureThreshold + 2) * settings.intervalSeconds
  );
}

/** What the cross-field checks read of the whole configuration. */
interface CanaryView {
  readonly services: readonly {
    readonly environments: Readonly<
      Record<string, { readonly canary?: ServiceCanary | undefined; readonly url?: string | undefined }>
    >;
  }[];
  readonly environments: Readonly<
    Record<
      string,
      {
        readonly strategy: string;
        readonly canary?: EnvironmentCanary | undefined;
        readonly network: { readonly routing: { readonly kind: string } };
      }
    >
  >;
}

/**
 * A canary release measures real traffic, so it is production's; its settings are required with
 * the strategy and meaningless without it.
 */
export function reportCanaryProblems(config: CanaryView, ctx: z.RefinementCtx): void {
  for (const [name, environment] of Object.entries(config.environments)) {
    const canary = environment.strategy === "canary";
    if (canary && name !== "production") {
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "strategy"],
        input: environment.strategy,
        message: "'canary' is for production only: its gates measure real users' traffic; use rolling or blue-green",
      });
    }
    if (canary && name === "production" && environment.canary === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "canary"],
        message:
          "is required with strategy 'canary': at least prometheus.address (the Prometheus Flagger's gates query)",
      });
    }
    if (canary && environment.network.routing.kind !== "gateway") {
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "network", "routing", "kind"],
        input: environment.network.routing.kind,
        message:
          "must be 'gateway' with strategy 'canary': Flagger shifts the traffic through the HTTPRoute it generates",
      });
    }
    if (!canary && environment.canary !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["environments", name, "canary"],
        message: `applies only with strategy 'canary' (this environment's strategy is '${environment.strategy}')`,
      });
    }
    config.services.forEach((service, index) => {
      if (canary && name === "production" && service.environments[name]?.url === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["services", index, "environments", name, "url"],
          message:
            "is required with strategy 'canary': the HTTPRoute Flagger generates routes the URL's host name, and a route without one would take every host of the Gateway",
        });
      }
      if (service.environments[name]?.canary !== undefined && !(canary && name === "production")) {
        ctx.addIssue({
          code: "custom",
          path: ["services", index, "environments", name, "canary"],
          message: `applies only to an environment with strategy 'canary' (production)`,
        });
      }
    });
  }
}
