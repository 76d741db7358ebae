import { pipelineSecrets, requiredStatusChecks } from "../../renderers/workflows";
import { servicePipelineProps } from "../../stacks/github-stack";
import {
  DERIVED_ENVIRONMENT_VARIABLES,
  environmentStackId,
  githubStackId,
  serviceEnvironmentStackId,
  type EnvironmentName,
} from "../../lib/domain";
import { loadDefaultConfig, stackOf, synthesizeDefaultConfig, groupOf, STACK_IDS } from "../support/synth";
import {
  jsonText,
  dataSourcesOf,
  onlyResourceOf,
  resourcesOf,
  type Block,
  type TerraformJson,
} from "../../lib/terraform-json/terraform-json";
import { secretVariableName } from "../../lib/domain";

// Every governance guarantee (repository settings, branch rules, managed files, approval-gated
// environments, secrets and variables), read from the default configuration's output.
const config = loadDefaultConfig();

// Values for every secret, present in the environment the way `TF_VAR_...` would be: none of them
// may reach the output. Constructs read no environment; this proves it for the whole app.
const SECRET_VALUES: Record<string, string> = Object.fromEntries(
  [
    ...config.services.flatMap((service) =>
      [
        ...service.secrets.repository,
        ...service.secrets.environment,
        ...pipelineSecrets(servicePipelineProps(config, service)).repository,
        ...pipelineSecrets().environment,
      ].map((name) => secretVariableName(service.name, name)),
    ),
    "kubernetes_host",
    "kubernetes_cluster_ca_certificate",
    "kubernetes_token",
    "registry_username",
    "registry_password",
  ].map((name, index) => [`TF_VAR_${name}`, `leak-canary-${index}-${name.replace(/_/g, "")}`]),
);
const savedEnvironment = { ...process.env };
Object.assign(process.env, SECRET_VALUES, { GITHUB_TOKEN: "leak-canary-github-token" });
const app = synthesizeDefaultConfig();
process.env = savedEnvironment;
const github = groupOf(app, "github");
const staging = groupOf(app, "staging");
const production = groupOf(app, "production");

/** `${github_repository.x.name}` -> the block it references. */
function referenced(stack: TerraformJson, reference: unknown): Block {
  const match = /^\$\{(data\.)?([a-z_0-9]+)\.([^.}]+)\.[a-z_.]+\}$/.exec(String(reference));
  if (match === null) {
    throw new Error(`not a single reference: ${String(reference)}`);
  }
  const [, data, type = "", name] = match;
  const found = (data === undefined ? resourcesOf(stack, type) : dataSourcesOf(stack, type)).find(
    (block) => block.name === name,
  );
  if (found === undefined) {
    throw new Error(`${String(reference)} references nothing in the stack`);
  }
  return found;
}

function ruleset(name: string): Record<string, unknown> & { rules: Record<string, unknown> } {
  const found = resourcesOf(github, "github_repository_ruleset").filter((block) => block.body.name === name);
  expect(found).toHaveLength(1);
  return found[0]?.body as Record<string, unknown> & { rules: Record<string, unknown> };
}

const BRANCH_RULESETS = [
  ["production branch (main)", "refs/heads/main", 2],
  ["staging branch (develop)", "refs/heads/develop", 1],
  ["release branches", "refs/heads/release/**/*", 2],
] as const;

