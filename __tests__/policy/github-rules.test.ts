import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { BranchDefault } from "@cdktf/provider-github/lib/branch-default";
import { BranchProtection } from "@cdktf/provider-github/lib/branch-protection";
import { BranchProtectionV3 } from "@cdktf/provider-github/lib/branch-protection-v3";
import { DataGithubTeam } from "@cdktf/provider-github/lib/data-github-team";
import { OrganizationRuleset } from "@cdktf/provider-github/lib/organization-ruleset";
import { Repository } from "@cdktf/provider-github/lib/repository";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { TerraformVariable } from "cdktf";
import { SensitiveVariable } from "../../constructs/terraform";
import { describeRuleCases, findingsOf, guardrailsReport, type RuleCase } from "../support/policy";
import { gatedEnvironment, protectedRepository, secureActionsSecret } from "../support/policy-fixtures";

const cases: RuleCase[] = [
  {
    rule: "GH001",
    accepts: "team reviewers resolved to ids by a data source",
    pass: (stack) => {
      const leads = new DataGithubTeam(stack, "leads", { slug: "platform-leads" });
      gatedEnvironment(stack).addOverride("reviewers", [{ users: [], teams: [leads.id] }]);
    },
    rejects: "a production environment without reviewers",
    fail: (stack) => gatedEnvironment(stack).addOverride("reviewers", undefined),
    address: "github_repository_environment.orders-production",
  },
  {
    rule: "GH002",
    accepts: "a staging environment without a gate, in the staging stack",
    pass: (stack) =>
      new RepositoryEnvironment(stack, "orders-staging", { repository: "orders", environment: "staging" }),
    stackId: "staging",
    rejects: "a production environment administrators can bypass (the provider's default)",
    fail: (stack) => gatedEnvironment(stack).addOverride("can_admins_bypass", undefined),
    address: "github_repository_environment.orders-production",
  },
  {
    rule: "GH003",
    accepts: "self-review prevented",
    pass: (stack) => gatedEnvironment(stack),
    rejects: "a production environment whose deployer may approve their own deployment",
    fail: (stack) => gatedEnvironment(stack).addOverride("prevent_self_review", false),
    address: "github_repository_environment.orders-production",
  },
  {
    rule: "GH004",
    accepts: "deployments from protected branches only",
    pass: (stack) =>
      gatedEnvironment(stack).addOverride("deployment_branch_policy", {
        protected_branches: true,
        custom_branch_policies: false,
      }),
    rejects: "a production environment that accepts any branch",
    fail: (stack) => gatedEnvironment(stack).addOverride("deployment_branch_policy", undefined),
    address: "github_repository_environment.orders-production",
  },
  {
    rule: "GH005",
    accepts: "a classic branch protection with reviews, checks and administrators included",
    pass: (stack) => {
      const repository = new Repository(stack, "orders", { name: "orders", visibility: "private" });
      new BranchProtection(stack, "main", {
        repositoryId: repository.nodeId,
        pattern: "main",
        enforceAdmins: true,
        requiredPullRequestReviews: [{ requiredApprovingReviewCount: 1 }],
        requiredStatusChecks: [{ strict: true, contexts: ["quality"] }],
      });
    },
    rejects: "a ruleset that requires no approval",
    fail: (stack) =>
      protectedRepository(stack).ruleset.addOverride("rules.pull_request.required_approving_review_count", 0),
    address: "github_repository.orders",
  },
  {
    rule: "GH006",
    accepts: "a v3 branch protection requiring checks",
    pass: (stack) => {
      new Repository(stack, "orders", { name: "orders", visibility: "private" });
      new BranchProtectionV3(stack, "main", {
        repository: "orders",
        branch: "main",
        enforceAdmins: true,
        requiredPullRequestReviews: { requiredApprovingReviewCount: 2 },
        requiredStatusChecks: { strict: true, checks: ["quality:15368"] },
      });
    },
    rejects: "a ruleset without required status checks",
    fail: (stack) => protectedRepository(stack).ruleset.addOverride("rules.required_status_checks", undefined),
    address: "github_repository.orders",
  },
  {
    rule: "GH007",
    accepts: "an organization ruleset covering the repository by name",
    pass: (stack) => {
      new Repository(stack, "orders", { name: "orders", visibility: "private" });
      new OrganizationRuleset(stack, "org-default-branch", {
        name: "default branches",
        target: "branch",
        enforcement: "active",
        conditions: {
          refName: { include: ["~DEFAULT_BRANCH"], exclude: [] },
          repositoryName: { include: ["order*"], exclude: [] },
        },
        rules: {
          deletion: true,
          nonFastForward: true,
          pullRequest: { requiredApprovingReviewCount: 1 },
          requiredStatusChecks: { requiredCheck: [{ context: "quality" }] },
        },
      });
    },
    rejects: "a default branch that can be force-pushed",
    fail: (stack) => protectedRepository(stack).ruleset.addOverride("rules.non_fast_forward", false),
    address: "github_repository.orders",
  },
  {
    rule: "GH008",
    accepts: "rules without bypass actors",
    pass: (stack) => protectedRepository(stack),
    rejects: "a ruleset a GitHub App may bypass",
    fail: (stack) =>
      protectedRepository(stack).ruleset.addOverride("bypass_actors", [
        { actor_id: 42, actor_type: "Integration", bypass_mode: "always" },
      ]),
    address: "github_repository.orders",
  },
  {
    rule: "GH009",
    accepts: "an environment secret encrypted from a sensitive variable",
    pass: (stack) =>
      new ActionsEnvironmentSecret(stack, "database", {
        repository: "orders",
        environment: "production",
        secretName: "DATABASE_URL",
        encryptedValue: SensitiveVariable.of(stack, "orders_database_url", { description: "db" }).stringValue,
      }),
    rejects: "a secret with a literal value",
    fail: (stack) => secureActionsSecret(stack).addOverride("plaintext_value", "hunter2"),
    address: "github_actions_secret.slack",
  },
];

