/**
 * The one place that names the GitHub Actions the workflows may use, each pinned to the full commit
 * SHA of a release tag. A tag can be moved by whoever controls the action's repository (in the
 * tj-actions/changed-files compromise of March 2025 the version tags were retargeted at a malicious
 * commit); a commit SHA cannot. The version is kept beside the SHA only for people and for
 * Dependabot, which reads and updates the `# vX.Y.Z` comment together with the SHA.
 *
 * How each SHA was obtained (never typed from memory): the action's repository was fetched as a
 * snapshot (`fetch github:<owner>/<repo>`), its newest release tag listed with
 * `git tag --sort=-v:refname | head`, and resolved with `git rev-parse '<tag>^{commit}'` (which
 * dereferences annotated tags to the commit they point at).
 *
 * | action                       | version  | tag's commit date |
 * | ---------------------------- | -------- | ----------------- |
 * | actions/checkout             | v7.0.1   | 2026-07-17        |
 * | actions/upload-artifact      | v7.0.0   | 2026-02-25        |
 * | actions/cache                | v5.0.5   | 2026-04-13        |
 * | actions/setup-node           | v7.0.0   | 2026-07-13        |
 * | astral-sh/setup-uv           | v10.0.1  | 2026-08-14        |
 * | github/codeql-action         | v4.36.2  | 2026-06-04        |
 * | docker/setup-qemu-action     | v4.2.0   | 2026-07-01        |
 * | docker/setup-buildx-action   | v4.3.0   | 2026-08-17        |
 * | docker/login-action          | v4.1.0   | 2026-04-02        |
 * | docker/metadata-action       | v6.2.0   | 2026-07-02        |
 * | docker/build-push-action     | v7.3.0   | 2026-07-01        |
 * | aquasecurity/trivy-action    | v0.36.0  | 2026-04-22        |
 * | sigstore/cosign-installer    | v4.1.2   | 2026-05-06        |
 * | hashicorp/setup-terraform    | v4.0.1   | 2026-05-12        |
 *
 * Everything else the pipeline does (Terraform Cloud API, GitHub Deployments API, Slack and Discord
 * webhooks, health checks) is plain `curl`/`gh` in `run:` steps: one less third party to trust.
 */
export const ACTION_PINS = {
  "actions/checkout": { version: "v7.0.1", commit: "3d3c42e5aac5ba805825da76410c181273ba90b1" },
  "actions/upload-artifact": { version: "v7.0.0", commit: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f" },
  "actions/cache": { version: "v5.0.5", commit: "27d5ce7f107fe9357f9df03efb73ab90386fccae" },
  "actions/setup-node": { version: "v7.0.0", commit: "820762786026740c76f36085b0efc47a31fe5020" },
  "astral-sh/setup-uv": { version: "v10.0.1", commit: "20cfd1bf945f4377ade1205e4dbc17946fc9a30d" },
  "github/codeql-action": { version: "v4.36.2", commit: "8aad20d150bbac5944a9f9d289da16a4b0d87c1e" },
  "docker/setup-qemu-action": { version: "v4.2.0", commit: "96fe6ef7f33517b61c61be40b68a1882f3264fb8" },
  "docker/setup-buildx-action": { version: "v4.3.0", commit: "37fe631027851001ddb9b187196cc803df7f5f0e" },
  "docker/login-action": { version: "v4.1.0", commit: "4907a6ddec9925e35a0a9e82d7399ccc52663121" },
  "docker/metadata-action": { version: "v6.2.0", commit: "dc802804100637a589fabce1cb79ff13a1411302" },
  "docker/build-push-action": { version: "v7.3.0", commit: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a" },
  "aquasecurity/trivy-action": { version: "v0.36.0", commit: "ed142fd0673e97e23eac54620cfb913e5ce36c25" },
  "sigstore/cosign-installer": { version: "v4.1.2", commit: "6f9f17788090df1f26f669e9d70d6ae9567deba6" },
  "hashicorp/setup-terraform": { version: "v4.0.1", commit: "dfe3c3f87815947d99a8997f908cb6525fc44e9e" },
} as const satisfies Readonly<Record<string, ActionPin>>;

export interface ActionPin {
  /** The release tag the commit carries, `vX.Y.Z`. */
  readonly version: string;
  /** The full 40-hex commit SHA the tag points at. */
  readonly commit: string;
}

/** An action as a step references it: `owner/repo` or `owner/repo/path`, resolved through the pin table. */
export interface ResolvedAction {
  /** `owner/repo[/path]@<commit>`: the exact `uses:` value. */
  readonly uses: string;
  readonly version: string;
}

const ACTION_NAME = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(\/[A-Za-z0-9_./-]+)?$/;

/**
 * `actions/cache/restore` -> `actions/cache/restore@27d5...` with its version. Fails for a reference
 * that already carries a ref (`@v4`, `@main`, or even a SHA: the table is the one place for refs),
 * for `docker://` and local actions, and for any repository not in the table.
 */
export function resolveAction(name: string): ResolvedAction {
  if (name.includes("@")) {
    throw new Error(
      `uses: '${name}' carries its own ref; name the action without '@' (for example 'actions/checkout') so that the pin table supplies the commit SHA`,
    );
  }
  const match = ACTION_NAME.exec(name);
  const repository = match?.[1];
  if (match === null || repository === undefined || name.startsWith("./") || name.startsWith("docker:")) {
    throw new Error(`uses: '${name}' is not an 'owner/repo[/path]' action reference`);
  }
  const pin = (ACTION_PINS as Readonly<Record<string, ActionPin>>)[repository];
  if (pin === undefined) {
    throw new Error(
      `uses: '${name}': action ${repository} is not in the pin table; allowed: ${Object.keys(ACTION_PINS).join(", ")}`,
    );
  }
  return { uses: `${name}@${pin.commit}`, version: pin.version };
}

/** `owner/repo[/path]@<40 hex>`: the only form a remote `uses:` may take in the output. */
export const PINNED_USES = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$/;
