/**
 * Environment-level Actions variables the environment stacks derive from the config (the image,
 * the namespace, the service URL), so that workflows never repeat them. A configured variable of the
 * same name would collide with the derived one.
 */
export const DERIVED_ENVIRONMENT_VARIABLES = ["IMAGE_NAME", "K8S_NAMESPACE", "APP_URL"] as const;

/**
 * The app's environment variables include the service's environment-level variables; these are
 * set by the deployment itself (with what each one holds), so a variable of the same name would be
 * ambiguous.
 */
export const DERIVED_APP_SETTINGS = {
  APP_ENV: "the environment's name",
  PORT: "the service's port",
} as const satisfies Readonly<Record<string, string>>;
export type DerivedAppSetting = keyof typeof DERIVED_APP_SETTINGS;

/** The repository Actions variables the deploy jobs read to find Terraform Cloud. */
export const PIPELINE_VARIABLE_NAMES = ["TF_CLOUD_ORGANIZATION", "TF_CLOUD_HOSTNAME"] as const;
