import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { LocalContainer } from "../../constructs/docker";
import { buildDeliveryApp } from "../../lib/app/app";
import { parseConfig, type DeliveryConfig } from "../../lib/config";
import { editedDefaultConfig } from "../support/config-text";
import { stackOf, synthesizeConfig } from "../support/synth";
import { terraformConsole } from "../support/terraform-console";
import { jsonText, onlyResourceOf, resourcesOf, stringsIn, type Block } from "../../lib/terraform-json/terraform-json";
import { terraformTemplateErrors } from "../support/terraform-templates";

/** The default configuration with orders-api run locally from the fixture checkout. */
function configWithCheckout(): DeliveryConfig {
  return parseConfig(
    editedDefaultConfig([["development", "services", "orders-api"], { source: "orders-api", port: 8080 }]),
    "__tests__/fixtures/checkouts/delivery.yaml",
  );
}

const app = synthesizeConfig(configWithCheckout());
const stack = stackOf(app, "development");
const containers = resourcesOf(stack, "docker_container");

function container(name: string): Block {
  const found = containers.find((candidate) => candidate.body.name === name);
  if (found === undefined) {
    throw new Error(`no container ${name}; containers: ${containers.map((c) => jsonText(c.body.name)).join(", ")}`);
  }
  return found;
}

interface PortBlock {
  internal: number;
  external: number;
  ip: string;
}