describe("repository settings", () => {
  const repository = onlyResourceOf(github, "github_repository").body;

  it("merges by squash only, deletes head branches after merge and allows auto-merge", () => {
    expect(repository).toMatchObject({
      allow_squash_merge: true,
      allow_merge_commit: false,
      allow_rebase_merge: false,
      delete_branch_on_merge: true,
      allow_auto_merge: true,
    });
  });

  it("turns on vulnerability alerts and Dependabot security updates, and no licence-only feature without a declared licence", () => {
    expect(repository.vulnerability_alerts).toBe(true);
    expect(onlyResourceOf(github, "github_repository_dependabot_security_updates").body).toMatchObject({
      enabled: true,
    });
    // The default config declares no Advanced Security product for its private repository.
    expect(repository.security_and_analysis).toBeUndefined();
  });

  it("archives instead of deleting on destroy, and refuses to plan the repository's destruction", () => {
    expect(repository.archive_on_destroy).toBe(true);
    expect(repository.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("creates a private repository with a first commit, so that main exists", () => {
    expect(repository).toMatchObject({ name: "orders-api", visibility: "private", auto_init: true });
    expect(github).not.toHaveProperty("import");
  });

  it("makes main the default branch (renaming a new repository's first branch) and creates develop from it", () => {
    expect(onlyResourceOf(github, "github_branch_default").body).toMatchObject({ branch: "main", rename: true });
    expect(onlyResourceOf(github, "github_branch").body).toMatchObject({ branch: "develop", source_branch: "main" });
    for (const type of ["github_branch_default", "github_branch"]) {
      const branch = onlyResourceOf(github, type).body;
      expect(referenced(github, branch.repository).body.name).toBe("orders-api");
    }
  });
});

describe("branch rules", () => {
  it("protects main, develop and every release branch with one active ruleset each", () => {
    for (const [name, ref] of BRANCH_RULESETS) {
      expect(ruleset(name)).toMatchObject({
        target: "branch",
        enforcement: "active",
        conditions: { ref_name: { include: [ref], exclude: [] } },
      });
    }
  });

  it.each(BRANCH_RULESETS)("requires reviewed pull requests into %s (%s) with %d approvals", (name, _, approvals) => {
    expect(ruleset(name).rules.pull_request).toEqual({
      required_approving_review_count: approvals,
      dismiss_stale_reviews_on_push: true,
      require_last_push_approval: true,
      require_code_owner_review: true,
      required_review_thread_resolution: true,
    });
  });

  it("takes the approval counts from the config", () => {
    const { approvals } = config.github.branchRules;
    expect(BRANCH_RULESETS.map(([, , count]) => count)).toEqual([
      approvals.production,
      approvals.staging,
      approvals.release,
    ]);
  });

  it("requires exactly the CI job names as status checks, from GitHub Actions, on an up-to-date branch", () => {
    for (const [name] of BRANCH_RULESETS) {
      const checks = ruleset(name).rules.required_status_checks as {
        required_check: { context: string; integration_id: number }[];
        strict_required_status_checks_policy: boolean;
      };
      const pipeline = config.services[0] === undefined ? {} : servicePipelineProps(config, config.services[0]);
      // The default config's private repository has no GitHub Code Security: no CodeQL check.
      expect(checks.required_check.map((check) => check.context)).toEqual(requiredStatusChecks(pipeline));
      expect(requiredStatusChecks(pipeline)).toEqual(["quality", "tests", "container"]);
      expect(new Set(checks.required_check.map((check) => check.integration_id))).toEqual(new Set([15368]));
      expect(checks.strict_required_status_checks_policy).toBe(true);
    }
  });

  it("keeps history linear and forbids force pushes and deletion", () => {
    for (const [name] of BRANCH_RULESETS) {
      expect(ruleset(name).rules).toMatchObject({
        required_linear_history: true,
        non_fast_forward: true,
        deletion: true,
      });
    }
  });

  it("lets nobody bypass the rules, administrators included", () => {
    for (const block of resourcesOf(github, "github_repository_ruleset")) {
      expect({ name: block.body.name, bypass: block.body.bypass_actors ?? [] }).toEqual({
        name: block.body.name,
        bypass: [],
      });
    }
  });

  it("protects v* tags from deletion, force pushes and updates", () => {
    expect(ruleset("release tags")).toMatchObject({
      target: "tag",
      enforcement: "active",
      conditions: { ref_name: { include: ["refs/tags/v*"], exclude: [] } },
      rules: { deletion: true, non_fast_forward: true, update: true },
    });
  });
});

describe("managed files", () => {
  const files = resourcesOf(github, "github_repository_file");
  const contentOf = (path: string) => files.find((file) => file.body.file === path)?.body.content as string;

  it("commits nothing straight to a protected branch: every file goes to an automation branch", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(jsonText(file.body.branch)).toMatch(/^automation\/managed-files\/(main|develop)$/);
      expect(file.body.autocreate_branch).toBe(true);
    }
  });

  it("proposes the files to main and to develop in one pull request each", () => {
    const pullRequests = resourcesOf(github, "github_repository_pull_request").map((block) => block.body);
    expect(pullRequests.map((pr) => [pr.base_ref, pr.head_ref])).toEqual([
      ["develop", "automation/managed-files/develop"],
      ["main", "automation/managed-files/main"],
    ]);
    for (const pr of pullRequests) {
      const target = jsonText(pr.base_ref);
      const committed = files.filter((file) => file.body.branch === `automation/managed-files/${target}`);
      expect([...(pr.depends_on as string[])].sort()).toEqual(
        committed.map((file) => `github_repository_file.${file.name}`).sort(),
      );
    }
  });

  it("commits one file after another, so that commits to the same branch never race", () => {
    for (const target of ["main", "develop"]) {
      const chain = files.filter((file) => file.body.branch === `automation/managed-files/${target}`);
      const dependents = chain.flatMap((file) =>
        (file.body.depends_on as string[]).filter((d) => d.includes("_file.")),
      );
      expect(dependents).toHaveLength(chain.length - 1);
    }
  });

  it("creates each automation branch from the target's tip latched when the file's content last changed", () => {
    for (const file of files) {
      const latch = referenced(github, file.body.autocreate_branch_source_sha);
      expect(latch.address).toMatch(/^terraform_data\./);
      expect(latch.body.lifecycle).toEqual({ ignore_changes: ["input"] });
      expect(referenced(github, (latch.body.input as { sha: string }).sha).body.branch).toBe(
        file.body.autocreate_branch_source_branch,
      );
    }
  });

  it("opens a new pull request whenever the set of files or their content changes", () => {
    for (const pr of resourcesOf(github, "github_repository_pull_request")) {
      const [trigger] = (pr.body.lifecycle as { replace_triggered_by: string[] }).replace_triggered_by;
      const manifest = resourcesOf(github, "terraform_data").find(
        (block) => `terraform_data.${block.name}` === trigger,
      );
      expect(Object.keys(manifest?.body.triggers_replace ?? {})).toEqual(["files"]);
      expect((manifest?.body.triggers_replace as { files: string }).files).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("ignores the commit message the provider reads back after a squash merge", () => {
    for (const file of files) {
      expect(file.body.lifecycle).toEqual({ ignore_changes: ["commit_message"] });
    }
  });

  it("keeps a CODEOWNERS file that gives the workflows, the Dockerfile and every managed file an owner", () => {
    const lines = contentOf(".github/CODEOWNERS")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    const owned = lines.map((line) => line.split(/\s+/)[0] ?? "");
    expect(owned).toEqual(expect.arrayContaining(["/.github/workflows/", "/Dockerfile"]));
    for (const path of new Set(files.map((file) => `/${jsonText(file.body.file)}`))) {
      expect(owned.some((pattern) => pattern === path || (pattern.endsWith("/") && path.startsWith(pattern)))).toBe(
        true,
      );
    }
    for (const line of lines) {
      expect(line.split(/\s+/).slice(1)).toEqual(["@octocat", "@acme-platform/platform-leads"]);
    }
  });

  it("keeps a SECURITY.md with the contact, the disclosure process and its timelines", () => {
    const policy = contentOf("SECURITY.md");
    expect(policy).toContain("security@example.com");
    expect(policy).toContain("@octocat, @acme-platform/platform-leads");
    // A private repository has no private vulnerability reporting to link to.
    expect(policy).not.toContain("/security/advisories/new");
    expect(policy).toMatch(/within 5 days/);
    expect(policy).toMatch(/within 90 days/);
    expect(policy).toMatch(/vulnerabilit/i);
    expect(policy).toMatch(/disclos/i);
  });
});

describe("the production environment", () => {
  const environment = onlyResourceOf(production, "github_repository_environment").body;

  it("requires a reviewer other than the person who started the deployment, with no administrator bypass", () => {
    expect(environment).toMatchObject({
      environment: "production",
      repository: "orders-api",
      prevent_self_review: true,
      can_admins_bypass: false,
      wait_timer: 15,
    });
  });

  it("resolves reviewer logins and team slugs to ids through the provider's data sources of the service's production stack", () => {
    const own = stackOf(app, serviceEnvironmentStackId("production", "orders-api"));
    const [reviewers] = onlyResourceOf(own, "github_repository_environment").body.reviewers as {
      users: string[];
      teams: string[];
    }[];
    expect(reviewers?.users.map((id) => referenced(own, id).body)).toMatchObject([{ username: "octocat" }]);
    expect(reviewers?.teams.map((id) => referenced(own, id).body)).toMatchObject([
      { slug: "platform-leads", summary_only: true },
    ]);
    expect(
      reviewers?.users.concat(reviewers.teams).every((id) => /^\$\{data\.github_(user|team)\..+\.id\}$/.test(id)),
    ).toBe(true);
  });

  it("deploys only from main", () => {
    expect(environment.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
    expect(resourcesOf(production, "github_repository_environment_deployment_policy").map((p) => p.body)).toMatchObject(
      [{ repository: "orders-api", branch_pattern: "main" }],
    );
  });
});

describe("the staging environment", () => {
  const environment = onlyResourceOf(staging, "github_repository_environment").body;

  it("has no reviewers and no administrator bypass", () => {
    expect(environment.reviewers).toBeUndefined();
    expect(environment.can_admins_bypass).toBe(false);
    // GitHub rejects prevent_self_review on an environment without reviewers.
    expect(environment.prevent_self_review).toBe(false);
    expect(dataSourcesOf(staging, "github_user")).toEqual([]);
  });

  it("deploys only from develop, release branches and main, whose builds pass staging before production", () => {
    expect(environment.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
    const policies = resourcesOf(staging, "github_repository_environment_deployment_policy").map((p) => p.body);
    expect(policies.map((policy) => policy.branch_pattern).sort()).toEqual(["develop", "main", "release/**/*"]);
    expect(policies.some((policy) => "tag_pattern" in policy)).toBe(false);
  });
});

describe("secrets and variables", () => {
  const [service] = config.services;

  it("writes no secret value anywhere, even with every value set in the environment", () => {
    const output = Object.values(app.files).join("\n");
    expect(output).not.toContain("leak-canary");
    expect(Object.keys(SECRET_VALUES).length).toBeGreaterThan(10);
  });

  it("declares the configured repository secrets and the pipeline's repository-level ones", () => {
    const names = resourcesOf(github, "github_actions_secret").map((secret) => secret.body.secret_name);
    const pipeline = service === undefined ? {} : servicePipelineProps(config, service);
    expect(new Set(names)).toEqual(
      new Set([...(service?.secrets.repository ?? []), ...pipelineSecrets(pipeline).repository]),
    );
    expect(names).toHaveLength(new Set(names).size);
  });

  it("declares no credential that can change an environment as a repository secret", () => {
    const repositoryLevel = resourcesOf(github, "github_actions_secret").map((secret) => secret.body.secret_name);
    expect(repositoryLevel).not.toContain("TF_API_TOKEN");
    expect(pipelineSecrets().environment).toEqual(["TF_API_TOKEN"]);
  });

  it.each<EnvironmentName>(["staging", "production"])(
    "declares the Terraform Cloud token as a secret of the %s environment only, once in each service's stack of it",
    (environment) => {
      for (const { name } of config.services) {
        const secrets = resourcesOf(
          stackOf(app, serviceEnvironmentStackId(environment, name)),
          "github_actions_environment_secret",
        ).filter((secret) => secret.body.secret_name === "TF_API_TOKEN");
        expect(secrets).toHaveLength(1);
        expect(secrets[0]?.body.environment).toEqual(expect.stringContaining("github_repository_environment."));
      }
      // The environment's shared stack holds nothing of GitHub.
      expect(resourcesOf(stackOf(app, environmentStackId(environment)), "github_actions_environment_secret")).toEqual(
        [],
      );
    },
  );

  it.each([
    [githubStackId("orders-api"), "github_actions_secret"],
    [serviceEnvironmentStackId("staging", "orders-api"), "github_actions_environment_secret"],
    [serviceEnvironmentStackId("production", "orders-api"), "github_actions_environment_secret"],
  ])("takes every secret value of the %s stack from that stack's own sensitive variable of the secret", (id, type) => {
    const stack = stackOf(app, id);
    const secrets = resourcesOf(stack, type);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      const variable = secretVariableName("orders-api", jsonText(secret.body.secret_name));
      expect(secret.body.plaintext_value).toBe(`\${var.${variable}}`);
      expect(stack.variable?.[variable]).toMatchObject({ type: "string", sensitive: true, nullable: false });
    }
  });

  it("declares the configured environment secrets in each environment", () => {
    for (const stack of [staging, production]) {
      const names = resourcesOf(stack, "github_actions_environment_secret").map((secret) => secret.body.secret_name);
      expect(names.sort()).toEqual([...(service?.secrets.environment ?? []), ...pipelineSecrets().environment].sort());
    }
  });

  it("sets the derived settings and the configured variables in each environment", () => {
    const variables = (stack: TerraformJson) =>
      Object.fromEntries(
        resourcesOf(stack, "github_actions_environment_variable").map((v) => [
          jsonText(v.body.variable_name),
          jsonText(v.body.value),
        ]),
      );
    expect(variables(staging)).toEqual({
      IMAGE_NAME: "ghcr.io/acme-platform/orders-api",
      K8S_NAMESPACE: "orders-staging",
      APP_URL: "https://orders.staging.example.com",
      LOG_LEVEL: "debug",
    });
    expect(variables(production)).toEqual({
      IMAGE_NAME: "ghcr.io/acme-platform/orders-api",
      K8S_NAMESPACE: "orders-production",
      APP_URL: "https://orders.example.com",
      LOG_LEVEL: "info",
      ROLLBACK_WINDOW_MINUTES: "30",
    });
    expect(Object.keys(variables(production))).toEqual(expect.arrayContaining([...DERIVED_ENVIRONMENT_VARIABLES]));
  });

  it("writes environment secrets and variables only after their environment exists, in the same stack", () => {
    for (const stack of config.services.flatMap(({ name }) =>
      (["staging", "production"] as const).map((environment) =>
        stackOf(app, serviceEnvironmentStackId(environment, name)),
      ),
    )) {
      for (const type of ["github_actions_environment_secret", "github_actions_environment_variable"]) {
        for (const block of resourcesOf(stack, type)) {
          expect(referenced(stack, block.body.environment).address).toMatch(/^github_repository_environment\./);
        }
      }
    }
  });
});

describe("Terraform meta-arguments", () => {
  it.each(STACK_IDS)(
    "names plain addresses of blocks of the %s stack itself in depends_on and replace_triggered_by",
    (id) => {
      const stack = stackOf(app, id);
      const addresses = new Set([
        ...Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) =>
          Object.keys(blocks).map((n) => `${type}.${n}`),
        ),
        ...Object.entries(stack.data ?? {}).flatMap(([type, blocks]) =>
          Object.keys(blocks).map((n) => `data.${type}.${n}`),
        ),
      ]);
      const named = [...Object.values(stack.resource ?? {}), ...Object.values(stack.data ?? {})]
        .flatMap((blocks) => Object.values(blocks))
        .flatMap((body) => [
          ...((body.depends_on as string[] | undefined) ?? []),
          ...((body.lifecycle as { replace_triggered_by?: string[] } | undefined)?.replace_triggered_by ?? []),
        ]);
      // Terraform rejects "${...}" here (cdktf writes it for replaceTriggeredBy, terraform-cdk#3196).
      expect(named.filter((address) => !addresses.has(address))).toEqual([]);
    },
  );
});
