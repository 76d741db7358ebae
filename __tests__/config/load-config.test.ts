import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig, parseConfig } from "../../lib/config";
import { configProblems } from "../support/config-problems";
import { editedDefaultConfig, MINIMAL_CONFIG_TEXT } from "../support/config-text";
import { loadDefaultConfig } from "../support/synth";

describe("the default configuration", () => {
  it("describes one example service and validates", () => {
    const config = loadDefaultConfig();
    expect(config.services.map((service) => service.name)).toEqual(["orders-api"]);
  });

  it("fills every omitted field with its documented default", () => {
    const config = parseConfig(MINIMAL_CONFIG_TEXT, "minimal.yaml");
    const [service] = config.services;
    expect(service).toMatchObject({
      repository: "api",
      image: "ghcr.io/acme/api",
      port: 8000,
      healthPaths: { startup: "/health", readiness: "/readiness", liveness: "/liveness" },
      resources: { limits: { cpu: "1", memory: "512Mi" } },
      environments: { staging: { replicas: { min: 1, max: 3 } }, production: { replicas: { min: 2, max: 10 } } },
    });
    expect(config.environments.staging).toMatchObject({ branch: "develop", strategy: "rolling" });
    expect(config.environments.production).toMatchObject({ branch: "main", strategy: "blue-green" });
    expect(config.terraformCloud.workspacePrefix).toBe("api");
  });

  it("puts an image without a registry host on ghcr.io", () => {
    const config = parseConfig(editedDefaultConfig([["services", 0, "image"], "acme/orders"]), "t.yaml");
    expect(config.services[0]?.image).toBe("ghcr.io/acme/orders");
    const other = parseConfig(
      editedDefaultConfig([["services", 0, "image"], "registry.example.com:5000/acme/orders"]),
      "t.yaml",
    );
    expect(other.services[0]?.image).toBe("registry.example.com:5000/acme/orders");
  });

  it("lets a service override the environment's replica bounds", () => {
    const config = loadDefaultConfig();
    expect(config.services[0]?.environments.production.replicas).toEqual({ min: 3, max: 12 });
    expect(config.services[0]?.environments.staging.replicas).toEqual(config.environments.staging.replicas);
  });
});

