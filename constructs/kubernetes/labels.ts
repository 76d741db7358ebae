import type { DeploymentColor } from "../../lib/domain/environments";

/** The label a blue-green Service selects on; each colour's pods carry their colour. */
export const COLOR_LABEL = "delivery-pipeline/color";

export const NAME_LABEL = "app.kubernetes.io/name";
export const INSTANCE_LABEL = "app.kubernetes.io/instance";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/** The namespace label Kubernetes sets on every namespace (1.22+), so policies can select by name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Labels that select every pod of a service, whatever its colour. */
export function serviceSelector(serviceName: string): Record<string, string> {
  return { [NAME_LABEL]: serviceName };
}

/**
 * Labels that select the pods of one Deployment of a service. A Deployment's selector cannot change
 * after creation, so these are fixed per colour (or per service without colours).
 */
export function deploymentSelector(serviceName: string, color?: DeploymentColor): Record<string, string> {
  return color === undefined
    ? { ...serviceSelector(serviceName), [INSTANCE_LABEL]: serviceName }
    : { ...serviceSelector(serviceName), [INSTANCE_LABEL]: `${serviceName}-${color}`, [COLOR_LABEL]: color };
}

/** Labels on every object this project creates in a namespace. */
export function objectLabels(serviceName?: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: "terraform",
    ...(serviceName === undefined ? {} : serviceSelector(serviceName)),
  };
}
