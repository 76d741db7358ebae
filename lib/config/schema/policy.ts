import { z } from "zod";
import { POLICY_RULE_IDS } from "../../domain/policy-rule-ids";

const RULE_IDS: readonly string[] = POLICY_RULE_IDS;

/** Long enough to force a sentence, not a placeholder such as "ok" or "todo". */
const MIN_REASON_LENGTH = 20;

/**
 * A resource address as the policy report prints it (`type.name`, `data.type.name`,
 * `provider.type`, `terraform.backend.kind`), where `*` matches any characters.
 */
const ADDRESS = /^(?:data\.)?[a-z*][a-z0-9_*]*\.[A-Za-z0-9_*-]+(?:\.[A-Za-z0-9_*-]+)?$/;

const suppression = z.strictObject({
  /** The rule id, as `npm run policy` lists it. */
  rule: z.string().refine((id) => RULE_IDS.includes(id), {
    message: `must be a rule id listed by \`npm run policy\` (${RULE_IDS[0] ?? ""} ... ${RULE_IDS[RULE_IDS.length - 1] ?? ""})`,
  }),
  /** The resource address as the finding names it; `*` matches any characters (`github_repository.*`). */
  resource: z
    .string()
    .regex(
      ADDRESS,
      "must be a resource address as the policy report prints it, such as 'github_repository.orders-api_repository_1A2B3C4D' ('*' matches any characters)",
    ),
  /** Only in this stack; every stack when omitted. */
  stack: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, "must be a stack id such as 'github', 'staging' or 'production'")
    .optional(),
  /** Why the finding is acceptable; printed next to it on every synth. */
  reason: z
    .string()
    .trim()
    .min(MIN_REASON_LENGTH, `must explain in at least ${MIN_REASON_LENGTH} characters why the finding is acceptable`),
});

export const policySchema = z
  .strictObject({
    /** Findings of the guardrails accepted on purpose, each with its reason. */
    suppressions: z
      .array(suppression)
      .default([])
      .superRefine((suppressions, ctx) => {
        const seen = new Map<string, number>();
        suppressions.forEach((entry, index) => {
          const key = `${entry.rule} ${entry.resource} ${entry.stack ?? "*"}`;
          const first = seen.get(key);
          if (first !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [index],
              message: `duplicates suppressions[${first}] (same rule, resource and stack)`,
            });
          }
          seen.set(key, first ?? index);
        });
      }),
  })
  .prefault({});

export type PolicyConfig = z.output<typeof policySchema>;
