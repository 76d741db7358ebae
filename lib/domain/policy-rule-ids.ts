/**
 * The id of every guardrail rule, in report order (workflows, GitHub, Kubernetes, state): what a
 * configured suppression may name. Each rule declares its id from this list (`PolicyRuleId`), and the
 * policy catalogue checks at load that its rules are exactly these, in this order.
 */
export const POLICY_RULE_IDS = [
  ...["WF001", "WF002", "WF003", "WF004", "WF005", "WF006", "WF007", "WF008"],
  ...["GH001", "GH002", "GH003", "GH004", "GH005", "GH006", "GH007", "GH008", "GH009"],
  ...["GH010", "GH011", "GH012", "GH013"],
  ...["K8S001", "K8S002", "K8S003", "K8S004", "K8S005", "K8S006", "K8S007", "K8S008", "K8S009", "K8S010"],
  ...["K8S011", "K8S012", "K8S013", "K8S014", "K8S015", "K8S016", "K8S017", "K8S018", "K8S019", "K8S020"],
  ...["K8S021", "K8S022", "K8S023", "K8S024"],
  ...["TF001", "TF002", "TF003", "TF004", "TF005"],
] as const;
export type PolicyRuleId = (typeof POLICY_RULE_IDS)[number];
