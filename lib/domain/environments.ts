/** The deployment environments, in promotion order: every service deploys to staging, then production. */
export const ENVIRONMENT_NAMES = ["staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/**
 * How an environment replaces a running release: in place pod by pod, beside it (blue-green), or
 * by steps of traffic measured by Flagger (canary, production only).
 */
export const ROLLOUT_STRATEGIES = ["rolling", "blue-green", "canary"] as const;
export type RolloutStrategy = (typeof ROLLOUT_STRATEGIES)[number];

/** The two colours of a blue-green deployment. */
export const DEPLOYMENT_COLORS = ["blue", "green"] as const;
export type DeploymentColor = (typeof DEPLOYMENT_COLORS)[number];
