export * from "./config-error";
export * from "./load";
export * from "./quantity";
export { ENVIRONMENT_NAMES, ROLLOUT_STRATEGIES, type EnvironmentName } from "./schema/environment";
export * from "./schema";
