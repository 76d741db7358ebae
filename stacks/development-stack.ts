import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformLocal } from "cdktf";
import type { Construct } from "constructs";
import { BackingServices, DevelopmentService } from "../constructs/docker";
import { SensitiveVariable } from "../constructs/terraform";
import type { DeliveryConfig } from "../lib/config";
import { DeliveryStack } from "./delivery-stack";
import { localDockerProvider } from "./providers";
import { snakeCase } from "../lib/domain";

export interface DevelopmentStackProps {
  readonly config: DeliveryConfig;
}

/**
 * The project root as seen from where Terraform runs this stack (`cdktf.out/stacks/development`).
 * Bind mounts need absolute host paths; computing them at apply time keeps every machine's own
 * path out of the synthesized output.
 */
const PROJECT_ROOT_FROM_STACK = "${path.root}/../../..";

/** Paths the configuration checked (relative to the project root); they go into a Terraform string. */
const SAFE_RELATIVE_PATH = /^[A-Za-z0-9._@+ /-]+$/;

/**
 * The local development environment on this machine's Docker engine (`cdktf deploy
 * development`): a network, PostgreSQL, Redis and MinIO, and every service listed under
 * `development.services` built from its checkout with hot reload. Ports are published on
 * 127.0.0.1 only. State is always local: the stack describes one developer's machine, and a
 * remote run could not reach its engine.
 */
export class DevelopmentStack extends DeliveryStack {
  constructor(scope: Construct, id: string, props: DevelopmentStackProps) {
    super(scope, id, { backend: { kind: "local" } });
    const { config } = props;
    const development = config.development;

    localDockerProvider(this);

    const network = new Network(this, "network", { name: development.name, driver: "bridge" });
    const passwords = {
      POSTGRES_PASSWORD: SensitiveVariable.of(this, "development_postgres_password", {
        description: "Password of the local PostgreSQL user 'app' (URL-safe characters recommended)",
      }).stringValue,
      REDIS_PASSWORD: SensitiveVariable.of(this, "development_redis_password", {
        description: "Password of the local Redis",
      }).stringValue,
      MINIO_ROOT_PASSWORD: SensitiveVariable.of(this, "development_minio_root_password", {
        description: "Password of the local MinIO root user 'app' (8 characters or more)",
      }).stringValue,
    };

    const localServices = config.services.filter((service) => service.name in development.services);
    const backing = new BackingServices(this, "backing-services", {
      namePrefix: development.name,
      network: network.name,
      hostPorts: development.ports,
      databases: localServices.map((service) => snakeCase(service.name)),
      passwords,
    });

    for (const service of localServices) {
      const local = development.services[service.name];
      if (local === undefined) {
        continue;
      }
      if (!SAFE_RELATIVE_PATH.test(local.source)) {
        throw new Error(
          `development.services.${service.name}.source: the checkout's path from the project root ('${local.source}') must use only letters, digits, space and . _ @ + / -`,
        );
      }
      const sourceDirectory = new TerraformLocal(
        this,
        `${snakeCase(service.name)}_source`,
        `\${abspath("${PROJECT_ROOT_FROM_STACK}/${local.source}")}`,
      );
      sourceDirectory.overrideLogicalId(`${snakeCase(service.name)}_source`);
      new DevelopmentService(this, service.name, {
        serviceName: service.name,
        namePrefix: development.name,
        sourceDirectory: sourceDirectory.asString,
        network: network.name,
        port: service.port,
        debugPort: service.container.debugPort,
        hostPort: local.port,
        hostDebugPort: local.debugPort,
        livenessPath: service.healthPaths.liveness,
        environment: backing.applicationEnvironment(snakeCase(service.name)),
        dependsOn: backing.containers.map((backingService) => backingService.container),
      });
    }
  }
}
