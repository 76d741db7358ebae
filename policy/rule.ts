import type { PolicyRuleId } from "../lib/domain/policy-rule-ids";
import type { SynthesizedStack } from "./synthesized-stack";

/** Errors fail synth; warnings are printed and let it pass. */
export type Severity = "error" | "warning";

/** The guidance a rule enforces, so that a reader can check the rule against it. */
export interface RuleSource {
  /** `OpenSSF Scorecard: Pinned-Dependencies`, `Pod Security Standards (restricted)` */
  readonly title: string;
  readonly url?: string;
}

/** One thing wrong with one block of a stack. */
export interface Violation {
  /** `kubernetes_deployment_v1.orders-api`, `data.docker_registry_image.x`, `terraform.backend.local`, `provider.kubernetes` */
  readonly address: string;
  /** What is wrong, in one line, without the fix. */
  readonly message: string;
}

/** A check of synthesized Terraform, with what motivates it and how to fix what it finds. */
export interface PolicyRule {
  /** Stable id, used in reports and suppressions: `WF001`, `GH005`, `K8S010`, `TF001`. */
  readonly id: PolicyRuleId;
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly description: string;
  readonly source: RuleSource;
  /** One line: how to satisfy the rule. */
  readonly fix: string;
  /** The violations in one stack; reads only the synthesized JSON. */
  readonly check: (stack: SynthesizedStack) => readonly Violation[];
}

/** Where a violation of an item lies and how its message starts. */
export interface ItemLabel {
  readonly address: string;
  /** The start of each message: `environment 'production' of repository 'orders-api'`. */
  readonly label: string;
  /** Said in brackets after the problem: what else a reader needs to fix it. */
  readonly detail?: string;
}

/**
 * A rule's check over the items of a stack (production environments, deployments, default
 * branches): each problem the check finds with an item is a violation at the item's address.
 */
export function checkEach<T>(
  itemsOf: (stack: SynthesizedStack) => readonly T[],
  labelOf: (item: T) => ItemLabel,
  check: (item: T) => string | undefined,
): (stack: SynthesizedStack) => Violation[] {
  return (stack) =>
    itemsOf(stack).flatMap((item) => {
      const problem = check(item);
      if (problem === undefined) {
        return [];
      }
      const { address, label, detail } = labelOf(item);
      return [{ address, message: `${label} ${problem}${detail === undefined ? "" : ` (${detail})`}` }];
    });
}

export const SOURCES = {
  scorecard: (check: string): RuleSource => ({
    title: `OpenSSF Scorecard: ${check}`,
    url: `https://github.com/ossf/scorecard/blob/main/docs/checks.md#${check.toLowerCase()}`,
  }),
  githubSecureUse: (topic: string): RuleSource => ({
    title: `GitHub secure use: ${topic}`,
    url: "https://docs.github.com/en/actions/reference/security/secure-use",
  }),
  githubEnvironments: (topic: string): RuleSource => ({
    title: `GitHub deployment environments: ${topic}`,
    url: "https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments",
  }),
  githubPlans: (topic: string): RuleSource => ({
    title: `GitHub plans: ${topic}`,
    url: "https://docs.github.com/en/get-started/learning-about-github/githubs-plans",
  }),
  githubProvider: (file: string, topic: string): RuleSource => ({
    title: `integrations/github provider: ${topic}`,
    url: `https://github.com/integrations/terraform-provider-github/blob/v6.9.1/${file}`,
  }),
  podSecurityRestricted: (control: string): RuleSource => ({
    title: `Pod Security Standards (restricted): ${control}`,
    url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
  }),
  podSecurityBaseline: (control: string): RuleSource => ({
    title: `Pod Security Standards (baseline): ${control}`,
    url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
  }),
  podSecurityAdmission: (): RuleSource => ({
    title: "Pod Security Admission: namespace labels",
    url: "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
  }),
  kubeScore: (check: string): RuleSource => ({
    title: `kube-score: ${check}`,
    url: "https://github.com/zegl/kube-score/blob/master/README_CHECKS.md",
  }),
  kubernetesChecklist: (topic: string): RuleSource => ({
    title: `Kubernetes security checklist: ${topic}`,
    url: "https://kubernetes.io/docs/concepts/security/security-checklist/",
  }),
  kubernetesSecrets: (): RuleSource => ({
    title: "Kubernetes good practices for Secrets",
    url: "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
  }),
  terraformSensitive: (): RuleSource => ({
    title: "Terraform: sensitive input variables",
    url: "https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output",
  }),
  kubernetesDisruptions: (): RuleSource => ({
    title: "Kubernetes: specifying a disruption budget (maxUnavailable)",
    url: "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
  }),
  kubernetesRbac: (): RuleSource => ({
    title: "Kubernetes RBAC good practices: least privilege",
    url: "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
  }),
  gatewayApi: (): RuleSource => ({
    title: "Gateway API: HTTPRoute",
    url: "https://gateway-api.sigs.k8s.io/api-types/httproute/",
  }),
  deliverySpec: (topic: string): RuleSource => ({ title: `Delivery spec: ${topic}` }),
} as const;
