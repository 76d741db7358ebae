import { ConfigError, parseConfig } from "../../lib/config";
import { editedDefaultConfig, MINIMAL_CONFIG_TEXT } from "../support/config-text";

const SUPPRESSIONS = ["policy", "suppressions"];
const VALID = {
  rule: "K8S015",
  resource: "kubernetes_deployment_v1.orders-api_deployment_1A2B3C4D",
  reason: "replicas pinned while the autoscaler is being tuned",
};

/** The problems of the default config with these suppressions, one line each as users see them. */
function problemsWith(suppressions: unknown): string[] {
  try {
    parseConfig(editedDefaultConfig([SUPPRESSIONS, suppressions]), "config/delivery.yaml");
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.message.split("\n").slice(1);
    }
    throw error;
  }
  return [];
}

describe("policy suppressions in the configuration", () => {
  it("defaults to none", () => {
    const config = parseConfig(MINIMAL_CONFIG_TEXT, "minimal.yaml");
    expect(config.policy.suppressions).toEqual([]);
  });

  it("accepts a suppression by rule, resource (with wildcards) and stack, with its reason", () => {
    const config = parseConfig(
      editedDefaultConfig([SUPPRESSIONS, [VALID, { ...VALID, resource: "github_repository.*", stack: "github" }]]),
      "t.yaml",
    );
    expect(config.policy.suppressions).toEqual([VALID, { ...VALID, resource: "github_repository.*", stack: "github" }]);
  });

  it("rejects an unknown rule id, saying where the ids are listed", () => {
    expect(problemsWith([{ ...VALID, rule: "K8S999" }])).toEqual([
      expect.stringMatching(
        /^ {2}config\/delivery\.yaml:\d+:\d+: policy\.suppressions\[0\]\.rule: must be a rule id listed by `npm run policy` \(WF001 \.\.\. TF\d{3}\) \(got 'K8S999'\)$/,
      ),
    ]);
  });

  it.each([
    ["a missing reason", { rule: VALID.rule, resource: VALID.resource }, "reason: is required (expected string)"],
    ["an empty reason", { ...VALID, reason: "   " }, "reason: must explain in at least 20 characters why"],
    ["a placeholder reason", { ...VALID, reason: "ok" }, "reason: must explain in at least 20 characters why"],
    [
      "a resource that is not an address",
      { ...VALID, resource: "my deployment" },
      "resource: must be a resource address",
    ],
    ["a stack id that cannot be one", { ...VALID, stack: "Production!" }, "stack: must be a stack id"],
    ["an unknown key", { ...VALID, reasons: "x" }, "reasons: unknown key (did you mean 'reason'?)"],
  ])("rejects %s", (_, suppression, message) => {
    const problems = problemsWith([suppression]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`policy.suppressions[0].${message}`);
  });

  it("rejects a suppression listed twice", () => {
    expect(problemsWith([VALID, VALID])).toEqual([
      expect.stringContaining("policy.suppressions[1]: duplicates suppressions[0] (same rule, resource and stack)"),
    ]);
  });

  it("rejects suppressions that are not a list", () => {
    expect(problemsWith("none")).toEqual([expect.stringContaining("policy.suppressions: must be of type array")]);
  });
});
