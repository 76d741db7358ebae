export * from "./config-error";
export * from "./load";

export * from "./schema";
export { canarySettingsOf, canaryVerdictSeconds, type EnvironmentCanary } from "./schema/canary";
