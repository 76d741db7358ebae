import { Fn, TerraformStack, Testing } from "cdktf";
import {
  ActionsSecrets,
  ActionsVariables,
  DeploymentEnvironment,
  ManagedFiles,
  ProtectedBranch,
  ProtectedTags,
  RequiredReviewers,
  ServiceRepository,
} from "../../constructs/github";
import { resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";
import { codeOwnersFile, securityPolicyFile } from "../../renderers/github";

// Each construct validates its props eagerly, naming the field, the value and what is allowed.
function stack(): TerraformStack {
  return new TerraformStack(Testing.app(), "test");
}

function synth(scope: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(scope)) as TerraformJson;
}

const branchProps = { repository: "api", name: "main", branches: ["main"], requiredStatusChecks: ["tests"] };

describe("ProtectedBranch", () => {
  it("requires two approvals unless told otherwise", () => {
    const scope = stack();
    new ProtectedBranch(scope, "rules", branchProps);
    const [ruleset] = resourcesOf(synth(scope), "github_repository_ruleset");
    expect(ruleset?.body.rules).toMatchObject({ pull_request: { required_approving_review_count: 2 } });
  });

  it.each([0, 7, 1.5])("rejects %d required approvals", (count) => {
    expect(() => new ProtectedBranch(stack(), "rules", { ...branchProps, requiredApprovals: count })).toThrow(
      `requiredApprovals must be a whole number from 1 to 6 (got ${count})`,
    );
  });

  it("rejects a ruleset without required status checks", () => {
    expect(() => new ProtectedBranch(stack(), "rules", { ...branchProps, requiredStatusChecks: [] })).toThrow(
      /requiredStatusChecks must list at least one check/,
    );
  });

  it("rejects a ruleset without branches", () => {
    expect(() => new ProtectedBranch(stack(), "rules", { ...branchProps, branches: [] })).toThrow(
      /branches must list at least one/,
    );
  });

  it("rejects a bypass actor that is not a GitHub App id", () => {
    expect(() => new ProtectedBranch(stack(), "rules", { ...branchProps, bypassIntegrationIds: [0] })).toThrow(
      "bypassIntegrationIds must be GitHub App IDs (got 0)",
    );
  });
});

describe("ProtectedTags", () => {
  it("rejects a ruleset without tag patterns", () => {
    expect(() => new ProtectedTags(stack(), "tags", { repository: "api", name: "tags", tags: [] })).toThrow(
      /tags must list at least one/,
    );
  });
});

describe("ServiceRepository", () => {
  it("rejects a development branch that is the default branch", () => {
    expect(
      () =>
        new ServiceRepository(stack(), "api", {
          name: "api",
          description: "d",
          defaultBranch: "main",
          developmentBranch: "main",
        }),
    ).toThrow("developmentBranch must differ from defaultBranch (both 'main')");
  });
});

describe("RequiredReviewers", () => {
  it("looks each reviewer up once, whatever the spelling of a login", () => {
    const scope = stack();
    const reviewers = new RequiredReviewers(scope, "reviewers", { users: ["Octocat", "octocat"], teams: ["leads"] });
    expect(reviewers.count).toBe(2);
    const output = synth(scope);
    expect(Object.keys(output.data?.github_user ?? {})).toHaveLength(1);
    expect(Object.keys(output.data?.github_team ?? {})).toHaveLength(1);
  });

  it("rejects more than six reviewers", () => {
    expect(() => new RequiredReviewers(stack(), "r", { users: ["a", "b", "c", "d"], teams: ["e", "f", "g"] })).toThrow(
      "at most 6 reviewers (users and teams together) are allowed by GitHub (got 7)",
    );
  });

  it("rejects a login GitHub would not accept", () => {
    expect(() => new RequiredReviewers(stack(), "r", { users: ["-bad-"] })).toThrow(
      "users must be GitHub logins (got '-bad-')",
    );
  });

  it("rejects a team slug GitHub would not accept", () => {
    expect(() => new RequiredReviewers(stack(), "r", { teams: ["Platform Leads"] })).toThrow(
      "teams must be GitHub team slugs (got 'Platform Leads')",
    );
  });
});

describe("DeploymentEnvironment", () => {
  const props = { repository: "api", environment: "production", deploymentBranches: ["main"] };

  it("prevents self review and administrator bypass by default", () => {
    const scope = stack();
    const reviewers = new RequiredReviewers(scope, "reviewers", { users: ["octocat"] });
    new DeploymentEnvironment(scope, "env", { ...props, reviewers });
    new DeploymentEnvironment(scope, "open", { ...props, environment: "staging" });
    const [gated, open] = resourcesOf(synth(scope), "github_repository_environment").map((block) => block.body);
    expect(gated).toMatchObject({ prevent_self_review: true, can_admins_bypass: false, wait_timer: 0 });
    expect(open).toMatchObject({ prevent_self_review: false, can_admins_bypass: false });
    expect(open?.reviewers).toBeUndefined();
  });

  it.each([-1, 43201, 2.5])("rejects a wait timer of %d minutes", (minutes) => {
    expect(() => new DeploymentEnvironment(stack(), "env", { ...props, waitTimerMinutes: minutes })).toThrow(
      `waitTimerMinutes must be a whole number from 0 to 43200 (got ${minutes})`,
    );
  });

  it("rejects an environment that any branch could deploy to", () => {
    expect(() => new DeploymentEnvironment(stack(), "env", { ...props, deploymentBranches: [] })).toThrow(
      /deploymentBranches or deploymentTags must list at least one pattern/,
    );
  });
});

