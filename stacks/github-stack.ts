import type { Construct } from "constructs";
import {
  ActionsSecrets,
  ActionsVariables,
  ManagedFiles,
  ProtectedBranch,
  ProtectedTags,
  ServiceRepository,
} from "../constructs/github";
import {
  pipelineSecrets,
  pipelineVariables,
  requiredStatusChecks,
  serviceWorkflowFiles,
  type ServicePipelineProps,
} from "../renderers/workflows";
import { canarySettingsOf, canaryVerdictSeconds, type DeliveryConfig, type ServiceConfig } from "../lib/config";
import { DeliveryStack, type DeliveryStackProps } from "./delivery-stack";
import { githubProvider } from "./providers";
import type { StateBackend } from "./state-backend";
import { serviceContainerFiles, type ServiceContainerProps } from "../renderers/container";
import { codeOwnersFile, securityPolicyFile } from "../renderers/github";
import {
  defaultSigningMode,
  githubFeatures,
  RELEASE_BRANCH_PATTERN,
  RELEASE_TAG_PATTERN,
  serviceEnvironmentStackId,
  workspaceName,
  type EnvironmentName,
  type GithubLicences,
  type ManagedFile,
} from "../lib/domain";

export interface GithubStackProps extends DeliveryStackProps {
  readonly config: DeliveryConfig;
  /** The service whose repository this stack governs. */
  readonly service: ServiceConfig;
}

/**
 * One service's repository (`github-<service>`): its settings, rulesets, repository-level Actions
 * secrets and variables, and the managed files. Construct ids keep the service name as a prefix,
 * so every resource has the address it had when all repositories shared one stack (the state
 * moves of `npm run migration` rely on it).
 */
export class GithubStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: GithubStackProps) {
    super(scope, id, props);
    const { config, service } = props;
    githubProvider(this, config.github);
    this.governRepository(config, service, props.backend);
  }

  private governRepository(config: DeliveryConfig, service: ServiceConfig, backend: StateBackend): void {
    const repository = this.repositoryOf(config, service);
    this.branchRules(config, service, repository);
    this.actionsSettings(config, service, repository, backend);
    this.managedFiles(config, service, repository);
  }

  /** The repository with its shared settings, the features the plan and licences allow. */
  private repositoryOf(config: DeliveryConfig, service: ServiceConfig): ServiceRepository {
    const { github } = config;
    return new ServiceRepository(this, service.name, {
      name: service.repository,
      description: `${service.name}: containerised Python web service`,
      visibility: github.visibility,
      licences: licencesOf(config),
      features: github.features,
      homepageUrl: service.homepage ?? service.environments.production.url,
      adopt: service.adoptRepository,
      defaultBranch: config.environments.production.branch,
      developmentBranch: config.environments.staging.branch,
    });
  }

  /** Rulesets of the production, staging and release branches, and of release tags. */
  private branchRules(config: DeliveryConfig, service: ServiceConfig, repository: ServiceRepository): void {
    const productionBranch = config.environments.production.branch;
    const stagingBranch = config.environments.staging.branch;
    const checks = requiredStatusChecks(servicePipelineProps(config, service));
    const { approvals } = config.github.branchRules;
    const bypass = config.github.managedFiles.bypass;
    // The rules take effect once both long-lived branches exist, so creating develop is never blocked.
    const ruleDependencies = [repository.developmentBranch];
    new ProtectedBranch(this, `${service.name}-production-branch`, {
      repository: repository.name,
      name: `production branch (${productionBranch})`,
      branches: [productionBranch],
      requiredApprovals: approvals.production,
      requiredStatusChecks: checks,
      bypassIntegrationIds: bypass ? [bypass.integrationId] : [],
      dependsOn: ruleDependencies,
    });
    new ProtectedBranch(this, `${service.name}-staging-branch`, {
      repository: repository.name,
      name: `staging branch (${stagingBranch})`,
      branches: [stagingBranch],
      requiredApprovals: approvals.staging,
      requiredStatusChecks: checks,
      dependsOn: ruleDependencies,
    });
    new ProtectedBranch(this, `${service.name}-release-branches`, {
      repository: repository.name,
      name: "release branches",
      branches: [RELEASE_BRANCH_PATTERN],
      requiredApprovals: approvals.release,
      requiredStatusChecks: checks,
      dependsOn: ruleDependencies,
    });
    new ProtectedTags(this, `${service.name}-release-tags`, {
      repository: repository.name,
      name: "release tags",
      tags: [RELEASE_TAG_PATTERN],
    });
  }

  /** Repository-level Actions secrets and variables. */
  private actionsSettings(
    config: DeliveryConfig,
    service: ServiceConfig,
    repository: ServiceRepository,
    backend: StateBackend,
  ): void {
    new ActionsSecrets(this, `${service.name}-secrets`, {
      repository: repository.name,
      serviceName: service.name,
      // Only what cannot change an environment: its credentials are secrets of the environment.
      names: [
        ...new Set([
          ...service.secrets.repository,
          ...pipelineSecrets(servicePipelineProps(config, service)).repository,
        ]),
      ],
    });
    new ActionsVariables(this, `${service.name}-variables`, {
      repository: repository.name,
      variables: {
        ...service.variables.repository,
        // With local state nothing says where the workspaces are: the README's pipeline section
        // tells users to set these by hand; the deploy jobs fail naming them.
        ...(backend.kind === "cloud" ? pipelineVariables(backend) : {}),
      },
    });
  }

  /** The pipeline, container files, SECURITY.md and CODEOWNERS, delivered to both long-lived branches. */
  private managedFiles(config: DeliveryConfig, service: ServiceConfig, repository: ServiceRepository): void {
    const { github } = config;
    const productionBranch = config.environments.production.branch;
    const stagingBranch = config.environments.staging.branch;
    const bypass = github.managedFiles.bypass;
    const owners = github.codeOwners;
    const files: ManagedFile[] = [
      ...serviceWorkflowFiles(servicePipelineProps(config, service)),
      ...serviceContainerFiles(containerFilesOf(config, service)),
      securityPolicyFile({
        repository: `${github.owner}/${service.repository}`,
        contact: github.securityPolicy.contact,
        privateVulnerabilityReporting: github.visibility === "public",
        maintainers: [
          ...owners.users.map((user) => `@${user}`),
          ...owners.teams.map((team) => `@${github.owner}/${team}`),
        ],
        responseDays: github.securityPolicy.responseDays,
        disclosureDays: github.securityPolicy.disclosureDays,
      }),
    ];
    files.push(
      codeOwnersFile({
        owner: github.owner,
        users: owners.users,
        teams: owners.teams,
        managedPaths: files.map((file) => file.path),
      }),
    );
    new ManagedFiles(this, `${service.name}-files`, {
      // The plain name: the lookups of what each branch holds must not wait for the repository.
      repository: service.repository,
      files,
      // Both long-lived branches need the pipeline: pull requests into develop run the CI workflow
      // from develop's side, and its checks are required there too.
      targets: [
        { branch: productionBranch, delivery: bypass ? "direct-commit" : "pull-request" },
        { branch: stagingBranch, delivery: "pull-request" },
      ],
      dependsOn: [repository.defaultBranch, repository.developmentBranch],
    });
  }
}

