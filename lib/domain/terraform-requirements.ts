/**
 * The Terraform and provider versions every stack requires, written into each stack's
 * `terraform` block (`required_version`, `required_providers`).
 *
 * - Terraform >= 1.5: the stacks use `import` blocks (adopted repositories), added in 1.5
 *   (https://developer.hashicorp.com/terraform/language/import), and data-source postconditions.
 * - integrations/github >= 6.10.0, < 7.0.0: the TypeScript bindings are generated from 6.9.0.
 *   6.9.0's `github_branch` data source panics on any API error other than a missing branch
 *   (github/data_source_github_branch.go:53-55 at v6.9.0 shadows the error before reading its
 *   response; fixed at v6.9.1, which the environment stacks' prerequisite check relies on).
 *   6.9.0 and 6.9.1 send `update_allows_fetch_and_merge` from the `update` flag itself
 *   (github/respository_rules_utils.go:228-231 at v6.9.1), so the release-tag ruleset's `update`
 *   rule goes out with fetch-and-merge allowed; 6.10.0 reads the attribute
 *   (github/util_rules.go:295-301 at v6.10.0). Between 6.9.0 and 6.10.2 the resources and data
 *   sources used here only gained optional attributes (`allow_forking`, `allowed_merge_methods`,
 *   `copilot_code_review`, `review_on_push`, `notification_setting`).
 * - Sources are full registry addresses: a bare `kubernetes` means `hashicorp/kubernetes` only by
 *   Terraform's legacy defaulting, which lock files and mirrors do not apply.
 */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.5.0";

export interface ProviderRequirement {
  /** `namespace/type` on registry.terraform.io. */
  readonly source: string;
  /** A Terraform version constraint. */
  readonly version: string;
}

export const PROVIDER_REQUIREMENTS = {
  github: { source: "integrations/github", version: ">= 6.10.0, < 7.0.0" },
  kubernetes: { source: "hashicorp/kubernetes", version: "2.38.0" },
  docker: { source: "kreuzwerker/docker", version: "3.6.2" },
} as const satisfies Record<string, ProviderRequirement>;

/** Provider versions with a defect that breaks these stacks, by provider local name. */
export const DEFECTIVE_PROVIDER_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  github: ["6.9.0", "6.9.1"],
};
