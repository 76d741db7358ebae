/**
 * What a message may say about a configuration value. Secret names and Actions variable values are
 * where a user pastes a secret by mistake (the value instead of its name); a message about them
 * shows the field and the rule, never the value, because messages end up in CI logs.
 */

/** Field paths whose values are never repeated in messages: secret names, variable names and values. */
export function mayHoldSecret(path: readonly PropertyKey[]): boolean {
  return path.some((segment) => segment === "secrets" || segment === "variables");
}

/**
 * A value as messages show it when it may be secret: its first three characters when it is long
 * enough for that to give nothing away (as GitHub's token prefixes show only the kind), and its length.
 */
export function maskedValue(value: unknown): string {
  if (typeof value !== "string") {
    return "a value not shown";
  }
  return value.length >= 12
    ? `'${value.slice(0, 3)}...', ${value.length} characters, the rest not shown`
    : `${value.length} characters, not shown`;
}

/** What a credential-looking value looks like, in the words of a message. */
export interface CredentialShape {
  readonly description: string;
}

// Token formats with a documented, distinctive prefix or shape; each is the issuer's own format.
const CREDENTIAL_SHAPES: readonly { readonly pattern: RegExp; readonly description: string }[] = [
  // https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
  { pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/, description: "a GitHub token" },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/, description: "a GitHub fine-grained token" },
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, description: "an AWS access key id" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, description: "a private key" },
  // https://api.slack.com/authentication/token-types
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, description: "a Slack token" },
  { pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/, description: "a Slack webhook URL" },
  { pattern: /discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]+/, description: "a Discord webhook URL" },
  { pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/, description: "a Stripe secret key" },
  // A JSON Web Token: three base64url parts, the first two JSON objects (`{"` is `eyJ`).
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/, description: "a JSON Web Token" },
  // scheme://user:password@host: a connection string with its password.
  { pattern: /^[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:[^\s/@]+@/i, description: "a URL with a password" },
];

/**
 * Whether a value looks like a credential. Only distinctive formats count, so that ordinary
 * variables (log levels, URLs without a password, hostnames, commit SHAs) never match.
 */
export function credentialShapeOf(value: string): CredentialShape | undefined {
  const shape = CREDENTIAL_SHAPES.find((candidate) => candidate.pattern.test(value));
  return shape === undefined ? undefined : { description: shape.description };
}
