import { parse } from "yaml";
import { renderComposeFile } from "../../renderers/container/compose-file";
import { PINNED_IMAGES, taggedAndPinned } from "../../lib/domain";

interface ComposeService {
  image?: string;
  build?: { context: string; target: string; args: Record<string, string> };
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: unknown[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
}

interface ComposeDocument {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const text = renderComposeFile({ serviceName: "orders-api", port: 8000, debugPort: 5678, livenessPath: "/liveness" });
const compose = parse(text) as ComposeDocument;

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (found === undefined) {
    throw new Error(`no service ${name}`);
  }
  return found;
}

describe("the generated compose.yaml", () => {
  it("runs the app with PostgreSQL, Redis and MinIO", () => {
    expect(compose.name).toBe("orders-api");
    expect(Object.keys(compose.services)).toEqual(["app", "postgres", "redis", "minio"]);
  });

  it("builds the app from the Dockerfile's development target with its source mounted for hot reload", () => {
    const app = service("app");
    expect(app.build).toEqual({
      context: ".",
      target: "development",
      args: { VERSION: "dev", APP_ENV: "development" },
    });
    expect(app.volumes).toEqual([{ type: "bind", source: ".", target: "/app" }]);
    expect(app.image).toBeUndefined();
  });

  it("injects settings and secrets from .env, never from the file itself", () => {
    const app = service("app");
    expect(app.env_file).toBe(".env");
    const fromDotEnv = /^\$\{[A-Z_]+:\?set [A-Z_]+ in \.env\}$/;
    const secrets = Object.values(compose.services).flatMap((entry) =>
      Object.entries(entry.environment ?? {}).filter(([key]) => /PASSWORD|AUTH|SECRET/.test(key)),
    );
    expect(secrets.map(([key]) => key).sort()).toEqual([
      "AWS_SECRET_ACCESS_KEY",
      "MINIO_ROOT_PASSWORD",
      "POSTGRES_PASSWORD",
      "REDISCLI_AUTH",
    ]);
    for (const [, value] of secrets) {
      expect(value).toMatch(fromDotEnv);
    }
    const redisCommand = service("redis").command ?? [];
    expect(redisCommand[redisCommand.indexOf("--requirepass") + 1]).toMatch(fromDotEnv);
    expect(app.environment?.DATABASE_URL).toBe(
      "postgresql://app:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}@postgres:5432/orders_api",
    );
  });

  it("publishes every port on 127.0.0.1 only", () => {
    const ports = Object.values(compose.services).flatMap((entry) => entry.ports ?? []);
    expect(ports).toHaveLength(6);
    for (const port of ports) {
      expect(port).toMatch(/^127\.0\.0\.1:\$\{[A-Z_]+:-\d+\}:\d+$/);
    }
    expect(service("app").ports).toEqual(["127.0.0.1:${APP_PORT:-8000}:8000", "127.0.0.1:${DEBUG_PORT:-5678}:5678"]);
  });

  it("pins every image by version and digest, from the pin table", () => {
    expect(service("postgres").image).toBe(taggedAndPinned(PINNED_IMAGES.postgres));
    expect(service("redis").image).toBe(taggedAndPinned(PINNED_IMAGES.redis));
    expect(service("minio").image).toBe(taggedAndPinned(PINNED_IMAGES.minio));
    for (const name of ["postgres", "redis", "minio"]) {
      expect(service(name).image).toMatch(/:[^@:]+@sha256:[a-f0-9]{64}$/);
    }
  });

  it("health-checks every service and starts the app only when its backing services are healthy", () => {
    for (const name of Object.keys(compose.services)) {
      expect(service(name).healthcheck?.test[0]).toBe("CMD");
    }
    expect(service("app").depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
      minio: { condition: "service_healthy" },
    });
    expect(service("minio").healthcheck?.test).toEqual(["CMD", "mc", "ready", "local"]);
  });

  it("keeps data in named volumes", () => {
    expect(Object.keys(compose.volumes)).toEqual(["postgres-data", "redis-data", "minio-data"]);
  });

  it("quotes every string, so no YAML 1.1 parser reads a port mapping or 'yes' as a number or boolean", () => {
    expect(text).toContain('- "yes"');
    expect(text).toContain('- "127.0.0.1:${POSTGRES_PORT:-5432}:5432"');
  });
});
