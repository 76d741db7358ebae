export * from "./config-error";
export * from "./load";

export { ENVIRONMENT_NAMES, ROLLOUT_STRATEGIES, type EnvironmentName } from "./schema/environment";
export * from "./schema";
export { DERIVED_ENVIRONMENT_VARIABLES, RELEASE_BRANCH_PATTERN, RELEASE_TAG_PATTERN } from "./schema/governance";
export { REPOSITORY_VISIBILITIES } from "../domain/github-plan";
export { canarySettingsOf, canaryVerdictSeconds, type EnvironmentCanary } from "./schema/canary";
