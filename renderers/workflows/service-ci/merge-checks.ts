import type { ServicePipelineProps } from "../pipeline-props";

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

/**
 * The merge checks a repository runs: CodeQL only where code scanning is available (it fails on
 * every run of a private repository without GitHub Code Security, so nothing would merge or ship).
 */
export function mergeChecks(props: Pick<ServicePipelineProps, "codeScanning">): Partial<typeof MERGE_CHECKS> {
  return Object.fromEntries(
    Object.entries(MERGE_CHECKS).filter(([id]) => id !== "codeql" || props.codeScanning !== false),
  );
}
