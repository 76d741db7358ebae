import { parseConfig } from "../../lib/config";
import { configProblems } from "../support/config-problems";
import { editedDefaultConfig, type ConfigEdit } from "../support/config-text";

/** Where the development tests pretend the configuration file is: next to a fixture checkout. */
const FIXTURE_CONFIG = "__tests__/fixtures/checkouts/delivery.yaml";

const DIGEST = `sha256:${"d".repeat(64)}`;

describe("image selection per environment", () => {
  it("deploys each environment's branch as a tag by default, resolved to its digest", () => {
    const config = parseConfig(editedDefaultConfig(), "t.yaml");
    expect(config.services[0]?.environments.staging.image).toEqual({ tag: "develop", resolveDigest: true });
    expect(config.services[0]?.environments.production.image).toEqual({ tag: "main", resolveDigest: true });
  });

  it("writes a branch with slashes as a tag the way docker/metadata-action does", () => {
    const config = parseConfig(editedDefaultConfig([["environments", "staging", "branch"], "release/1.4"]), "t.yaml");
    expect(config.services[0]?.environments.staging.image.tag).toBe("release-1.4");
  });

  it("accepts a pinned digest without resolution", () => {
    const config = parseConfig(
      editedDefaultConfig(
        [["services", 0, "environments", "production", "image"], { digest: DIGEST, resolveDigest: false }],
        [["services", 0, "environments", "staging", "image"], { digest: DIGEST, resolveDigest: false }],
      ),
      "t.yaml",
    );
    expect(config.services[0]?.environments.production.image).toEqual({
      tag: "main",
      digest: DIGEST,
      resolveDigest: false,
    });
    expect(config.services[0]?.environments.staging.image).toEqual({
      tag: "develop",
      digest: DIGEST,
      resolveDigest: false,
    });
  });

  it.each<[string, ConfigEdit, string]>([
    [
      "a production image that is neither digest-pinned nor resolved",
      [["services", 0, "environments", "production", "image"], { tag: "1.4.2", resolveDigest: false }],
      "services[0].environments.production.image.resolveDigest: production deploys only digest-pinned images",
    ],
    [
      "a staging image that is neither digest-pinned nor resolved (workloads pull by digest everywhere)",
      [["services", 0, "environments", "staging", "image"], { tag: "edge", resolveDigest: false }],
      "services[0].environments.staging.image.resolveDigest: staging deploys only digest-pinned images",
    ],
    [
      "a tag that is not a valid OCI tag",
      [["services", 0, "environments", "staging", "image", "tag"], "my tag"],
      "services[0].environments.staging.image.tag: must be an OCI image tag, a tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or - (got 'my tag')",
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
      "a branch that gives no tag, without an explicit one",
      [["environments", "staging", "branch"], "..."],
      "services[0].environments.staging.image.tag: is required: the branch '...' gives no valid default tag",
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
