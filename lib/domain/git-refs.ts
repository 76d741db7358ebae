// Release branches, in GitHub's fnmatch syntax (rulesets and environment deployment policies):
// `*` stops at `/`, and `release/**/*` matches `release/1.2` and `release/1.2/hotfix` alike.
export const RELEASE_BRANCH_PATTERN = "release/**/*";

// The same release branches as a workflow `on.push.branches` filter: in GitHub Actions' filter
// syntax `**` matches any characters including `/`, so `release/**` is every branch under `release/`.
export const RELEASE_BRANCH_FILTER = "release/**";

/** The full ref prefix of a release branch, as `github.ref` and `GITHUB_REF` spell it. */
export const RELEASE_BRANCH_REF_PREFIX = "refs/heads/release/";

/** Release tags (`v1.4.2`, `v1.5.0-rc.1`): protected from deletion and rewriting. */
export const RELEASE_TAG_PATTERN = "v*";
