import type { Construct } from "constructs";
import { ServiceImage } from "../constructs/docker";
import type { DeliveryConfig, ServiceConfig } from "../lib/config";
import { DEPLOYMENT_COLORS, imageVariableName, type DeploymentColor, type EnvironmentName } from "../lib/domain";

/** The image one workload of a service runs; `color` is set in a blue-green environment. */
export interface DeployableImage {
  readonly color?: DeploymentColor;
  readonly image: ServiceImage;
}

/**
 * The images of one service in one environment: one in a rolling environment (variable
 * `<service>_image`), one per colour in a blue-green environment (`<service>_image_blue`,
 * `<service>_image_green`), so that a new digest goes to the idle colour while the active one
 * keeps running its own. Each holds a digest or nothing; no tag is ever looked up.
 */
export function deployableImages(
  scope: Construct,
  config: DeliveryConfig,
  service: ServiceConfig,
  environmentName: EnvironmentName,
): DeployableImage[] {
  const props = { repository: service.image, bootstrapDigest: service.environments[environmentName].image.digest };
  // A canary environment runs one Terraform Deployment per service, as a rolling one; Flagger
  // copies it to `<service>-primary` itself.
  if (config.environments[environmentName].strategy !== "blue-green") {
    const image = new ServiceImage(scope, `${service.name}-image`, {
      ...props,
      variableName: imageVariableName(service.name),
    });
    return [{ image }];
  }
  return DEPLOYMENT_COLORS.map((color) => ({
    color,
    image: new ServiceImage(scope, `${service.name}-image-${color}`, {
      ...props,
      variableName: imageVariableName(service.name, color),
    }),
  }));
}