/** What the organisation declares it has bought. */
export function licencesOf(config: DeliveryConfig): GithubLicences {
  return { plan: config.github.plan, ...config.github.advancedSecurity };
}

/** What a service's pipeline needs from the configuration. */
export function servicePipelineProps(config: DeliveryConfig, service: ServiceConfig): ServicePipelineProps {
  const environment = (name: EnvironmentName) => {
    const canary = config.environments[name].canary;
    return {
      branch: config.environments[name].branch,
      strategy: config.environments[name].strategy,
      url: service.environments[name].url,
      workspace: workspaceName(config.terraformCloud.workspacePrefix, serviceEnvironmentStackId(name, service.name)),
      defaultActiveColor: config.environments[name].activeColor,
      ...(canary === undefined
        ? {}
        : {
            canary: {
              verdictTimeoutSeconds: canaryVerdictSeconds(canarySettingsOf(canary, service.environments[name].canary)),
            },
          }),
    };
  };
  return {
    serviceName: service.name,
    owner: config.github.owner,
    repository: service.repository,
    image: service.image,
    healthCheckPaths: [
      ...new Set([service.healthPaths.startup, service.healthPaths.readiness, service.healthPaths.liveness]),
    ],
    port: service.port,
    codeScanning: githubFeatures(config.github.visibility, licencesOf(config)).codeScanning,
    signing: config.github.signing ?? defaultSigningMode(config.github.visibility),
    staging: environment("staging"),
    production: environment("production"),
  };
}

function containerFilesOf(config: DeliveryConfig, service: ServiceConfig): ServiceContainerProps {
  return {
    serviceName: service.name,
    sourceUrl: `https://github.com/${config.github.owner}/${service.repository}`,
    port: service.port,
    debugPort: service.container.debugPort,
    asgiApp: service.container.asgiApp,
    livenessPath: service.healthPaths.liveness,
    shutdown: service.shutdown,
  };
}
