/**
 * The check name of every job that gates a merge, by job id. Written once: the CI jobs take their
 * `name:` from here and `requiredStatusChecks()` returns these values, so the branch rules and
 * the workflow cannot drift apart. No matrix: GitHub would report `name (value)` instead.
 */
export const MERGE_CHECKS = {
  quality: "quality",
  codeql: "codeql-analysis",
  tests: "tests",
  container: "container",
} as const;
