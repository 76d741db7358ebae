import type { Construct } from "constructs";
import { ManagedFiles, ServiceRepository } from "../constructs/github";
import { PipelineVariables, serviceWorkflowFiles, type ServicePipelineProps } from "../constructs/workflows";
import type { DeliveryConfig, EnvironmentName, ServiceConfig } from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider } from "./providers";
import { workspaceName } from "./state-backend";

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
        files: [...serviceWorkflowFiles(servicePipelineProps(config, service))],
      });
      files.node.addDependency(repository);
      if (props.backend.kind === "cloud") {
        // With local state nothing says where the workspaces are: the README's pipeline section
        // tells users to set these two variables by hand; the deploy jobs fail naming them.
        const variables = new PipelineVariables(this, `${service.name}-pipeline-variables`, {
          repository: service.repository,
          organization: props.backend.organization,
          hostname: props.backend.hostname,
        });
        variables.node.addDependency(repository);
      }
    }
  }
}

/** What a service's pipeline needs from the configuration. */
export function servicePipelineProps(config: DeliveryConfig, service: ServiceConfig): ServicePipelineProps {
  const environment = (name: EnvironmentName) => ({
    branch: config.environments[name].branch,
    strategy: config.environments[name].strategy,
    url: service.environments[name].url,
    workspace: workspaceName(config.terraformCloud.workspacePrefix, name),
  });
  return {
    serviceName: service.name,
    owner: config.github.owner,
    repository: service.repository,
    image: service.image,
    healthCheckPaths: [...new Set([service.healthPaths.startup, service.healthPaths.readiness])],
    staging: environment("staging"),
    production: environment("production"),
  };
}
