import { POLICY_RULE_IDS } from "../lib/domain/policy-rule-ids";
import type { PolicyRule } from "./rule";
import { CANARY_RULES } from "./rules/canary-rules";
import { GITHUB_RULES } from "./rules/github-rules";
import { KUBERNETES_RULES } from "./rules/kubernetes-rules";
import { STATE_RULES } from "./rules/state-rules";
import { WORKFLOW_RULES } from "./rules/workflow-rules";

/**
 * Every rule of the policy pack, in report order: workflows, GitHub, Kubernetes, state. The README
 * table, `npm run policy` and the config's suppression validation are generated from this list.
 */
export const POLICY_RULES: readonly PolicyRule[] = [
  ...WORKFLOW_RULES,
  ...GITHUB_RULES,
  ...KUBERNETES_RULES,
  ...CANARY_RULES,
  ...STATE_RULES,
];

/** The ids a suppression may name. */
export const RULE_IDS: readonly string[] = POLICY_RULE_IDS;

const catalogued = POLICY_RULES.map((rule) => rule.id).join(" ");
if (catalogued !== POLICY_RULE_IDS.join(" ")) {
  throw new Error(`POLICY_RULE_IDS (lib/domain) must list the catalogue's rules in order: ${catalogued}`);
}
