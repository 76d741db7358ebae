import { Aspects, TerraformStack, Testing } from "cdktf";
import { Guardrails, POLICY_RULES, RULE_IDS, type GuardrailsProps } from "../../policy";
import { collectAnnotations, formatAnnotation, type SynthAnnotation } from "../../lib/app/synth";

/** One line of the policy report, split into the parts tests assert on. */
export interface ReportedFinding {
  readonly level: SynthAnnotation["level"];
  readonly stack: string;
  /** The rule id, or "" for lines that are not about one finding (stale suppressions). */
  readonly rule: string;
  readonly address: string;
  /** The whole report line, as `npm run synth` prints it. */
  readonly line: string;
}

export interface GuardrailsRunOptions extends GuardrailsProps {
  /** @default "production" */
  readonly stackId?: string;
}

/**
 * Builds one stack of raw resources, guards it with the policy pack, synthesizes it in memory
 * and returns the report. The stack id defaults to `production`, where every rule applies.
 */
export function guardrailsReport(
  build: (stack: TerraformStack) => void,
  options: GuardrailsRunOptions = {},
): ReportedFinding[] {
  const { stackId = "production", ...props } = options;
  const app = Testing.app({ stackTraces: false });
  const stack = new TerraformStack(app, stackId);
  build(stack);
  Aspects.of(stack).add(new Guardrails(props));
  Testing.synth(stack);
  return reportOf(collectAnnotations(app));
}

/** Report lines parsed: `error: [production] K8S008 kubernetes_deployment_v1.web: ...`. */
export function reportOf(annotations: readonly SynthAnnotation[]): ReportedFinding[] {
  return annotations.map((annotation) => {
    const match = annotation.message.match(/^(?:suppressed )?([A-Z][A-Z0-9]*[0-9]) (\S+): /);
    return {
      level: annotation.level,
      stack: annotation.constructPath,
      rule: match?.[1] ?? "",
      address: match?.[2] ?? "",
      line: formatAnnotation(annotation),
    };
  });
}

/** The findings of one rule, as `level rule address` strings: compact to assert on. */
export function findingsOf(report: readonly ReportedFinding[], rule?: string): string[] {
  return report
    .filter((finding) => rule === undefined || finding.rule === rule)
    .map((finding) => `${finding.level} ${finding.rule} ${finding.address}`);
}

/** A rule's passing and failing case, built from raw provider resources. */
export interface RuleCase {
  readonly rule: string;
  /** What the passing case shows is accepted: `"a digest resolved by Terraform"`. */
  readonly accepts: string;
  readonly pass: (stack: TerraformStack) => void;
  /** What the failing case breaks: `"a container without a readiness probe"`. */
  readonly rejects: string;
  readonly fail: (stack: TerraformStack) => void;
  /** The address the failing case must be reported at. */
  readonly address: string;
  /** @default "production" */
  readonly stackId?: string;
}

/** Every rule id of a family (`WF`, `GH`, `K8S`, `TF`) that the cases cover, sorted. */
export function coveredRules(cases: readonly RuleCase[]): string[] {
  return [...new Set(cases.map((entry) => entry.rule))].sort();
}

/**
 * The shared shape of the per-rule tests: the passing case synthesizes with no finding at all,
 * the failing case is reported exactly once, by that rule, at that address, with a fix.
 */
export function describeRuleCases(family: string, cases: readonly RuleCase[]): void {
  it(`has a passing and a failing case for every ${family} rule`, () => {
    expect(coveredRules(cases)).toEqual(RULE_IDS.filter((id) => id.startsWith(family)).sort());
  });

  describe.each(cases)("$rule", (entry) => {
    const rule = POLICY_RULES.find((candidate) => candidate.id === entry.rule);
    const options = entry.stackId === undefined ? {} : { stackId: entry.stackId };

    it(`accepts ${entry.accepts}`, () => {
      expect(findingsOf(guardrailsReport(entry.pass, options))).toEqual([]);
    });

    it(`fails ${entry.rejects}`, () => {
      const report = guardrailsReport(entry.fail, options);
      const level = rule?.severity ?? "error";
      expect(findingsOf(report, entry.rule)).toEqual([`${level} ${entry.rule} ${entry.address}`]);
      const line = report.find((finding) => finding.rule === entry.rule)?.line ?? "";
      expect(line).toContain(`${level}: [${entry.stackId ?? "production"}] ${entry.rule} ${entry.address}: `);
      expect(line).toContain(`. Fix: ${rule?.fix ?? "?"}`);
    });
  });
}
