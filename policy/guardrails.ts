import { AnnotationMetadataEntryType, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { POLICY_RULES } from "./catalogue";
import type { PolicyRule } from "./rule";
import { SynthesizedStack } from "./synthesized-stack";
import { isObject } from "../lib/terraform-json/terraform-json";

/** A finding accepted on purpose. It is still printed, with its reason, on every synth. */
export interface PolicySuppression {
  /** The rule id: `K8S015`. */
  readonly rule: string;
  /**
   * The address the report prints: `kubernetes_deployment_v1.orders-api_deployment_1A2B3C4D`.
   * `*` matches any characters (`github_repository.*`: every repository).
   */
  readonly resource: string;
  /** Only in this stack. @default every stack */
  readonly stack?: string;
  /** Why the finding is acceptable (and until when); shown next to it. */
  readonly reason: string;
}

export interface GuardrailsProps {
  /** Findings accepted on purpose. @default none */
  readonly suppressions?: readonly PolicySuppression[];
  /**
   * Ids of the stacks that deploy production: their workloads must be digest-pinned and their
   * GitHub environments approval-gated. @default ["production"]
   */
  readonly productionStacks?: readonly string[];
  /**
   * How many stacks the aspect guards: once it has checked that many, it reports the suppressions
   * that matched nothing. @default the app's stacks when it checks its first one
   */
  readonly stackCount?: number;
  /**
   * Whether a suppression that matches no finding is reported once every stack was checked; off
   * when only some stacks are built (a suppression may be for a stack left out).
   * @default true
   */
  readonly reportUnusedSuppressions?: boolean;
  /** The rules to apply. @default the whole catalogue (POLICY_RULES) */
  readonly rules?: readonly PolicyRule[];
}

/** One finding, as the report prints it. */
export interface PolicyFinding {
  readonly rule: PolicyRule;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}

/**
 * The policy pack as a cdktf Aspect: add it to every stack (`Aspects.of(stack).add(guardrails)`).
 * When a stack synthesizes, the rules read its synthesized JSON (what `cdk.tf.json` will hold, so
 * raw resources and overrides are checked too) and every finding becomes an annotation on the
 * stack: errors fail synth, warnings are printed, suppressed findings are printed as infos.
 *
 * cdktf invokes aspects on every synth of a stack (and `Testing.synth` once more); each finding
 * is reported once per stack however often that happens.
 */
export class Guardrails implements IAspect {
  private readonly rules: readonly PolicyRule[];
  private readonly suppressions: readonly PolicySuppression[];
  private readonly productionStacks: ReadonlySet<string>;
  private readonly reported = new Set<string>();
  private readonly usedSuppressions = new Set<PolicySuppression>();
  /** Paths of the stacks checked so far (paths, not stacks: a checked stack may be let go). */
  private readonly visitedStacks = new Set<string>();
  private readonly stackCount?: number;
  private unusedSuppressionsReported = false;
  private readonly reportsUnusedSuppressions: boolean;
  private guardedStacks?: number;

  constructor(props: GuardrailsProps = {}) {
    this.rules = props.rules ?? POLICY_RULES;
    this.suppressions = props.suppressions ?? [];
    this.productionStacks = new Set(props.productionStacks ?? ["production"]);
    this.reportsUnusedSuppressions = props.reportUnusedSuppressions ?? true;
    this.stackCount = props.stackCount;
    const ids = new Set<string>(this.rules.map((rule) => rule.id));
    this.suppressions.forEach((suppression, index) => {
      if (!ids.has(suppression.rule)) {
        throw new Error(
          `Guardrails: suppressions[${index}].rule '${suppression.rule}' is not a rule id; allowed: ${[...ids].join(", ")}`,
        );
      }
      if (suppression.reason.trim() === "") {
        throw new Error(`Guardrails: suppressions[${index}].reason is empty; say why the finding is acceptable`);
      }
    });
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) {
      return;
    }
    const json: unknown = node.toTerraform();
    const stack = new SynthesizedStack(
      node.node.id,
      isObject(json) ? json : {},
      this.productionStacks.has(node.node.id),
    );
    for (const finding of this.findingsOf(stack)) {
      const suppression = this.suppressions.find(
        (candidate) =>
          candidate.rule === finding.rule.id &&
          addressMatches(candidate.resource, finding.address) &&
          (candidate.stack === undefined || candidate.stack === finding.stack),
      );
      if (suppression !== undefined) {
        this.usedSuppressions.add(suppression);
      }
      const key = [node.node.path, finding.rule.id, finding.address, finding.message].join("\0");
      if (this.reported.has(key)) {
        continue;
      }
      this.reported.add(key);
      if (suppression !== undefined) {
        annotate(
          node,
          "info",
          `suppressed ${finding.rule.id} ${finding.address}: ${finding.message} (reason: ${suppression.reason})`,
        );
      } else {
        annotate(node, finding.rule.severity, formatFinding(finding));
      }
    }
    this.visitedStacks.add(node.node.path);
    if (this.reportsUnusedSuppressions) {
      this.reportUnusedSuppressions(node);
    }
  }

  /** Every finding of every rule in one stack; a rule's problems with one block make one finding. */
  private findingsOf(stack: SynthesizedStack): PolicyFinding[] {
    return this.rules.flatMap((rule) => {
      const byAddress = new Map<string, string[]>();
      for (const violation of rule.check(stack)) {
        byAddress.set(violation.address, [...(byAddress.get(violation.address) ?? []), violation.message]);
      }
      return [...byAddress].map(([address, messages]) => ({
        rule,
        stack: stack.id,
        address,
        message: [...new Set(messages)].join("; "),
      }));
    });
  }

  /**
   * A suppression that matches nothing is stale (the resource was fixed, renamed or removed). Once
   * every stack this aspect guards has been checked, each stale one is reported as a warning on
   * the last of them.
   */
  private reportUnusedSuppressions(stack: TerraformStack): void {
    // The stacks are the app's children; counted once, not per stack (a fleet has thousands).
    this.guardedStacks ??=
      this.stackCount ??
      stack.node.root.node.children.filter(
        (construct) => TerraformStack.isStack(construct) && Aspects.of(construct).all.includes(this),
      ).length;
    if (this.unusedSuppressionsReported || this.visitedStacks.size < this.guardedStacks) {
      return;
    }
    this.unusedSuppressionsReported = true;
    for (const suppression of this.suppressions.filter((candidate) => !this.usedSuppressions.has(candidate))) {
      const where = suppression.stack === undefined ? "any stack" : `stack '${suppression.stack}'`;
      annotate(
        stack,
        "warning",
        `policy.suppressions: ${suppression.rule} ${suppression.resource} matches no finding in ${where}; remove the suppression`,
      );
    }
  }
}

/** `K8S008 kubernetes_deployment_v1.web: container 'app' has no startup_probe. Fix: add ...` */
function formatFinding(finding: PolicyFinding): string {
  return `${finding.rule.id} ${finding.address}: ${finding.message}. Fix: ${finding.rule.fix}`;
}

/**
 * Adds a cdktf annotation without a stack trace: cdktf copies annotations into manifest.json,
 * and a trace would write this machine's paths into the output.
 */
function annotate(stack: TerraformStack, level: "error" | "warning" | "info", message: string): void {
  const type = {
    error: AnnotationMetadataEntryType.ERROR,
    warning: AnnotationMetadataEntryType.WARN,
    info: AnnotationMetadataEntryType.INFO,
  }[level];
  stack.node.addMetadata(type, message, { stackTrace: false });
}

/** A suppression's resource pattern against a finding's address; `*` matches any characters. */
function addressMatches(pattern: string, address: string): boolean {
  const source = pattern
    .split("*")
    .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(address);
}
