import { Container } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** A container port published on the host. */
export interface PublishedPort {
  /** The port inside the container. */
  readonly internal: number;
  /** The port on the host; always bound to 127.0.0.1. */
  readonly external: number;
}

/** A named volume or a host directory mounted into the container. */
export interface LocalMount {
  readonly type: "volume" | "bind";
  /** The volume name, or the absolute host path (a Terraform expression is fine). */
  readonly source: string;
  readonly target: string;
}

export interface LocalContainerProps {
  /** The container's name on the Docker engine. */
  readonly name: string;
  /** An image id or pinned reference (`docker_image.<name>.image_id`). */
  readonly image: string;
  /** The Docker network the container joins. */
  readonly network: string;
  /** The name other containers on the network reach it by: `postgres`. */
  readonly hostname: string;
  /** Exec-form health check; the apply waits until it passes. */
  readonly healthcheck: readonly string[];
  /** @default none */
  readonly ports?: readonly PublishedPort[];
  /** @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default the image's command */
  readonly command?: readonly string[];
  /** @default none */
  readonly mounts?: readonly LocalMount[];
  /** Files written into the container before it starts (init scripts). @default none */
  readonly uploads?: readonly { readonly file: string; readonly content: string }[];
  /** `uid:gid` to run as. @default the image's user */
  readonly user?: string;
  /** What must be running (and healthy) before this container starts. @default nothing */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Drop every Linux capability. Database images need a few at start-up (they chown their data
   * directory, then switch to their own user), so they turn this off.
   * @default true
   */
  readonly dropAllCapabilities?: boolean;
}

/** Only the loopback interface: a development container is never reachable from the network. */
const LOOPBACK = "127.0.0.1";

/**
 * A container of the local development environment: ports published on 127.0.0.1 only, no
 * privilege escalation, every capability dropped unless the image needs some, a health check
 * the apply waits for, restarted with the engine unless stopped by hand.
 */
export class LocalContainer extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: LocalContainerProps) {
    super(scope, id);
    const ports = props.ports ?? [];
    for (const port of ports) {
      for (const [field, value] of [
        ["internal", port.internal],
        ["external", port.external],
      ] as const) {
        if (!Number.isInteger(value) || value < 1 || value > 65535) {
          throw new Error(`LocalContainer ${props.name}: ports[].${field} must be from 1 to 65535 (got ${value})`);
        }
      }
    }
    this.container = new Container(this, "container", {
      name: props.name,
      image: props.image,
      hostname: props.hostname,
      networksAdvanced: [{ name: props.network, aliases: [props.hostname] }],
      ports: ports.map((port) => ({ internal: port.internal, external: port.external, ip: LOOPBACK, protocol: "tcp" })),
      env: Object.entries(props.environment ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => `${name}=${value}`),
      command: props.command === undefined ? undefined : [...props.command],
      mounts: (props.mounts ?? []).map((mount) => ({ type: mount.type, source: mount.source, target: mount.target })),
      upload: props.uploads?.map((upload) => ({ file: upload.file, content: upload.content })),
      user: props.user,
      healthcheck: {
        test: [...props.healthcheck],
        interval: "5s",
        timeout: "3s",
        retries: 10,
        startPeriod: "10s",
      },
      wait: true,
      waitTimeout: 120,
      restart: "unless-stopped",
      securityOpts: ["no-new-privileges:true"],
      capabilities: (props.dropAllCapabilities ?? true) ? { drop: ["ALL"] } : undefined,
      dependsOn: props.dependsOn === undefined ? undefined : [...props.dependsOn],
    });
  }
}
