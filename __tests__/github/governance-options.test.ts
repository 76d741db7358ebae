import { configWith } from "../support/config-text";
import { synthesizeConfig, groupOf } from "../support/synth";
import { jsonText, dataSourcesOf, resourcesOf } from "../../lib/terraform-json/terraform-json";

// The governance options away from their defaults, in one synthesized app.
const app = synthesizeConfig(
  configWith(
    [["github", "managedFiles", "bypass"], { integrationId: 98765 }],
    [["github", "visibility"], "public"],
    [["github", "branchRules", "approvals"], { production: 3, staging: 2, release: 4 }],
    [["github", "codeOwners"], { users: ["alice"], teams: [] }],
    [["github", "securityPolicy", "contact"], "delete"],
    [["services", 0, "adoptRepository"], true],
    [["services", 0, "variables", "repository"], { PYTHON_VERSION: "3.13.6", GREETING: "hello ${name} %{x}" }],
    [["services", 1], { name: "billing-api" }],
    [["environments", "production", "deployFrom", "releaseTags"], true],
  ),
);
const github = groupOf(app, "github");
const production = groupOf(app, "production");

const rulesetsOf = (repository: string) =>
  resourcesOf(github, "github_repository_ruleset").filter((block) => block.name.startsWith(`${repository}-`));

describe("the managed-files bypass (opt-in)", () => {
  it("adds the GitHub App as the only bypass actor, on the production branch only", () => {
    for (const block of rulesetsOf("orders-api")) {
      const expected =
        block.body.name === "production branch (main)"
          ? [{ actor_id: 98765, actor_type: "Integration", bypass_mode: "always" }]
          : [];
      expect({ name: block.body.name, bypass: block.body.bypass_actors ?? [] }).toEqual({
        name: block.body.name,
        bypass: expected,
      });
    }
  });

  it("commits the files straight to main and still proposes them to develop in a pull request", () => {
    const files = resourcesOf(github, "github_repository_file").filter((file) => file.name.startsWith("orders-api-"));
    const onMain = files.filter((file) => file.body.branch === "main");
    expect(onMain.length).toBeGreaterThan(0);
    for (const file of onMain) {
      expect(file.body.autocreate_branch).toBeUndefined();
    }
    const pullRequests = resourcesOf(github, "github_repository_pull_request").filter((pr) =>
      pr.name.startsWith("orders-api-"),
    );
    expect(pullRequests.map((pr) => pr.body.base_ref)).toEqual(["develop"]);
  });
});

describe("adopting an existing repository", () => {
  it("imports the repository instead of creating it, with no initial commit and no branch renamed", () => {
    const [repository] = resourcesOf(github, "github_repository").filter((block) => block.body.name === "orders-api");
    expect((github as { import?: unknown }).import).toEqual([
      { to: `github_repository.${repository?.name}`, id: "orders-api" },
    ]);
    expect(repository?.body.auto_init).toBe(false);
    const defaultBranch = resourcesOf(github, "github_branch_default").find((block) =>
      block.name.startsWith("orders-api_"),
    );
    expect(defaultBranch?.body.rename).toBe(false);
  });

  it("still creates the other service's repository", () => {
    const [billing] = resourcesOf(github, "github_repository").filter((block) => block.body.name === "billing-api");
    expect(billing?.body.auto_init).toBe(true);
  });
});

describe("repository options", () => {
  it("turns on secret scanning and push protection on public repositories, where they are free", () => {
    for (const repository of resourcesOf(github, "github_repository")) {
      expect(repository.body.security_and_analysis).toEqual({
        secret_scanning: { status: "enabled" },
        secret_scanning_push_protection: { status: "enabled" },
      });
      expect(repository.body.visibility).toBe("public");
    }
  });

  it("requires the configured number of approvals on each branch", () => {
    const approvals = Object.fromEntries(
      rulesetsOf("billing-api")
        .filter((block) => block.body.target === "branch")
        .map((block) => [
          jsonText(block.body.name),
          (block.body.rules as { pull_request: { required_approving_review_count: number } }).pull_request
            .required_approving_review_count,
        ]),
    );
    expect(approvals).toEqual({
      "production branch (main)": 3,
      "staging branch (develop)": 2,
      "release branches": 4,
    });
  });

  it("names the configured code owners instead of the production reviewers", () => {
    const codeOwners = resourcesOf(github, "github_repository_file").find(
      (file) => file.body.file === ".github/CODEOWNERS",
    );
    expect(codeOwners?.body.content).toMatch(/^\/Dockerfile +@alice$/m);
    expect(codeOwners?.body.content).not.toContain("octocat");
  });

  it("points SECURITY.md of a public repository at private vulnerability reporting, and at the code owners", () => {
    const policy = jsonText(
      resourcesOf(github, "github_repository_file").find((file) => file.body.file === "SECURITY.md")?.body.content,
    );
    expect(policy).toContain("/security/advisories/new");
    expect(policy).not.toContain("by email");
    expect(policy).toContain("to the maintainers: @alice");
  });

  it("writes repository variables verbatim, escaping template syntax", () => {
    const variables = resourcesOf(github, "github_actions_variable")
      .filter((block) => block.name.startsWith("orders-api-"))
      .map((block) => [block.body.variable_name, block.body.value]);
    expect(variables).toEqual([
      ["GREETING", "hello $${name} %%{x}"],
      ["PYTHON_VERSION", "3.13.6"],
    ]);
  });
});

describe("environments with several services", () => {
  it("lets production deploy from v* tags when the config enables it", () => {
    const tagPatterns = resourcesOf(production, "github_repository_environment_deployment_policy")
      .map((policy) => policy.body.tag_pattern)
      .filter((pattern) => pattern !== undefined);
    expect(tagPatterns).toEqual(["v*", "v*"]);
  });

  it("looks each reviewer up once per stack, shared by every repository's environment", () => {
    expect(dataSourcesOf(production, "github_user")).toHaveLength(1);
    expect(dataSourcesOf(production, "github_team")).toHaveLength(1);
    const reviewers = resourcesOf(production, "github_repository_environment").map((block) => block.body.reviewers);
    expect(reviewers).toHaveLength(2);
    expect(reviewers[0]).toEqual(reviewers[1]);
  });
});
