import { PINNED_IMAGES, type PinnedImage } from "./pinned-images";

/**
 * The backing services of local development (PostgreSQL, Redis, MinIO), described once for the
 * two ways of running them: the generated `compose.yaml` and the `development` stack. Both give
 * the application the same environment variables, so the service's settings do not care which
 * one a developer uses.
 */

/** The passwords of the backing services, as `.env` names them. */
export type LocalSecretName = "POSTGRES_PASSWORD" | "REDIS_PASSWORD" | "MINIO_ROOT_PASSWORD";

/**
 * How a password appears inside a value: compose interpolates `${POSTGRES_PASSWORD:?...}` from
 * `.env`; the development stack uses a sensitive Terraform variable. `inUrl` asks for the form
 * that is safe inside a URL.
 */
export type SecretReference = (name: LocalSecretName, inUrl: boolean) => string;

/** The user of PostgreSQL and MinIO, and the owner of every database. */
export const LOCAL_USER = "app";

export interface LocalService {
  /** Container and network name: `postgres`, `redis`, `minio`. */
  readonly name: "postgres" | "redis" | "minio";
  readonly image: PinnedImage;
  /** Container ports, each published on 127.0.0.1 at a host port chosen by the user. */
  readonly ports: readonly {
    readonly key: "postgres" | "redis" | "minio" | "minioConsole";
    readonly internal: number;
  }[];
  /** Where the service keeps its data (a named volume). */
  readonly dataPath: string;
  readonly command?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** Exec form: every one of these images has the command in its PATH. */
  readonly healthcheck: readonly string[];
}

export function localServices(secret: SecretReference, database: string): LocalService[] {
  return [
    {
      name: "postgres",
      image: PINNED_IMAGES.postgres,
      ports: [{ key: "postgres", internal: 5432 }],
      dataPath: "/var/lib/postgresql/data",
      environment: {
        POSTGRES_USER: LOCAL_USER,
        POSTGRES_DB: database,
        POSTGRES_PASSWORD: secret("POSTGRES_PASSWORD", false),
      },
      healthcheck: ["CMD", "pg_isready", "--username", LOCAL_USER, "--dbname", database],
    },
    {
      name: "redis",
      image: PINNED_IMAGES.redis,
      ports: [{ key: "redis", internal: 6379 }],
      dataPath: "/data",
      command: ["redis-server", "--appendonly", "yes", "--requirepass", secret("REDIS_PASSWORD", false)],
      // redis-cli reads the password from REDISCLI_AUTH, so the health check carries none.
      environment: { REDISCLI_AUTH: secret("REDIS_PASSWORD", false) },
      healthcheck: ["CMD", "redis-cli", "ping"],
    },
    {
      name: "minio",
      image: PINNED_IMAGES.minio,
      ports: [
        { key: "minio", internal: 9000 },
        { key: "minioConsole", internal: 9001 },
      ],
      dataPath: "/data",
      command: ["server", "/data", "--console-address", ":9001"],
      environment: { MINIO_ROOT_USER: LOCAL_USER, MINIO_ROOT_PASSWORD: secret("MINIO_ROOT_PASSWORD", false) },
      // The image has no curl; its bundled mc client checks readiness.
      healthcheck: ["CMD", "mc", "ready", "local"],
    },
  ];
}

/**
 * What the application reads (through Pydantic Settings) to reach the backing services. The S3
 * variables are the ones AWS SDKs read themselves (`AWS_ENDPOINT_URL_S3` since boto3 1.28).
 */
export function applicationEnvironment(secret: SecretReference, database: string): Record<string, string> {
  return {
    APP_ENV: "development",
    DATABASE_URL: `postgresql://${LOCAL_USER}:${secret("POSTGRES_PASSWORD", true)}@postgres:5432/${database}`,
    REDIS_URL: `redis://:${secret("REDIS_PASSWORD", true)}@redis:6379/0`,
    AWS_ENDPOINT_URL_S3: "http://minio:9000",
    AWS_ACCESS_KEY_ID: LOCAL_USER,
    AWS_SECRET_ACCESS_KEY: secret("MINIO_ROOT_PASSWORD", false),
    AWS_DEFAULT_REGION: "us-east-1",
  };
}
