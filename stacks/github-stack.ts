import type { Construct } from "constructs";
import { ServiceRepository } from "../constructs/github";
import type { DeliveryConfig } from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider } from "./providers";

export interface GithubStackProps extends DeliveryStackProps {
  readonly config: DeliveryConfig;
}

/** Repository-wide settings of every service's repository: the `github` stack. */
export class GithubStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: GithubStackProps) {
    super(scope, id, props);
    const { config } = props;
    githubProvider(this, config.github.owner);

    for (const service of config.services) {
      new ServiceRepository(this, service.name, {
        name: service.repository,
        description: `${service.name}: containerised Python web service`,
      });
    }
  }
}
