import type { ManagedFile } from "../../lib/domain/managed-file";

export const SECURITY_POLICY_PATH = "SECURITY.md";

export interface SecurityPolicyProps {
  /** `owner/name` of the repository, for its private vulnerability reporting link. */
  readonly repository: string;
  /** An email address for reports. @default none: the other channels only */
  readonly contact?: string;
  /**
   * Link GitHub's private vulnerability reporting (public repositories; it must be enabled in the
   * repository's or organisation's security settings).
   * @default false
   */
  readonly privateVulnerabilityReporting?: boolean;
  /** Handles of the maintainers reporters may contact privately (`@octocat`, `@acme/platform-leads`). At least one. */
  readonly maintainers: readonly string[];
  /** Days within which a report is acknowledged. @default 5 */
  readonly responseDays?: number;
  /** Days after a report by which the vulnerability is disclosed. @default 90 */
  readonly disclosureDays?: number;
}

/**
 * SECURITY.md: how to report a vulnerability privately, and the disclosure process with its
 * timelines (what OpenSSF Scorecard's Security-Policy check looks for: a contact, text, timelines).
 */
export function securityPolicyFile(props: SecurityPolicyProps): ManagedFile {
  const responseDays = props.responseDays ?? 5;
  const disclosureDays = props.disclosureDays ?? 90;
  for (const [field, value] of [
    ["responseDays", responseDays],
    ["disclosureDays", disclosureDays],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`securityPolicyFile: ${field} must be a whole number of days, at least 1 (got ${value})`);
    }
  }
  if (props.contact !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.contact)) {
    throw new Error(`securityPolicyFile: contact must be an email address (got '${props.contact}')`);
  }
  if (props.maintainers.length === 0) {
    throw new Error("securityPolicyFile: maintainers must list at least one handle reporters can contact");
  }
  const advisoryUrl = `https://github.com/${props.repository}/security/advisories/new`;
  const channels = [
    ...(props.contact === undefined ? [] : [`- by email to ${props.contact}`]),
    ...((props.privateVulnerabilityReporting ?? false)
      ? [`- through GitHub's private vulnerability reporting: ${advisoryUrl}`]
      : []),
    `- by a private message to the maintainers: ${props.maintainers.join(", ")}`,
  ];
  return {
    path: SECURITY_POLICY_PATH,
    content: [
      "# Security policy",
      "",
      "## Reporting a vulnerability",
      "",
      "Please do not report security vulnerabilities in public issues, discussions or pull requests.",
      "Report them privately instead:",
      "",
      ...channels,
      "",
      "Describe the vulnerability, the affected version or commit, and how to reproduce it. Reports",
      "about the service, its container image and its delivery pipeline are all welcome.",
      "",
      "## Disclosure process",
      "",
      `1. We acknowledge your report within ${responseDays} days.`,
      "2. We confirm the vulnerability, assess its severity and keep you informed while we fix it.",
      "3. We release the fix and publish a security advisory that credits you, unless you prefer otherwise.",
      `4. We disclose the vulnerability within ${disclosureDays} days of your report, or earlier once a fix is`,
      "   released. Please keep it confidential until then.",
      "",
      "This file is managed by Terraform from the delivery configuration.",
      "",
    ].join("\n"),
  };
}
