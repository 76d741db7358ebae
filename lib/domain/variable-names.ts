import type { DeploymentColor } from "./environments";

/**
 * `orders-api` -> `orders_api`: a service name in Terraform variable form. Each character maps to
 * one character, so distinct service names (`a-b`, `a--b`) and distinct secret names (`A_B`, `A__B`)
 * stay distinct; what joining two of them can still make equal is rejected when the config loads.
 */
export function snakeCase(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "_");
}

/**
 * The sensitive variable holding one secret of one service: `orders-api` + `DATABASE_URL` ->
 * `orders_api_database_url` (so `TF_VAR_orders_api_database_url`).
 */
export function secretVariableName(serviceName: string, secretName: string): string {
  return `${snakeCase(serviceName)}_${snakeCase(secretName)}`;
}

/**
 * The Terraform variable of an environment stack that chooses which image of a service runs: a tag
 * (`1.4.2`, `1.5.0-rc.1`) or a digest (`sha256:<64 hex>`); empty means the configured tag. The deploy
 * workflow sets it (a Terraform Cloud workspace variable, or `TF_VAR_<name>`) to the digest it just
 * built and signed, then starts a run.
 *
 * Rolling environments have one per service (`orders_api_image`); blue-green environments one per
 * colour (`orders_api_image_blue`, `orders_api_image_green`), so a new digest goes to the idle colour
 * while the active one keeps serving.
 */
export function imageVariableName(serviceName: string, color?: DeploymentColor): string {
  return color === undefined ? `${snakeCase(serviceName)}_image` : `${snakeCase(serviceName)}_image_${color}`;
}

/**
 * The Terraform variable of a blue-green environment stack naming the colour that receives traffic
 * (`orders_api_active_color`: "blue" or "green"; empty means the configured colour). Switching and
 * rolling back are each one change of this variable.
 */
export function activeColorVariableName(serviceName: string): string {
  return `${snakeCase(serviceName)}_active_color`;
}

/**
 * The Terraform variable of a blue-green environment stack that raises the autoscaler floor of
 * both colours of a service by hand (`orders_api_min_replicas`; 0, the default, means the
 * configured minimum), for example ahead of expected load. The deploy workflow does not set it:
 * during a switch and its rollback window the stack itself holds both colours at the live size
 * (see `warmUntilVariableName`).
 */
export function replicaFloorVariableName(serviceName: string): string {
  return `${snakeCase(serviceName)}_min_replicas`;
}

/**
 * The Terraform variable of a blue-green environment stack that keeps a service's colours warm
 * (`orders_api_warm_until`: an RFC 3339 time, or empty). Until that time, every plan holds the
 * autoscaler floor of both colours at the live replica count it reads from the cluster; the deploy
 * workflow sets it for the length of a deployment before it deploys to the idle colour, and to the
 * end of the rollback window once the switch is applied.
 */
export function warmUntilVariableName(serviceName: string): string {
  return `${snakeCase(serviceName)}_warm_until`;
}
