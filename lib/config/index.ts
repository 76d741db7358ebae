export * from "./config-error";
export * from "./load";

export { ENVIRONMENT_NAMES, ROLLOUT_STRATEGIES, type EnvironmentName } from "./schema/environment";
export * from "./schema";
export {
  DERIVED_ENVIRONMENT_VARIABLES,
  RELEASE_BRANCH_PATTERN,
  RELEASE_TAG_PATTERN,
  REPOSITORY_VISIBILITIES,
} from "./schema/governance";
