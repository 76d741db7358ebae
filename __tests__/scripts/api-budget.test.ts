import {
  apiBudgetMarkdown,
  GITHUB_READ_COSTS,
  PROVIDER_CONFIGURE_REQUESTS,
  stackApiBudget,
} from "../../scripts/report/api-budget";
import type { JsonObject } from "../../lib/terraform-json/terraform-json";
import { synthesizeDefaultConfig } from "../support/synth";

const stack: JsonObject = {
  provider: { github: [{ owner: "acme" }] },
  resource: {
    github_repository: { a: { name: "a" }, b: { name: "b" } },
    github_repository_file: { f: { file: "x", branch: "main" } },
    github_actions_environment_secret: { s: { secret_name: "S" } },
    kubernetes_deployment_v1: { d: {} },
    terraform_data: { t: {} },
  },
  data: { github_user: { u: { username: "alice" } }, docker_registry_image: { i: { name: "x" } } },
};

describe("GitHub API budget of a refresh", () => {
  it("adds each GitHub block's read requests and one owner lookup per provider configuration", () => {
    const budget = stackApiBudget("github", stack);
    // 2 repositories x 2, 1 file x 3, 1 environment secret x 2, 1 user lookup x 3, provider 1
    expect(budget.requests).toBe(4 + 3 + 2 + 3 + PROVIDER_CONFIGURE_REQUESTS);
    expect(budget.types.map((type) => [type.type, type.count, type.requests])).toEqual([
      ["data.github_user", 1, 3],
      ["github_actions_environment_secret", 1, 2],
      ["github_repository", 2, 4],
      ["github_repository_file", 1, 3],
    ]);
  });

  it("counts nothing for Kubernetes, Docker and terraform_data blocks: they call other APIs", () => {
    const budget = stackApiBudget("staging", {
      resource: { kubernetes_namespace_v1: { n: {} }, terraform_data: { t: {} } },
      data: { docker_registry_image: { i: {} } },
    });
    expect(budget).toEqual({ id: "staging", types: [], providers: 0, requests: 0, unknownTypes: [] });
  });

  it("names a GitHub type without a known read cost instead of hiding it", () => {
    const budget = stackApiBudget("github", { resource: { github_membership: { t: {} } } });
    expect(budget.unknownTypes).toEqual(["github_membership"]);
    expect(apiBudgetMarkdown([budget])).toMatch(
      /Not estimated \(no read cost known, counted as 0\): github_membership/,
    );
  });

  it("knows the read cost of every GitHub type the default configuration synthesizes", () => {
    const app = synthesizeDefaultConfig();
    for (const [id, json] of Object.entries(app.stacks)) {
      expect({ id, unknown: stackApiBudget(id, json).unknownTypes }).toEqual({ id, unknown: [] });
    }
  });

  it("reports the fleet total against one token's hourly limit, and the cost table with provider file and line", () => {
    const text = apiBudgetMarkdown([stackApiBudget("github", stack), stackApiBudget("staging", {})]);
    expect(text).toMatch(/Fleet: 13 requests \(0\.3 % of one token's 5000 an hour\); largest stack: github, 13\./);
    for (const [type, cost] of Object.entries(GITHUB_READ_COSTS)) {
      expect(cost.calls).toMatch(/\.go:\d+/);
      expect(text).toContain(`| ${type} `);
    }
  });
});
