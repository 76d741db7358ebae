import { githubFeatures, githubStackId, GITHUB_PLANS, type GithubPlan } from "../../lib/domain";
import { configProblems } from "../support/config-problems";
import { configWith, editedDefaultConfig } from "../support/config-text";
import { loadDefaultConfig, stackOf, synthesizeConfig } from "../support/synth";
import { onlyResourceOf } from "../../lib/terraform-json/terraform-json";

const none = { secretProtection: false, codeSecurity: false };
// The default configuration's one service, whose repository its own github stack holds.
const repositoryOf = (...edits: Parameters<typeof configWith>) =>
  onlyResourceOf(stackOf(synthesizeConfig(configWith(...edits)), githubStackId("orders-api")), "github_repository")
    .body;

describe("what each plan gives a private repository (GitHub's plan documentation)", () => {
  const features = (plan: GithubPlan) => githubFeatures("private", { plan, ...none });

  it("has no rulesets and no environments on GitHub Free", () => {
    expect(features("free")).toMatchObject({ rulesets: false, environments: false, environmentProtection: false });
  });

  it("has rulesets and environments from Pro and Team, but required reviewers only on Enterprise", () => {
    for (const plan of ["pro", "team"] as const) {
      expect(features(plan)).toMatchObject({ rulesets: true, environments: true, environmentProtection: false });
    }
    expect(features("enterprise").environmentProtection).toBe(true);
  });

  it("gives public repositories every feature on every plan, secret and code scanning included", () => {
    for (const plan of GITHUB_PLANS) {
      expect(Object.values(githubFeatures("public", { plan, ...none })).every(Boolean)).toBe(true);
    }
  });

  it("scans private repositories only with a declared licence, on a plan that sells it", () => {
    const licensed = { secretProtection: true, codeSecurity: true };
    expect(githubFeatures("private", { plan: "team", ...licensed })).toMatchObject({
      secretScanning: true,
      codeScanning: true,
    });
    expect(githubFeatures("private", { plan: "enterprise", ...none })).toMatchObject({
      secretScanning: false,
      codeScanning: false,
    });
    expect(githubFeatures("private", { plan: "pro", ...licensed }).secretScanning).toBe(false);
  });
});

describe("licence-only repository settings", () => {
  it("a private repository without Advanced Security enables no licence-only feature", () => {
    const config = loadDefaultConfig();
    expect(config.github).toMatchObject({ visibility: "private", advancedSecurity: none });
    expect(repositoryOf()).not.toHaveProperty("security_and_analysis");
  });

  it("turns on secret scanning and push protection with one line: advancedSecurity.secretProtection", () => {
    expect(repositoryOf([["github", "advancedSecurity", "secretProtection"], true]).security_and_analysis).toEqual({
      secret_scanning: { status: "enabled" },
      secret_scanning_push_protection: { status: "enabled" },
    });
  });

  it("turns on code security for a private repository with GitHub Code Security, never advanced_security", () => {
    const settings = repositoryOf([["github", "advancedSecurity", "codeSecurity"], true]).security_and_analysis;
    expect(settings).toEqual({ code_security: { status: "enabled" } });
  });

  it("records the declared licences in the repository's JSON comment, for the guardrails", () => {
    expect((repositoryOf()["//"] as Record<string, unknown>).declared_licences).toEqual({
      plan: "enterprise",
      secret_protection: false,
      code_security: false,
    });
  });
});

describe("the plan check of the configuration", () => {
  it("rejects a private repository on GitHub Free, naming github.plan and the plan line that fixes it", () => {
    const problems = configProblems(editedDefaultConfig([["github", "plan"], "delete"]));
    expect(problems).toEqual([
      expect.stringMatching(
        /github\.plan: GitHub free gives private repositories no rulesets .* set github\.plan: team \(an organisation\) or pro \(a personal account\) if the owner has it, or github\.visibility: public$/,
      ),
    ]);
  });

  it("rejects production reviewers and a wait timer on a private repository below Enterprise", () => {
    const problems = configProblems(editedDefaultConfig([["github", "plan"], "team"]));
    expect(problems).toEqual([
      expect.stringMatching(
        /environments\.production\.approval\.reviewers: required reviewers on a private repository need GitHub Enterprise \(github\.plan is 'team'\): set github\.plan: enterprise/,
      ),
      expect.stringMatching(/environments\.production\.approval\.waitTimerMinutes: a wait timer .* or set 0$/),
    ]);
  });

  it("rejects an Advanced Security product on a plan that does not sell it", () => {
    const problems = configProblems(
      editedDefaultConfig(
        [["github", "plan"], "pro"],
        [["environments", "production", "approval", "waitTimerMinutes"], 0],
        [["environments", "production", "approval", "reviewers"], { users: [] }],
        [["github", "advancedSecurity", "secretProtection"], true],
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /github\.advancedSecurity\.secretProtection: GitHub Secret Protection is sold to organisations on GitHub team or enterprise/,
        ),
      ]),
    );
  });

  it("rejects internal repositories outside GitHub Enterprise", () => {
    const problems = configProblems(
      editedDefaultConfig([["github", "plan"], "team"], [["github", "visibility"], "internal"]),
    );
    expect(problems).toEqual([
      expect.stringMatching(/github\.visibility: internal repositories exist only in GitHub Enterprise/),
    ]);
  });

  it("accepts approval gates on public repositories of a free organisation", () => {
    const config = configWith([["github", "plan"], "free"], [["github", "visibility"], "public"]);
    expect(config.environments.production.approval.reviewers.users).toEqual(["octocat"]);
  });
});
