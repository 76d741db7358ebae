import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { BranchDefault } from "@cdktf/provider-github/lib/branch-default";
import { BranchProtection } from "@cdktf/provider-github/lib/branch-protection";
import { BranchProtectionV3 } from "@cdktf/provider-github/lib/branch-protection-v3";
import { DataGithubTeam } from "@cdktf/provider-github/lib/data-github-team";
import { OrganizationRuleset } from "@cdktf/provider-github/lib/organization-ruleset";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryCollaborator } from "@cdktf/provider-github/lib/repository-collaborator";
import { RepositoryRuleset } from "@cdktf/provider-github/lib/repository-ruleset";
import { TeamRepository } from "@cdktf/provider-github/lib/team-repository";
import { DataGithubUser } from "@cdktf/provider-github/lib/data-github-user";
import { TerraformVariable, type TerraformStack } from "cdktf";
import { SensitiveVariable } from "../../constructs/terraform";
import { describeRuleCases, findingsOf, guardrailsReport, type RuleCase } from "../support/policy";
import {
  gatedEnvironment,
  privateRepository,
  protectedRepository,
  secureActionsSecret,
} from "../support/policy-fixtures";

/** Release tags that nobody may move or delete: the rule set ProtectedTags writes. */
function releaseTagRuleset(stack: TerraformStack): RepositoryRuleset {
  return new RepositoryRuleset(stack, "release-tags", {
    repository: "orders",
    name: "release tags",
    target: "tag",
    enforcement: "active",
    conditions: { refName: { include: ["refs/tags/v*"], exclude: [] } },
    rules: { deletion: true, nonFastForward: true, update: true },
  });
}

const cases: RuleCase[] = [
  {
    rule: "GH001",
    accepts: "team reviewers resolved to ids by a data source",
    pass: (stack) => {
      const leads = new DataGithubTeam(stack, "leads", { slug: "platform-leads" });
      new TeamRepository(stack, "leads-read", { repository: "orders", teamId: leads.id, permission: "pull" });
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
      const repository = privateRepository(stack);
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
      privateRepository(stack);
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
      privateRepository(stack);
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
  {
    rule: "GH010",
    accepts: "secret scanning on a private repository of an organisation that declared GitHub Secret Protection",
    pass: (stack) => {
      const { repository } = protectedRepository(stack);
      repository.addOverride("//.declared_licences", { plan: "team", secret_protection: true, code_security: false });
      repository.addOverride("security_and_analysis", {
        secret_scanning: { status: "enabled" },
        secret_scanning_push_protection: { status: "enabled" },
      });
    },
    rejects: "push protection on a private repository without a declared licence (422 after create, then tainted)",
    fail: (stack) =>
      protectedRepository(stack).repository.addOverride("security_and_analysis", {
        secret_scanning_push_protection: { status: "enabled" },
      }),
    address: "github_repository.orders",
  },
  {
    rule: "GH011",
    accepts: "a reviewer team and a reviewer user, each with a read grant to the repository",
    pass: (stack) => {
      const leads = new DataGithubTeam(stack, "leads", { slug: "platform-leads" });
      const octocat = new DataGithubUser(stack, "octocat", { username: "octocat" });
      new TeamRepository(stack, "leads-read", { repository: "orders", teamId: leads.id, permission: "pull" });
      new RepositoryCollaborator(stack, "octocat-read", {
        repository: "orders",
        username: "OctoCat",
        permission: "pull",
      });
      gatedEnvironment(stack).addOverride("reviewers", [{ users: [octocat.id], teams: [leads.id] }]);
    },
    rejects: "a reviewer team with no access to the repository (GitHub drops the rule; the plan stays clean)",
    fail: (stack) => {
      const leads = new DataGithubTeam(stack, "leads", { slug: "platform-leads" });
      new TeamRepository(stack, "leads-elsewhere", { repository: "billing", teamId: leads.id, permission: "pull" });
      gatedEnvironment(stack).addOverride("reviewers", [{ users: [], teams: [leads.id] }]);
    },
    address: "github_repository_environment.orders-production",
  },
  {
    rule: "GH012",
    accepts: "a repository that sets issues, projects, discussions and its homepage",
    pass: (stack) => protectedRepository(stack),
    rejects: "a repository leaving has_issues and homepage_url to the provider (an adopted one loses its issues)",
    fail: (stack) => {
      const { repository } = protectedRepository(stack);
      repository.addOverride("has_issues", undefined);
      repository.addOverride("homepage_url", undefined);
    },
    address: "github_repository.orders",
  },
  {
    rule: "GH013",
    accepts: "a tag ruleset with the update rule under a github provider constraint from 6.10.0",
    pass: (stack) => {
      stack.addOverride("terraform.required_version", ">= 1.5.0");
      stack.addOverride("terraform.required_providers.github", {
        source: "integrations/github",
        version: ">= 6.10.0, < 7.0.0",
      });
      releaseTagRuleset(stack);
    },
    rejects: "the update rule under a constraint that admits 6.9.1",
    fail: (stack) => {
      stack.addOverride("terraform.required_providers.github", {
        source: "integrations/github",
        version: ">= 6.9.1, < 7.0.0",
      });
      releaseTagRuleset(stack);
    },
    address: "github_repository_ruleset.release-tags",
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
      const repository = privateRepository(stack);
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

  it("accepts reviewers without a grant on an environment that declares their access managed elsewhere", () => {
    const report = guardrailsReport((stack) => {
      const leads = new DataGithubTeam(stack, "leads", { slug: "platform-leads" });
      const environment = gatedEnvironment(stack);
      environment.addOverride("reviewers", [{ users: [], teams: [leads.id] }]);
      environment.addOverride("//.reviewer_access", "managed-elsewhere");
    });
    expect(findingsOf(report, "GH011")).toEqual([]);
  });

  it("fails code security on a private repository whose organisation declared only Secret Protection", () => {
    const report = guardrailsReport((stack) => {
      const { repository } = protectedRepository(stack);
      repository.addOverride("//.declared_licences", { plan: "team", secret_protection: true, code_security: false });
      repository.addOverride("security_and_analysis", { code_security: { status: "enabled" } });
    });
    expect(findingsOf(report, "GH010")).toEqual(["error GH010 github_repository.orders"]);
    expect(report[0]?.line).toContain("enables code_security on a private repository without a declared licence");
  });

  it("ignores secret scanning on public repositories, where it is free", () => {
    const report = guardrailsReport((stack) => {
      const { repository } = protectedRepository(stack);
      repository.addOverride("visibility", "public");
      repository.addOverride("security_and_analysis", { secret_scanning: { status: "enabled" } });
    });
    expect(findingsOf(report, "GH010")).toEqual([]);
  });
});
