import { snakeCase } from "../terraform";

/**
 * The Terraform variable of an environment stack that overrides which image of a service is
 * deployed: a tag (`1.4.2`, `1.5.0-rc.1`) or a digest (`sha256:<64 hex>`). The deploy workflow
 * sets it (a Terraform Cloud workspace variable, or `TF_VAR_<name>`) to the digest it just built
 * and signed. `orders-api` -> `orders_api_image`.
 */
export function imageVariableName(serviceName: string): string {
  return `${snakeCase(serviceName)}_image`;
}
