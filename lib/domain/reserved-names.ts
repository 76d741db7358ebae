import { SIGNING_KEY_SECRETS } from "./image-signing";
/**
 * Environment-level Actions variables the environment stacks derive from the config (the image,
 * the namespace, the service URL), so that workflows never repeat them. A configured variable of the
 * same name would collide with the derived one.
 */
export const DERIVED_ENVIRONMENT_VARIABLES = [
  "IMAGE_NAME",
  "K8S_NAMESPACE",
  "APP_URL",
  "ROLLBACK_WINDOW_MINUTES",
] as const;

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

/** The repository secrets holding the notification webhooks; either may be empty, which skips that channel. */
export const WEBHOOK_SECRET_NAMES = ["SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL"] as const;

/**
 * The repository secrets the generated workflows read: readable by a workflow run of any branch,
 * so none of them can change an environment (the notification webhooks).
 */
export const PIPELINE_REPOSITORY_SECRET_NAMES = [...WEBHOOK_SECRET_NAMES] as const;

/**
 * The secrets the generated workflows read from each deployment environment, each environment with
 * its own value: every credential that can change an environment (its Terraform Cloud token). A
 * job receives them only after the environment's protection rules passed.
 */
export const PIPELINE_ENVIRONMENT_SECRET_NAMES = ["TF_API_TOKEN"] as const;

/**
 * Every secret name the generated workflows may read, at either level (the signing key only in
 * `key` signing mode): configured secrets must not reuse them.
 */
export const PIPELINE_SECRET_NAMES = [
  ...PIPELINE_ENVIRONMENT_SECRET_NAMES,
  ...PIPELINE_REPOSITORY_SECRET_NAMES,
  ...SIGNING_KEY_SECRETS,
] as const;

/**
 * Terraform variables the stacks declare whatever the configuration says, with what each holds:
 * a configured name that derives one of these would share its value.
 */
export const FIXED_TERRAFORM_VARIABLES = {
  kubernetes_host: "the Kubernetes API address of the environment stacks",
  kubernetes_cluster_ca_certificate: "the Kubernetes cluster CA of the environment stacks",
  kubernetes_token: "the Kubernetes token of the environment stacks",
  cluster_admin_kubernetes_host: "the Kubernetes API address of the cluster stacks",
  cluster_admin_kubernetes_cluster_ca_certificate: "the Kubernetes cluster CA of the cluster stacks",
  cluster_admin_kubernetes_token: "the cluster-level Kubernetes token of the cluster stacks",
  registry_username: "the registry user of the environment stacks",
  registry_password: "the registry password of the environment stacks",
  development_postgres_password: "the PostgreSQL password of the development stack",
  development_redis_password: "the Redis password of the development stack",
  development_minio_root_password: "the MinIO password of the development stack",
} as const satisfies Readonly<Record<string, string>>;

/**
 * The image pull Secret each environment's shared stack writes in its namespace and every
 * service's pods of that environment name (the service stacks are applied after the shared one).
 */
export const REGISTRY_PULL_SECRET_NAME = "registry-credentials";
