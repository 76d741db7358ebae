import { Image } from "@cdktf/provider-docker/lib/image";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { LocalContainer } from "./local-container";
import {
  applicationEnvironment,
  LOCAL_USER,
  localServices,
  type LocalSecretName,
} from "../../lib/domain/local-services";
import { pinnedByDigest } from "../../lib/domain/pinned-images";

export interface BackingServicesProps {
  /** Prefix of every container and volume name: `<prefix>-postgres`, `<prefix>-postgres-data`. */
  readonly namePrefix: string;
  /** The Docker network the services and the applications share. */
  readonly network: string;
  /** Host ports on 127.0.0.1. */
  readonly hostPorts: Readonly<Record<"postgres" | "redis" | "minio" | "minioConsole", number>>;
  /** One database per application, created when PostgreSQL initialises its volume. */
  readonly databases: readonly string[];
  /** The passwords, from sensitive variables: never literal values. */
  readonly passwords: Readonly<Record<LocalSecretName, string>>;
}

/**
 * PostgreSQL, Redis and MinIO for local development, from pinned images, with health checks
 * the apply waits for and named volumes that outlive the containers.
 */
export class BackingServices extends Construct {
  readonly containers: LocalContainer[] = [];
  private readonly passwords: Readonly<Record<LocalSecretName, string>>;

  constructor(scope: Construct, id: string, props: BackingServicesProps) {
    super(scope, id);
    this.passwords = props.passwords;
    const databaseNames = new Set(props.databases);
    const initScript = [...databaseNames]
      .filter((database) => database !== LOCAL_USER)
      .map((database) => `CREATE DATABASE ${database} OWNER ${LOCAL_USER};`);

    for (const service of localServices((name) => props.passwords[name], LOCAL_USER)) {
      const image = new Image(this, `${service.name}-image`, {
        name: pinnedByDigest(service.image),
        keepLocally: true,
      });
      const volume = new Volume(this, `${service.name}-data`, { name: `${props.namePrefix}-${service.name}-data` });
      this.containers.push(
        new LocalContainer(this, service.name, {
          name: `${props.namePrefix}-${service.name}`,
          image: image.imageId,
          network: props.network,
          hostname: service.name,
          command: service.command,
          environment: service.environment,
          ports: service.ports.map((port) => ({ internal: port.internal, external: props.hostPorts[port.key] })),
          mounts: [{ type: "volume", source: volume.name, target: service.dataPath }],
          uploads:
            service.name === "postgres" && initScript.length > 0
              ? [{ file: "/docker-entrypoint-initdb.d/10-databases.sql", content: `${initScript.join("\n")}\n` }]
              : undefined,
          healthcheck: service.healthcheck,
          // The images start as root to own their data directory, then switch to their own user.
          dropAllCapabilities: false,
        }),
      );
    }
  }

  /** The variables an application needs to reach these services, with its own database. */
  applicationEnvironment(database: string): Record<string, string> {
    return applicationEnvironment(
      (name, inUrl) => (inUrl ? Fn.urlencode(this.passwords[name]) : this.passwords[name]),
      database,
    );
  }
}