describe("the development stack", () => {
  it("talks to the local Docker engine with no credentials and keeps its state in a local file", () => {
    expect(stack.provider?.docker).toEqual([{}]);
    expect(stack.terraform.backend).toEqual({ local: { path: "../../../terraform.development.tfstate" } });
  });

  it("runs PostgreSQL, Redis, MinIO and the service on one network", () => {
    expect(containers.map((entry) => entry.body.name).sort()).toEqual([
      "delivery-dev-minio",
      "delivery-dev-orders-api",
      "delivery-dev-postgres",
      "delivery-dev-redis",
    ]);
    expect(onlyResourceOf(stack, "docker_network").body).toMatchObject({ name: "delivery-dev", driver: "bridge" });
    for (const entry of containers) {
      expect(entry.body.networks_advanced).toEqual([
        expect.objectContaining({ name: "${docker_network.network.name}" }) as unknown,
      ]);
    }
  });

  it("publishes every port on 127.0.0.1 only", () => {
    const ports = containers.flatMap((entry) => entry.body.ports as unknown as PortBlock[]);
    expect(ports).toHaveLength(6);
    for (const port of ports) {
      expect(port.ip).toBe("127.0.0.1");
    }
    expect(container("delivery-dev-orders-api").body.ports).toEqual([
      { internal: 8000, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 5678, external: 5678, ip: "127.0.0.1", protocol: "tcp" },
    ]);
  });

  it("health-checks every container, and the apply waits until each one is healthy", () => {
    for (const entry of containers) {
      expect(entry.body).toMatchObject({ wait: true, restart: "unless-stopped" });
      expect((entry.body.healthcheck as { test: string[] }).test[0]).toBe("CMD");
    }
  });

  it("pulls the backing services' images by digest, keeps their data in named volumes", () => {
    const images = resourcesOf(stack, "docker_image").filter((entry) => entry.body.build === undefined);
    expect(images.map((entry) => entry.body.name)).toEqual([
      expect.stringMatching(/^quay\.io\/minio\/minio@sha256:[a-f0-9]{64}$/),
      expect.stringMatching(/^postgres@sha256:[a-f0-9]{64}$/),
      expect.stringMatching(/^redis@sha256:[a-f0-9]{64}$/),
    ]);
    expect(resourcesOf(stack, "docker_volume").map((entry) => entry.body.name)).toEqual([
      "delivery-dev-minio-data",
      "delivery-dev-postgres-data",
      "delivery-dev-redis-data",
    ]);
  });

  it("builds the service from its checkout's development target and mounts the checkout for hot reload", () => {
    const build = resourcesOf(stack, "docker_image").find((entry) => entry.body.build !== undefined);
    expect(build?.body.build).toEqual({
      context: "${local.orders_api_source}",
      dockerfile: "Dockerfile",
      target: "development",
      build_args: { VERSION: "dev", APP_ENV: "development" },
    });
    expect(build?.body.triggers).toEqual({
      dockerfile: '${filesha256("${local.orders_api_source}/Dockerfile")}',
      pyproject: '${filesha256("${local.orders_api_source}/pyproject.toml")}',
      lockfile: '${filesha256("${local.orders_api_source}/uv.lock")}',
    });
    expect(container("delivery-dev-orders-api").body.mounts).toEqual([
      { type: "bind", source: "${local.orders_api_source}", target: "/app" },
    ]);
  });

  it("finds the checkout at apply time from where Terraform runs the stack, writing no machine's path", () => {
    expect(stack.locals).toEqual({
      orders_api_source: '${abspath("${path.root}/../../../__tests__/fixtures/checkouts/orders-api")}',
    });
    let root = "";
    const result = terraformConsole(
      { locals: stack.locals },
      "local.orders_api_source",
      {},
      {
        subdirectory: "cdktf.out/stacks/development",
        root: (directory) => {
          root = directory;
        },
      },
    );
    expect(result).toEqual({ value: path.join(root, "__tests__/fixtures/checkouts/orders-api") });
  });

  it("runs the service as uid 1000 with no capabilities and no privilege escalation", () => {
    expect(container("delivery-dev-orders-api").body).toMatchObject({
      user: "1000:1000",
      capabilities: { drop: ["ALL"] },
      security_opts: ["no-new-privileges:true"],
    });
  });

  it("starts the service after its backing services, with its own database and their addresses", () => {
    const appContainer = container("delivery-dev-orders-api");
    expect([...(appContainer.body.depends_on as string[])].sort()).toEqual(
      ["minio", "postgres", "redis"].map((name) => `docker_container.${container(`delivery-dev-${name}`).name}`).sort(),
    );
    expect(appContainer.body.env).toEqual(
      expect.arrayContaining([
        "APP_ENV=development",
        "DATABASE_URL=postgresql://app:${urlencode(var.development_postgres_password)}@postgres:5432/orders_api",
        "REDIS_URL=redis://:${urlencode(var.development_redis_password)}@redis:6379/0",
        "AWS_ENDPOINT_URL_S3=http://minio:9000",
      ]),
    );
    expect(container("delivery-dev-postgres").body.upload).toEqual([
      { file: "/docker-entrypoint-initdb.d/10-databases.sql", content: "CREATE DATABASE orders_api OWNER app;\n" },
    ]);
  });

  it("takes every password from a sensitive variable", () => {
    for (const name of [
      "development_postgres_password",
      "development_redis_password",
      "development_minio_root_password",
    ]) {
      expect(stack.variable?.[name]).toMatchObject({ sensitive: true, nullable: false, type: "string" });
    }
    const secrets = stringsIn(stack.resource).filter((entry) => /PASSWORD=|AUTH=|SECRET_ACCESS_KEY=/.test(entry.value));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const entry of secrets) {
      expect(entry.value).toMatch(/=\$\{var\.development_[a-z_]+_password\}$/);
    }
  });

  it("parses as Terraform templates", () => {
    expect(terraformTemplateErrors(stack)).toEqual([]);
  });

  it("writes no absolute host path: bind mounts come from expressions", () => {
    const bindSources = containers.flatMap((entry) =>
      (entry.body.mounts as { type: string; source: string }[]).filter((mount) => mount.type === "bind"),
    );
    for (const mount of bindSources) {
      expect(mount.source).toMatch(/^\$\{local\.[a-z_]+_source\}$/);
    }
    expect(app.files.development).not.toContain(process.cwd());
  });

  it("matches its snapshot", () => {
    expect(app.files.development).toMatchSnapshot();
  });

  it("rejects a published port outside 1-65535, naming it", () => {
    const scratch = new TerraformStack(new App(), "scratch");
    expect(
      () =>
        new LocalContainer(scratch, "web", {
          name: "web",
          image: "web",
          network: "net",
          hostname: "web",
          healthcheck: ["CMD", "true"],
          ports: [{ internal: 80, external: 70000 }],
        }),
    ).toThrow("LocalContainer web: ports[].external must be from 1 to 65535 (got 70000)");
  });

  it("rejects a checkout path that cannot be written into a Terraform string", () => {
    const config = configWithCheckout();
    const quoted: DeliveryConfig = {
      ...config,
      development: {
        ...config.development,
        services: { "orders-api": { source: 'checkouts/"orders"', port: 8000, debugPort: 5678 } },
      },
    };
    expect(() => buildDeliveryApp(quoted, { outdir: "unused" })).toThrow(
      /development\.services\.orders-api\.source: the checkout's path from the project root \('checkouts\/"orders"'\) must use only/,
    );
  });
});