describe("ActionsSecrets and ActionsVariables", () => {
  it.each(["slack-url", "GITHUB_TOKEN", "1ST"])("rejects the secret name %s", (name) => {
    expect(() => new ActionsSecrets(stack(), "s", { repository: "api", serviceName: "api", names: [name] })).toThrow(
      `names must match ^[A-Z_][A-Z0-9_]*$ and not start with GITHUB_ (got '${name}')`,
    );
  });

  it("rejects a secret listed twice", () => {
    expect(
      () => new ActionsSecrets(stack(), "s", { repository: "api", serviceName: "api", names: ["A", "A"] }),
    ).toThrow("names lists 'A' twice");
  });

  it("shares one sensitive variable between constructs that need the same secret", () => {
    const scope = stack();
    new ActionsSecrets(scope, "repo", { repository: "api", serviceName: "api", names: ["TOKEN"] });
    new ActionsSecrets(scope, "env", { repository: "api", serviceName: "api", names: ["TOKEN"], environment: "prod" });
    expect(Object.keys(synth(scope).variable ?? {})).toEqual(["api_token"]);
  });

  it("rejects a variable name GitHub would reject", () => {
    expect(() => new ActionsVariables(stack(), "v", { repository: "api", variables: { "log-level": "x" } })).toThrow(
      "variables must match ^[A-Z_][A-Z0-9_]*$ and not start with GITHUB_ (got 'log-level')",
    );
  });
});

describe("ManagedFiles", () => {
  const file = { path: "a.txt", content: "a" };

  it("rejects a path listed twice", () => {
    expect(() => new ManagedFiles(stack(), "f", { repository: "api", files: [file, file] })).toThrow(
      "'a.txt' is listed twice for repository api",
    );
  });

  it("rejects a repository given as a reference, which would defer the target's lookups to apply time", () => {
    expect(
      () => new ManagedFiles(stack(), "f", { repository: Fn.lower("API"), files: [{ path: "a.txt", content: "" }] }),
    ).toThrow("repository must be the repository's plain name, not a reference");
  });

  it("rejects a path with a leading slash", () => {
    expect(
      () => new ManagedFiles(stack(), "f", { repository: "api", files: [{ path: "/a.txt", content: "" }] }),
    ).toThrow("without a leading slash (got '/a.txt')");
  });

  it("rejects a target branch listed twice", () => {
    expect(
      () =>
        new ManagedFiles(stack(), "f", {
          repository: "api",
          files: [file],
          targets: [{ branch: "main" }, { branch: "main", delivery: "direct-commit" }],
        }),
    ).toThrow("targets lists branch 'main' twice");
  });

  it("rejects a target branch under the head branch prefix", () => {
    expect(
      () =>
        new ManagedFiles(stack(), "f", {
          repository: "api",
          files: [file],
          targets: [{ branch: "automation/managed-files/x" }],
        }),
    ).toThrow("lies under headBranchPrefix 'automation/managed-files'");
  });

  it("rejects a head branch prefix that is not a branch name", () => {
    expect(
      () => new ManagedFiles(stack(), "f", { repository: "api", files: [file], headBranchPrefix: "bad prefix" }),
    ).toThrow("headBranchPrefix must be a git branch name (got 'bad prefix')");
  });

  it("opens no pull request when there is nothing to commit (GitHub rejects an empty one)", () => {
    const scope = stack();
    new ManagedFiles(scope, "f", { repository: "api", files: [] });
    expect(resourcesOf(synth(scope), "github_repository_pull_request")).toEqual([]);
  });

  it("proposes files to main in a pull request by default, with content kept verbatim", () => {
    const scope = stack();
    new ManagedFiles(scope, "f", { repository: "api", files: [{ path: "ci.yml", content: "run: ${{ github.sha }}" }] });
    const output = synth(scope);
    expect(resourcesOf(output, "github_repository_file").map((block) => block.body)).toMatchObject([
      { branch: "${each.key}", content: "run: $${{ github.sha }}" },
    ]);
    expect(resourcesOf(output, "github_repository_pull_request").map((block) => block.body.base_ref)).toEqual(["main"]);
  });
});

describe("governance files", () => {
  it("rejects a CODEOWNERS file without owners", () => {
    expect(() => codeOwnersFile({ owner: "acme", users: [], teams: [], managedPaths: [] })).toThrow(
      /list at least one user or team/,
    );
  });

  it("rejects a security contact that is not an email address", () => {
    expect(() =>
      securityPolicyFile({ repository: "acme/api", contact: "security at acme", maintainers: ["@a"] }),
    ).toThrow("contact must be an email address (got 'security at acme')");
  });

  it("rejects a security policy nobody can be contacted through", () => {
    expect(() => securityPolicyFile({ repository: "acme/api", maintainers: [] })).toThrow(
      "maintainers must list at least one handle",
    );
  });

  it("rejects a response time below one day", () => {
    expect(() => securityPolicyFile({ repository: "acme/api", responseDays: 0, maintainers: ["@a"] })).toThrow(
      "responseDays must be a whole number of days, at least 1 (got 0)",
    );
  });

  it("renders CODEOWNERS and SECURITY.md readably", () => {
    const codeOwners = codeOwnersFile({
      owner: "acme",
      users: ["octocat"],
      teams: ["platform-leads"],
      managedPaths: [".github/workflows/ci.yml", "SECURITY.md", "compose.yaml"],
    });
    expect(codeOwners.content).toMatchSnapshot();
    expect(
      securityPolicyFile({
        repository: "acme/api",
        contact: "security@example.com",
        privateVulnerabilityReporting: true,
        maintainers: ["@octocat", "@acme/platform-leads"],
      }).content,
    ).toMatchSnapshot();
  });
});
