import { App, Aspects, LocalBackend, TerraformStack, Testing } from "cdktf";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Guardrails, POLICY_RULES, RULE_IDS, type PolicySuppression } from "../../policy";
import { collectAnnotations } from "../../lib/app/synth";
import { findingsOf, guardrailsReport, reportOf } from "../support/policy";
import { gatedEnvironment, secureWorkload } from "../support/policy-fixtures";

const REASON = "the service is stateless and restarts in under a second";

/** A production environment that administrators can bypass: one GH002 error. */
function bypassableEnvironment(stack: TerraformStack): void {
  gatedEnvironment(stack).addOverride("can_admins_bypass", true);
}

describe("the guardrails aspect", () => {
  it("suppresses a finding by rule and resource, and still lists it with its reason", () => {
    const suppressions: PolicySuppression[] = [
      { rule: "GH002", resource: "github_repository_environment.orders-production", reason: REASON },
    ];
    const report = guardrailsReport(bypassableEnvironment, { suppressions });
    expect(report.map((finding) => finding.line)).toEqual([
      `info: [production] suppressed GH002 github_repository_environment.orders-production: environment 'production' of repository 'orders' lets administrators bypass its reviewers (reason: ${REASON})`,
    ]);
  });

  it("suppresses by wildcard and only in the named stack", () => {
    const everywhere = guardrailsReport(bypassableEnvironment, {
      suppressions: [{ rule: "GH002", resource: "github_repository_environment.*", reason: REASON }],
    });
    expect(findingsOf(everywhere)).toEqual(["info GH002 github_repository_environment.orders-production"]);

    const elsewhere = guardrailsReport(bypassableEnvironment, {
      suppressions: [{ rule: "GH002", resource: "github_repository_environment.*", stack: "staging", reason: REASON }],
    });
    expect(elsewhere.map((finding) => `${finding.level} ${finding.rule} ${finding.line.split("] ")[1] ?? ""}`)).toEqual(
      [
        expect.stringMatching(/^error GH002 GH002 github_repository_environment\.orders-production: /),
        "warning  policy.suppressions: GH002 github_repository_environment.* matches no finding in stack 'staging'; remove the suppression",
      ],
    );
  });

  it("warns about each suppression that matches nothing, once every guarded stack has been checked", () => {
    const app = Testing.app({ stackTraces: false });
    const guardrails = new Guardrails({
      suppressions: [
        { rule: "K8S015", resource: "kubernetes_deployment_v1.gone", reason: REASON },
        { rule: "GH002", resource: "github_repository_environment.orders-production", reason: REASON },
      ],
    });
    const stacks = ["github", "production"].map((id) => {
      const stack = new TerraformStack(app, id);
      Aspects.of(stack).add(guardrails);
      return stack;
    });
    const [github, production] = stacks as [TerraformStack, TerraformStack];
    bypassableEnvironment(production);

    Testing.synth(github);
    expect(collectAnnotations(app)).toEqual([]);
    Testing.synth(production);
    expect(findingsOf(reportOf(collectAnnotations(app)))).toEqual([
      "info GH002 github_repository_environment.orders-production",
      "warning  ",
    ]);
    expect(collectAnnotations(app)[1]).toEqual({
      level: "warning",
      constructPath: "production",
      message:
        "policy.suppressions: K8S015 kubernetes_deployment_v1.gone matches no finding in any stack; remove the suppression",
    });
  });

  it("reports each finding once, however often cdktf invokes the aspect", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "guardrails-"));
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    const stack = new TerraformStack(app, "production");
    new LocalBackend(stack, { path: "production.tfstate" });
    bypassableEnvironment(stack);
    Aspects.of(stack).add(new Guardrails({ suppressions: [] }));
    Testing.synth(stack);
    Testing.synth(stack);
    expect(() => app.synth()).toThrow(/GH002/);
    expect(findingsOf(reportOf(collectAnnotations(app)))).toEqual([
      "error GH002 github_repository_environment.orders-production",
    ]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("applies only the rules it is given, and treats only the named stacks as production", () => {
    const onlyWorkflows = guardrailsReport(bypassableEnvironment, {
      rules: POLICY_RULES.filter((rule) => rule.id.startsWith("WF")),
    });
    expect(onlyWorkflows).toEqual([]);

    const tagged = (stack: TerraformStack) => secureWorkload(stack, "web", { image: "ghcr.io/acme/web:1.4.2" });
    expect(findingsOf(guardrailsReport(tagged, { stackId: "live" }))).toEqual([]);
    expect(findingsOf(guardrailsReport(tagged, { stackId: "live", productionStacks: ["live"] }))).toEqual([
      "error K8S011 kubernetes_deployment_v1.web",
    ]);
  });

  it.each([
    [
      { rule: "K8S999", resource: "kubernetes_deployment_v1.web", reason: REASON },
      /suppressions\[0\]\.rule 'K8S999' is not a rule id; allowed: WF001, /,
    ],
    [{ rule: "K8S015", resource: "kubernetes_deployment_v1.web", reason: "  " }, /suppressions\[0\]\.reason is empty/],
  ])("rejects a suppression with an unknown rule or no reason (%#)", (suppression, message) => {
    expect(() => new Guardrails({ suppressions: [suppression] })).toThrow(message);
  });
});

describe("the rule catalogue", () => {
  it("gives every rule a unique id of its family, a severity, a one-line description, a source and a fix", () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    for (const rule of POLICY_RULES) {
      expect({ id: rule.id, valid: /^(WF|GH|K8S|TF)\d{3}$/.test(rule.id) }).toEqual({ id: rule.id, valid: true });
      expect(["error", "warning"]).toContain(rule.severity);
      for (const text of [rule.description, rule.fix, rule.source.title]) {
        expect(text.length).toBeGreaterThan(5);
        expect(text).not.toContain("\n");
      }
    }
  });

  it("numbers the rules of each family in order, so that ids read as a checklist", () => {
    for (const family of ["WF", "GH", "K8S", "TF"]) {
      const numbers = RULE_IDS.filter((id) => id.startsWith(family) && /\d/.test(id.charAt(family.length))).map((id) =>
        Number(id.slice(family.length)),
      );
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
    }
  });
});
