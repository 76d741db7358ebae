import { parseConfig } from "../../lib/config";
import { configProblems } from "../support/config-problems";
import { configWith, editedDefaultConfig } from "../support/config-text";

describe("governance defaults", () => {
  const minimal = parseConfig(
    [
      "github: { owner: acme, plan: enterprise }",
      "services: [{ name: api }]",
      "environments: { production: { approval: { reviewers: { users: [octocat], teams: [leads] } } } }",
    ].join("\n"),
    "minimal.yaml",
  );

  it("protects branches with 2 approvals on main and release branches and 1 on develop", () => {
    expect(minimal.github.branchRules.approvals).toEqual({ production: 2, staging: 1, release: 2 });
  });

  it("creates private repositories, declares no Advanced Security product, and no bypass for managed files", () => {
    expect(minimal.github).toMatchObject({
      visibility: "private",
      advancedSecurity: { secretProtection: false, codeSecurity: false },
      managedFiles: {},
    });
    expect(minimal.services[0]?.adoptRepository).toBe(false);
  });

  it("makes the production reviewers the code owners unless code owners are configured", () => {
    expect(minimal.github.codeOwners).toEqual({ users: ["octocat"], teams: ["leads"] });
    expect(configWith([["github", "codeOwners"], { teams: ["owners"] }]).github.codeOwners).toEqual({
      users: [],
      teams: ["owners"],
    });
  });

  it("promises an answer within 5 days and disclosure within 90", () => {
    expect(minimal.github.securityPolicy).toEqual({ responseDays: 5, disclosureDays: 90 });
  });

  it("lets staging deploy from release branches, and neither environment from tags", () => {
    expect(minimal.environments.staging.deployFrom).toEqual({ releaseBranches: true, releaseTags: false });
    expect(minimal.environments.production.deployFrom).toEqual({ releaseBranches: false, releaseTags: false });
  });
});

describe("governance configuration problems", () => {
  it.each([
    [
      "zero approvals",
      [["github", "branchRules", "approvals", "staging"], 0],
      "github.branchRules.approvals.staging: must be a whole number of approvals from 1 to 6 (0 would merge changes unreviewed) (got 0)",
    ],
    [
      "more than six approvals",
      [["github", "branchRules", "approvals", "production"], 7],
      "github.branchRules.approvals.production: must be a whole number of approvals from 1 to 6 (got 7)",
    ],
    [
      "a fractional approval count",
      [["github", "branchRules", "approvals", "release"], 1.5],
      "github.branchRules.approvals.release: must be of type int (got 1.5)",
    ],
    [
      "a security contact that is not an email address",
      [["github", "securityPolicy", "contact"], "security at example"],
      "github.securityPolicy.contact: must be an email address such as security@example.com (got 'security at example')",
    ],
    [
      "a response time of zero days",
      [["github", "securityPolicy", "responseDays"], 0],
      "github.securityPolicy.responseDays: must be a whole number of days from 1 to 30 (got 0)",
    ],
    [
      "a disclosure deadline over a year",
      [["github", "securityPolicy", "disclosureDays"], 400],
      "github.securityPolicy.disclosureDays: must be a whole number of days from 1 to 365 (got 400)",
    ],
    [
      "a response time after the disclosure deadline",
      [["github", "securityPolicy"], { responseDays: 30, disclosureDays: 14 }],
      "github.securityPolicy.responseDays: responseDays must not exceed disclosureDays",
    ],
    [
      "a bypass that is not a GitHub App id",
      [["github", "managedFiles", "bypass"], { integrationId: -3 }],
      "github.managedFiles.bypass.integrationId: must be the numeric id of a GitHub App (its App ID) (got -3)",
    ],
    [
      "an unknown visibility",
      [["github", "visibility"], "secret"],
      "github.visibility: must be one of: private, internal, public (got 'secret')",
    ],
    [
      "an unknown signing mode",
      [["github", "signing"], "public-sigstore"],
      "github.signing: must be one of: keyless, key (got 'public-sigstore')",
    ],
    [
      "code owners that are nobody",
      [["github", "codeOwners"], { users: [], teams: [] }],
      "github.codeOwners: list at least one code owner",
    ],
    [
      "a code owner login GitHub would not accept",
      [["github", "codeOwners"], { users: ["bad_login"] }],
      "github.codeOwners.users[0]: must be a GitHub login",
    ],
    [
      "a code owner team slug GitHub would not accept",
      [["github", "codeOwners"], { teams: ["Platform Leads"] }],
      "github.codeOwners.teams[0]: must be a GitHub team slug",
    ],
    [
      "a repository secret listed twice",
      [
        ["services", 0, "secrets", "repository"],
        ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_URL"],
      ],
      "services[0].secrets.repository[1]: must be unique: 'SLACK_WEBHOOK_URL' is already listed",
    ],
    [
      "an environment secret name that does not start with a letter or '_'",
      [["services", 0, "secrets", "environment"], ["1PASSWORD"]],
      "services[0].secrets.environment[0]: must match ^[A-Z_][A-Z0-9_]*$",
    ],
    [
      "a repository secret name GitHub reserves",
      [["services", 0, "secrets", "repository"], ["GITHUB_PAT"]],
      "services[0].secrets.repository[0]: must not start with GITHUB_",
    ],
    [
      "a variable name GitHub would reject",
      [["services", 0, "variables", "repository"], { "log-level": "info" }],
      "services[0].variables.repository: a name here must match ^[A-Z_][A-Z0-9_]*$ (upper case, digits, '_') (got 9 characters, not shown)",
    ],
    [
      "an environment variable that overrides a derived setting",
      [["services", 0, "variables", "environment", "IMAGE_NAME"], "other"],
      "services[0].variables.environment.IMAGE_NAME: is derived from the config (IMAGE_NAME, K8S_NAMESPACE, APP_URL, ROLLBACK_WINDOW_MINUTES); remove it here",
    ],
    [
      "a per-environment variable that overrides a derived setting",
      [["services", 0, "environments", "production", "variables", "K8S_NAMESPACE"], "default"],
      "services[0].environments.production.variables.K8S_NAMESPACE: is derived from the config",
    ],
    [
      "staging and production deploying from the same branch",
      [["environments", "staging", "branch"], "main"],
      "environments.staging.branch: must differ from the production branch ('main')",
    ],
    [
      "adoptRepository that is not true or false",
      [["services", 0, "adoptRepository"], "yes"],
      "services[0].adoptRepository: must be of type boolean (got 'yes')",
    ],
    [
      "an unknown deployFrom key",
      [["environments", "production", "deployFrom", "tags"], true],
      "environments.production.deployFrom.tags: unknown key",
    ],
  ] as const)("rejects %s", (_, edit, expected) => {
    expect(configProblems(editedDefaultConfig(edit)).join("\n")).toContain(expected);
  });
});
