import { pythonLivenessCheck } from "../../lib/domain/tool-versions";
import { stringify } from "yaml";
import { snakeCase } from "../../lib/domain/variable-names";
import { applicationEnvironment, localServices, type LocalSecretName } from "../../lib/domain/local-services";
import { taggedAndPinned } from "../../lib/domain/pinned-images";

/** What the generated compose file needs to know about a service. */
export interface ComposeFileProps {
  readonly serviceName: string;
  /** The HTTP port the application listens on in its container. */
  readonly port: number;
  /** The debugger's port in the development container. */
  readonly debugPort: number;
  /** The endpoint the app container's health check polls. */
  readonly livenessPath: string;
}

/** Host ports, overridable in `.env` when one is taken on a developer's machine. */
const HOST_PORT_VARIABLES = {
  postgres: ["POSTGRES_PORT", 5432],
  redis: ["REDIS_PORT", 6379],
  minio: ["MINIO_PORT", 9000],
  minioConsole: ["MINIO_CONSOLE_PORT", 9001],
} as const;

/** Compose reads the passwords from `.env` and stops with this message when one is missing. */
function fromDotEnv(name: LocalSecretName): string {
  return `\${${name}:?set ${name} in .env}`;
}

/** Every port is published on the loopback interface only: nothing is reachable from the network. */
function loopback(hostVariable: string, hostDefault: number, containerPort: number): string {
  return `127.0.0.1:\${${hostVariable}:-${hostDefault}}:${containerPort}`;
}

/**
 * `compose.yaml` for local development: the app built from the Dockerfile's `development`
 * target with the checkout bind-mounted (uvicorn reloads on change), PostgreSQL, Redis and MinIO
 * with health checks and pinned images, `.env` for secrets and settings.
 */
export function renderComposeFile(props: ComposeFileProps): string {
  const database = snakeCase(props.serviceName);
  const secret = (name: LocalSecretName) => fromDotEnv(name);
  const backing = localServices(secret, database);
  const services: Record<string, unknown> = {
    app: {
      build: { context: ".", target: "development", args: { VERSION: "dev", APP_ENV: "development" } },
      env_file: ".env",
      environment: applicationEnvironment(secret, database),
      ports: [loopback("APP_PORT", props.port, props.port), loopback("DEBUG_PORT", props.debugPort, props.debugPort)],
      volumes: [{ type: "bind", source: ".", target: "/app" }],
      depends_on: Object.fromEntries(backing.map((service) => [service.name, { condition: "service_healthy" }])),
      healthcheck: {
        test: ["CMD", "python", ...pythonLivenessCheck(props.port, props.livenessPath)],
        interval: "10s",
        timeout: "3s",
        retries: 5,
        start_period: "20s",
      },
      security_opt: ["no-new-privileges:true"],
      cap_drop: ["ALL"],
      develop: {
        // With the source mounted, code changes need no rebuild; dependency changes do.
        watch: [
          { action: "rebuild", path: "pyproject.toml" },
          { action: "rebuild", path: "uv.lock" },
        ],
      },
    },
  };
  for (const service of backing) {
    services[service.name] = {
      image: taggedAndPinned(service.image),
      ...(service.command === undefined ? {} : { command: [...service.command] }),
      environment: { ...service.environment },
      ports: service.ports.map((port) => {
        const [variable, hostDefault] = HOST_PORT_VARIABLES[port.key];
        return loopback(variable, hostDefault, port.internal);
      }),
      volumes: [`${service.name}-data:${service.dataPath}`],
      healthcheck: { test: [...service.healthcheck], interval: "5s", timeout: "3s", retries: 10, start_period: "10s" },
      security_opt: ["no-new-privileges:true"],
    };
  }
  const document = {
    name: props.serviceName,
    services,
    volumes: Object.fromEntries(backing.map((service) => [`${service.name}-data`, {}])),
  };
  const header = [
    `# ${props.serviceName}: local development. Managed by Terraform from the delivery configuration;`,
    "# changes made here are overwritten. Change the configuration instead.",
    "#",
    "#   docker compose up --build        (add --watch to rebuild when dependencies change)",
    "#",
    "# Needs a .env file next to this one (never committed, never copied into an image) with",
    "# POSTGRES_PASSWORD, REDIS_PASSWORD and MINIO_ROOT_PASSWORD (URL-safe, MinIO needs 8 or more",
    "# characters, e.g. `openssl rand -hex 16`) and the service's own settings. Ports are published",
    "# on 127.0.0.1 only; set APP_PORT, DEBUG_PORT, POSTGRES_PORT, REDIS_PORT, MINIO_PORT or",
    "# MINIO_CONSOLE_PORT in .env when one is taken. The debugger (debugpy) listens on DEBUG_PORT.",
    "",
  ];
  return (
    header.join("\n") +
    stringify(document, { lineWidth: 0, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })
  );
}