describe("GitHub rules", () => {
  describeRuleCases("GH", cases);

  it("checks the branch the repository names as its default", () => {
    const report = guardrailsReport((stack) => {
      const { repository, ruleset } = protectedRepository(stack);
      ruleset.addOverride("conditions.ref_name.include.0", "refs/heads/main");
      new BranchDefault(stack, "default", { repository: repository.name, branch: "develop" });
    });
    expect(findingsOf(report)).toEqual([
      "error GH005 github_repository.orders",
      "error GH006 github_repository.orders",
      "error GH007 github_repository.orders",
    ]);
    expect(report[0]?.line).toContain("default branch 'develop' does not require an approved pull request");
  });

  it("ignores rulesets that only evaluate, and ones excluding the default branch", () => {
    const report = guardrailsReport((stack) => {
      protectedRepository(stack, "orders").ruleset.addOverride("enforcement", "evaluate");
      protectedRepository(stack, "billing").ruleset.addOverride("conditions.ref_name.exclude", ["~DEFAULT_BRANCH"]);
    });
    expect(findingsOf(report, "GH005")).toEqual([
      "error GH005 github_repository.billing",
      "error GH005 github_repository.orders",
    ]);
  });

  it("warns when a classic protection exempts administrators", () => {
    const report = guardrailsReport((stack) => {
      const repository = new Repository(stack, "orders", { name: "orders", visibility: "private" });
      new BranchProtection(stack, "main", {
        repositoryId: repository.nodeId,
        pattern: "ma*",
        requiredPullRequestReviews: [{}],
        requiredStatusChecks: [{ contexts: ["quality"] }],
        allowsDeletions: true,
      });
    });
    expect(findingsOf(report)).toEqual([
      "error GH007 github_repository.orders",
      "warning GH008 github_repository.orders",
    ]);
    expect(report.map((finding) => finding.line).join("\n")).toContain("allows deletion");
  });

  it("treats every environment of the production stack, and any environment named production, as production", () => {
    const inProductionStack = guardrailsReport((stack) => {
      new RepositoryEnvironment(stack, "live", { repository: "orders", environment: "live" });
    });
    expect(findingsOf(inProductionStack, "GH001")).toEqual(["error GH001 github_repository_environment.live"]);
    const namedProduction = guardrailsReport(
      (stack) => {
        new RepositoryEnvironment(stack, "prod", { repository: "orders", environment: "production" });
      },
      { stackId: "github" },
    );
    expect(findingsOf(namedProduction, "GH001")).toEqual(["error GH001 github_repository_environment.prod"]);
  });

  it("fails secrets from variables that are not sensitive, or with literal text around a reference", () => {
    const report = guardrailsReport((stack) => {
      const plain = new TerraformVariable(stack, "webhook", { type: "string" });
      new ActionsSecret(stack, "slack", {
        repository: "orders",
        secretName: "SLACK_WEBHOOK_URL",
        plaintextValue: plain.stringValue,
      });
      secureActionsSecret(stack, "discord").addOverride("plaintext_value", "Bearer ${var.orders_slack_webhook_url}");
    });
    expect(findingsOf(report)).toEqual([
      "error GH009 github_actions_secret.discord",
      "error GH009 github_actions_secret.slack",
    ]);
    const lines = report.map((finding) => finding.line).join("\n");
    expect(lines).toContain("variable(s) 'webhook' not declared sensitive");
    expect(lines).toContain("mixes literal text into the value");
  });
});
