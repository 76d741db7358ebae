import { parseConfig } from "../../lib/config";
import { configProblems } from "../support/config-problems";
import { editedDefaultConfig, type ConfigEdit } from "../support/config-text";

/** Where the development tests pretend the configuration file is: next to a fixture checkout. */
const FIXTURE_CONFIG = "__tests__/fixtures/checkouts/delivery.yaml";

const DIGEST = `sha256:${"d".repeat(64)}`;

describe("image selection per environment", () => {
  it("pins no image by default: an environment runs only the digests the deploy pipeline sets", () => {
    const config = parseConfig(editedDefaultConfig(), "t.yaml");
    expect(config.services[0]?.environments.staging.image).toEqual({});
    expect(config.services[0]?.environments.production.image).toEqual({});
  });

  it("accepts a digest as a bootstrap pin", () => {
    const config = parseConfig(
      editedDefaultConfig([["services", 0, "environments", "production", "image"], { digest: DIGEST }]),
      "t.yaml",
    );
    expect(config.services[0]?.environments.production.image).toEqual({ digest: DIGEST });
  });

  it.each<[string, ConfigEdit, string]>([
    [
      "a tag instead of a digest (a tag can move; plans never resolve one)",
      [["services", 0, "environments", "production", "image", "tag"], "main"],
      "services[0].environments.production.image.tag: unknown key",
    ],
    [
      "a digest that is not sha256",
      [["services", 0, "environments", "production", "image", "digest"], "sha1:abc"],
      "services[0].environments.production.image.digest: must be an image digest, a digest: sha256: followed by 64 lowercase hex digits (got 'sha1:abc')",
    ],
    [
      "an image repository with a digest",
      [["services", 0, "image"], `ghcr.io/acme/orders@${DIGEST}`],
      "services[0].image: must be an OCI image repository",
    ],
    [
      "an ASGI application without an attribute",
      [["services", 0, "container", "asgiApp"], "app.main"],
      "services[0].container.asgiApp: must be an ASGI application as 'package.module:attribute'",
    ],
    [
      "a debugger port equal to the application's port",
      [["services", 0, "container", "debugPort"], 8000],
      "services[0].container.debugPort: must differ from services[0].port (8000)",
    ],
  ])("rejects %s, naming the field", (_, edit, expected) => {
    expect(configProblems(editedDefaultConfig(edit)).join("\n")).toContain(expected);
  });
});

describe("the development section", () => {
  const withCheckout = (...edits: ConfigEdit[]) =>
    editedDefaultConfig([["development", "services", "orders-api"], { source: "orders-api" }], ...edits);

  it("runs no service locally unless one is listed, with the backing services on their usual ports", () => {
    const config = parseConfig(editedDefaultConfig(), "t.yaml");
    expect(config.development).toEqual({
      name: "delivery-dev",
      ports: { postgres: 5432, redis: 6379, minio: 9000, minioConsole: 9001 },
      services: {},
    });
  });

  it("takes a source relative to the configuration file and keeps it relative to the project root", () => {
    const config = parseConfig(withCheckout(), FIXTURE_CONFIG);
    expect(config.development.services["orders-api"]).toEqual({
      source: "__tests__/fixtures/checkouts/orders-api",
      port: 8000,
      debugPort: 5678,
    });
  });

  it.each<[string, ConfigEdit[], string]>([
    [
      "a source directory that does not exist",
      [[["development", "services", "orders-api", "source"], "../missing-checkout"]],
      "development.services.orders-api.source: must be an existing directory, relative to __tests__/fixtures/checkouts/delivery.yaml (got '../missing-checkout'",
    ],
    [
      "an absolute source path",
      [[["development", "services", "orders-api", "source"], "/home/dev/orders-api"]],
      "development.services.orders-api.source: must be a directory relative to this configuration file",
    ],
    [
      "a published port that collides with a backing service's",
      [[["development", "services", "orders-api", "port"], 5432]],
      "development.services.orders-api.port: collides with development.ports.postgres (both publish 5432)",
    ],
    [
      "two backing services on one port",
      [[["development", "ports", "minioConsole"], 9000]],
      "development.ports.minioConsole: collides with development.ports.minio (both publish 9000)",
    ],
    [
      "a debugger port that collides with another service's HTTP port",
      [
        [["services", 1], { name: "billing-api" }],
        [["development", "services", "billing-api"], { source: "orders-api", port: 8001, debugPort: 8000 }],
      ],
      "development.services.billing-api.debugPort: collides with development.services.orders-api.port (both publish 8000)",
    ],
    [
      "a service that is not configured",
      [[["development", "services", "search-api"], { source: "orders-api", port: 8002, debugPort: 5680 }]],
      "development.services.search-api: is not a configured service; configured: orders-api",
    ],
  ])("rejects %s, naming the field", (_, edits, expected) => {
    expect(configProblems(withCheckout(...edits), FIXTURE_CONFIG).join("\n")).toContain(expected);
  });

  it("checks source directories only for services listed in the development section", () => {
    expect(() => parseConfig(editedDefaultConfig(), "/nonexistent/dir/delivery.yaml")).not.toThrow();
  });
});