describe("configuration problems", () => {
  it("rejects malformed YAML with the file, line and column", () => {
    const problems = configProblems("github:\n  owner: acme\nservices: [ { name: api\n");
    expect(problems[0]).toMatch(/^ {2}config\/broken\.yaml:\d+:\d+: not valid YAML: /);
  });

  it("rejects duplicate keys as malformed YAML", () => {
    expect(configProblems("github: { owner: a }\ngithub: { owner: b }\n")[0]).toMatch(/not valid YAML: .*unique/i);
  });

  it("rejects an unknown key, naming it, suggesting the likely key and listing the allowed ones", () => {
    const problems = configProblems(editedDefaultConfig([["services", 0, "prot"], 8080]));
    expect(problems).toEqual([
      expect.stringMatching(
        /config\/broken\.yaml:\d+:\d+: services\[0\]\.prot: unknown key \(did you mean 'port'\?\); allowed here: name, repository, image, port, /,
      ),
    ]);
  });

  it("rejects a value of the wrong type, saying what was expected and what was found", () => {
    const problems = configProblems(editedDefaultConfig([["services", 0, "port"], "eight thousand"]));
    expect(problems).toEqual([
      expect.stringContaining("services[0].port: must be of type number (got 'eight thousand')"),
    ]);
  });

  it("rejects a missing required field", () => {
    const problems = configProblems(editedDefaultConfig([["github", "owner"], "delete"]));
    expect(problems).toEqual([expect.stringContaining("github.owner: is required (expected string)")]);
  });

  it.each([
    [
      "zero replicas",
      [["environments", "staging", "replicas", "min"], 0],
      "environments.staging.replicas.min: must be at least 1",
    ],
    [
      "negative replicas",
      [["environments", "staging", "replicas", "max"], -2],
      "environments.staging.replicas.max: must be at least 1",
    ],
    [
      "min above max",
      [["environments", "staging", "replicas"], { min: 5, max: 2 }],
      "environments.staging.replicas.min: min must not be above max",
    ],
    [
      "a CPU limit below its request",
      [["services", 0, "resources"], { requests: { cpu: "2" }, limits: { cpu: "500m" } }],
      "services[0].resources.limits.cpu: must be at least the request (2); got 500m",
    ],
    [
      "a memory limit below its request",
      [["services", 0, "resources"], { requests: { memory: "1Gi" } }],
      "services[0].resources.limits.memory: must be at least the request (1Gi); got 512Mi",
    ],
    [
      "an invalid CPU quantity",
      [["services", 0, "resources", "limits", "cpu"], "lots"],
      "services[0].resources.limits.cpu: must be a positive Kubernetes CPU quantity",
    ],
    [
      "a port above 65535",
      [["services", 0, "port"], 70000],
      "services[0].port: must be an integer from 1 to 65535 (got 70000)",
    ],
    ["port zero", [["services", 0, "port"], 0], "services[0].port: must be an integer from 1 to 65535 (got 0)"],
    [
      "a health path without a leading slash",
      [["services", 0, "healthPaths", "readiness"], "ready"],
      "services[0].healthPaths.readiness: must be an HTTP path starting with '/'",
    ],
    [
      "an unknown rollout strategy",
      [["environments", "staging", "strategy"], "linear"],
      "environments.staging.strategy: must be one of: rolling, blue-green, canary (got 'linear')",
    ],
    [
      "production below two replicas",
      [["environments", "production", "replicas", "min"], 1],
      "environments.production.replicas.min: must be at least 2 in production",
    ],
    [
      "a secret name GitHub rejects",
      [["services", 0, "secrets", "repository"], ["slack-url"]],
      "services[0].secrets.repository[0]: must match ^[A-Z_][A-Z0-9_]*$",
    ],
    [
      "a GITHUB_ secret name",
      [["services", 0, "secrets", "environment"], ["GITHUB_TOKEN"]],
      "services[0].secrets.environment[0]: must not start with GITHUB_",
    ],
    [
      "a wait timer over 30 days",
      [["environments", "production", "approval", "waitTimerMinutes"], 50000],
      "environments.production.approval.waitTimerMinutes: must be from 0 to 43200 minutes",
    ],
    [
      "a reviewer login GitHub would not accept",
      [["environments", "production", "approval", "reviewers", "users"], ["-bad-"]],
      "environments.production.approval.reviewers.users[0]: must be a GitHub login",
    ],
    [
      "an invalid team slug",
      [["environments", "production", "approval", "reviewers", "teams"], ["Platform Leads"]],
      "environments.production.approval.reviewers.teams[0]: must be a GitHub team slug",
    ],
    [
      "a production gate without reviewers",
      [["environments", "production", "approval", "reviewers"], { users: [], teams: [] }],
      "environments.production.approval.reviewers: production needs at least one reviewer",
    ],
    [
      "more than six reviewers",
      [
        ["environments", "production", "approval", "reviewers", "users"],
        ["a", "b", "c", "d", "e", "f", "g"],
      ],
      "environments.production.approval.reviewers: at most 6 reviewers",
    ],
    [
      "a service name Kubernetes rejects",
      [["services", 0, "name"], "Orders_API"],
      "services[0].name: must be a DNS-1123 label",
    ],
    [
      "an image reference with a tag",
      [["services", 0, "image"], "ghcr.io/acme/orders:latest"],
      "services[0].image: must be an OCI image repository",
    ],
    ["no services", [["services"], []], "services: list at least one service"],
  ] as const)("rejects %s", (_, edit, expected) => {
    expect(configProblems(editedDefaultConfig(edit)).join("\n")).toContain(expected);
  });

  it("rejects two services with the same name or repository", () => {
    const problems = configProblems(
      editedDefaultConfig(
        [["services", 1], { name: "orders-api" }],
        [["services", 2], { name: "billing", repository: "orders-api" }],
      ),
    );
    expect(problems.join("\n")).toContain(
      "services[1].name: must be unique: 'orders-api' is already used by services[0]",
    );
    expect(problems.join("\n")).toContain(
      "services[2].repository: must be unique: 'orders-api' is already used by services[0]",
    );
  });

  it("reports every problem of a file at once, in file order", () => {
    const problems = configProblems(
      editedDefaultConfig(
        [["services", 0, "port"], 70000],
        [["services", 0, "healthPaths", "liveness"], "live"],
        [["environments", "staging", "replicas", "min"], 0],
        [["environments", "staging", "colour"], "blue"],
      ),
    );
    expect(problems).toHaveLength(4);
    const lines = problems.map((problem) => Number(/broken\.yaml:(\d+):/.exec(problem)?.[1]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it("locates each problem at its line in the file", () => {
    const text = editedDefaultConfig([["services", 0, "port"], 70000]);
    const portLine = text.split("\n").findIndex((line) => line.includes("port: 70000")) + 1;
    expect(configProblems(text)).toEqual([expect.stringContaining(`config/broken.yaml:${portLine}:`)]);
  });
});

describe("loading a configuration file", () => {
  it("rejects a missing file, naming it and saying how to point at another", () => {
    expect(() => loadConfig("config/does-not-exist.yaml")).toThrow(
      /config\/does-not-exist\.yaml \(1 problem\).*\n.*does-not-exist\.yaml: file not found; set DELIVERY_CONFIG/,
    );
  });

  it("rejects a directory given as the configuration file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-dir-"));
    try {
      expect(() => loadConfig(dir)).toThrow(/: is a directory; set DELIVERY_CONFIG to a configuration file/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("rejects an empty file, pointing to the default file as a starting point", () => {
    expect(() => parseConfig("", "empty.yaml")).toThrow(/empty\.yaml: is empty; start from config\/delivery\.yaml/);
    expect(() => parseConfig("# only a comment\n", "empty.yaml")).toThrow(/empty\.yaml: is empty/);
  });
});
