import { pythonLivenessCheck } from "../../lib/domain/tool-versions";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { LocalContainer } from "./local-container";

export interface DevelopmentServiceProps {
  readonly serviceName: string;
  /** Container name prefix: `<prefix>-<service>`. */
  readonly namePrefix: string;
  /**
   * The absolute path of the service's checkout on the developer's machine, usually a
   * Terraform expression (so that the synthesized output holds no machine's path).
   */
  readonly sourceDirectory: string;
  readonly network: string;
  /** The HTTP port in the container. */
  readonly port: number;
  /** The debugger's port in the container. */
  readonly debugPort: number;
  /** Host ports on 127.0.0.1. */
  readonly hostPort: number;
  readonly hostDebugPort: number;
  /** The endpoint the container's health check polls. */
  readonly livenessPath: string;
  /** @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** What must be running and healthy before the service starts (its databases). @default nothing */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A service running from its checkout: the Dockerfile's `development` target built from the
 * checkout, and the checkout mounted at /app so that uvicorn reloads on every change. The image
 * is rebuilt when the Dockerfile or the locked dependencies change, not on code changes.
 */
export class DevelopmentService extends Construct {
  readonly image: Image;
  readonly container: LocalContainer;

  constructor(scope: Construct, id: string, props: DevelopmentServiceProps) {
    super(scope, id);
    const inCheckout = (file: string) => Fn.filesha256(`${props.sourceDirectory}/${file}`);
    this.image = new Image(this, "image", {
      name: `${props.namePrefix}-${props.serviceName}:development`,
      buildAttribute: {
        context: props.sourceDirectory,
        dockerfile: "Dockerfile",
        target: "development",
        buildArgs: { VERSION: "dev", APP_ENV: "development" },
      },
      triggers: {
        dockerfile: inCheckout("Dockerfile"),
        pyproject: inCheckout("pyproject.toml"),
        lockfile: inCheckout("uv.lock"),
      },
    });
    this.container = new LocalContainer(this, "app", {
      name: `${props.namePrefix}-${props.serviceName}`,
      image: this.image.imageId,
      network: props.network,
      hostname: props.serviceName,
      environment: props.environment,
      ports: [
        { internal: props.port, external: props.hostPort },
        { internal: props.debugPort, external: props.hostDebugPort },
      ],
      mounts: [{ type: "bind", source: props.sourceDirectory, target: "/app" }],
      user: "1000:1000",
      dependsOn: props.dependsOn,
      healthcheck: ["CMD", "python", ...pythonLivenessCheck(props.port, props.livenessPath)],
    });
  }
}
