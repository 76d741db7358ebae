import type { Construct } from "constructs";
import { serviceContainerFiles, type ServiceContainerProps } from "../constructs/docker";
import { ManagedFiles, ServiceRepository } from "../constructs/github";
import { serviceWorkflowFiles } from "../constructs/workflows";
import type { DeliveryConfig, ServiceConfig } from "../lib/config";
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
      const repository = new ServiceRepository(this, service.name, {
        name: service.repository,
        description: `${service.name}: containerised Python web service`,
      });
      const files = new ManagedFiles(this, `${service.name}-files`, {
        repository: service.repository,
        files: [
          ...serviceWorkflowFiles({ serviceName: service.name }),
          ...serviceContainerFiles(containerFilesOf(config, service)),
        ],
      });
      files.node.addDependency(repository);
    }
  }
}

function containerFilesOf(config: DeliveryConfig, service: ServiceConfig): ServiceContainerProps {
  return {
    serviceName: service.name,
    sourceUrl: `https://github.com/${config.github.owner}/${service.repository}`,
    port: service.port,
    debugPort: service.container.debugPort,
    asgiApp: service.container.asgiApp,
    livenessPath: service.healthPaths.liveness,
  };
}
