/** Kubernetes quantities of the three resources a container is sized by. */
export interface ResourceAmounts {
  /** CPU: `250m`, `1`. */
  readonly cpu: string;
  /** Memory: `256Mi`. */
  readonly memory: string;
  /** Writable local disk (logs, emptyDir): `64Mi`. */
  readonly ephemeralStorage: string;
}

/** The app's HTTP endpoints the kubelet probes. */
export interface HealthPaths {
  /** Answers once the app has started; the other probes wait for it. */
  readonly startup: string;
  /** Answers while the app can take traffic. */
  readonly readiness: string;
  /** Answers while the process is healthy; failing restarts the container. */
  readonly liveness: string;
}

/** When the autoscaler adds and removes pods. */
export interface Autoscaling {
  readonly targetCpuUtilizationPercent: number;
  /** Off unless set: CPU leads for a Python service, whose memory rarely shrinks. */
  readonly targetMemoryUtilizationPercent?: number;
  /** How long load must stay low before pods are removed; damps flapping. */
  readonly scaleDownStabilizationSeconds: number;
}

/**
 * How a pod stops. Kubernetes removes a terminating pod from the Service endpoints at the same
 * time as it starts the pre-stop hook, so for a few seconds proxies still route new requests to
 * it: the hook holds SIGTERM back for `drainSeconds` while they catch up.
 */
export interface Shutdown {
  /** Seconds from the start of termination (pre-stop included) until the container is killed. */
  readonly terminationGracePeriodSeconds: number;
  /** How long the pre-stop hook holds SIGTERM back; 0 turns the hook off. */
  readonly drainSeconds: number;
  /** Opt-in: an app endpoint that answers after `drainSeconds`. @default none: the image's interpreter sleeps */
  readonly drainPath?: string;
}

/** Autoscaling bounds of one Deployment. */
export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The defaults of one web service, read by the configuration schema and by the `WebService`
 * construct alike. Resources: limit 1 CPU and 512Mi, requests a quarter of the CPU and half of the
 * memory.
 */
export const SERVICE_DEFAULTS = {
  port: 8000,
  healthPaths: { startup: "/health", readiness: "/readiness", liveness: "/liveness" },
  resources: {
    requests: { cpu: "250m", memory: "256Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "512Mi", ephemeralStorage: "256Mi" },
  },
  /** The construct's default; the configuration sets each environment's own (see ENVIRONMENT_DEFAULTS). */
  replicas: { min: 2, max: 10 },
  autoscaling: {
    targetCpuUtilizationPercent: 70,
    scaleDownStabilizationSeconds: 300,
  },
  shutdown: { terminationGracePeriodSeconds: 30, drainSeconds: 10 },
  /** The Gateway service routes attach to; its namespace runs the proxies, the only source of traffic. */
  gateway: { name: "public", namespace: "gateway-system" },
} as const satisfies {
  port: number;
  healthPaths: HealthPaths;
  resources: { requests: ResourceAmounts; limits: ResourceAmounts };
  replicas: ReplicaRange;
  autoscaling: Autoscaling;
  shutdown: Shutdown;
  gateway: { name: string; namespace: string };
};

/** Inclusive ranges every service value must fall in, in the schema and in the constructs. */
export const SERVICE_LIMITS = {
  /** A TCP port. */
  port: { min: 1, max: 65535 },
  /** Zero replicas would stop the service; more than 1000 is a typo, not a plan. */
  replicas: { min: 1, max: 1000 },
  /** Below 10 % the autoscaler adds pods on noise; a target above 100 % never scales. */
  targetUtilizationPercent: { min: 10, max: 100 },
  scaleDownStabilizationSeconds: { min: 0, max: 3600 },
  terminationGracePeriodSeconds: { min: 1, max: 3600 },
  drainSeconds: { min: 0, max: 300 },
  /** Services are kept to 40 characters so that derived names (`<name>-green`, `<name>-pull-secret`) still fit 63. */
  nameLength: 40,
} as const;

/** The default environments: which branch deploys, where, how many pods, and how a release rolls out. */
export const ENVIRONMENT_DEFAULTS = {
  staging: {
    branch: "develop",
    namespace: "staging",
    replicas: { min: 1, max: 3 },
    strategy: "rolling",
    deployFrom: { releaseBranches: true, releaseTags: false },
  },
  production: {
    branch: "main",
    namespace: "production",
    replicas: { min: 2, max: 10 },
    strategy: "blue-green",
    deployFrom: { releaseBranches: false, releaseTags: false },
  },
} as const;
