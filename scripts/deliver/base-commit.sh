#!/usr/bin/env bash
# The commit a delivery compares the head with: prints a commit SHA, or "none" (no base: every stack
# is delivered), and writes it as the step output `commit`.
#
#   base-commit.sh   (in a clone with full history, HEAD checked out)
#
# The first candidate that is an ancestor of HEAD wins:
# 1. DELIVERY_BASE, when set (the workflow_dispatch input): a commit, or "none". It must qualify.
# 2. The head commit of the newest successful run of this workflow on DELIVERY_BRANCH (GitHub REST
#    API "List workflow runs for a workflow", GET /repos/{owner}/{repo}/actions/workflows/{file}/runs
#    with status=success; the job token needs actions: read). Comparing with what was last delivered,
#    not with the previous push, delivers again whatever a failed or skipped delivery left out: GitHub
#    cancels a pending run of a concurrency group when a newer one queues behind the running one.
# 3. BEFORE (github.event.before of the push; all zeros for a new branch).
# 4. HEAD's first parent.
# Without any: "none".
#
# Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL (default https://api.github.com),
# DELIVERY_WORKFLOW (default deliver.yml), DELIVERY_BRANCH (default main), DELIVERY_BASE, BEFORE,
# GITHUB_OUTPUT.
set -euo pipefail

die() {
  echo "::error::$*" >&2
  exit 1
}

# COMMIT: true when it names a commit of this clone that HEAD descends from (or HEAD itself).
qualifies() {
  [[ $1 =~ ^[0-9a-f]{7,40}$ ]] && [[ ! $1 =~ ^0+$ ]] &&
    git cat-file -e "$1^{commit}" 2>/dev/null && git merge-base --is-ancestor "$1" HEAD
}

answer() {
  echo "$1"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "commit=$1" >>"$GITHUB_OUTPUT"
  fi
  exit 0
}

if [ -n "${DELIVERY_BASE:-}" ]; then
  [ "$DELIVERY_BASE" = none ] && answer none
  qualifies "$DELIVERY_BASE" || die "base $DELIVERY_BASE is not a commit HEAD descends from"
  answer "$(git rev-parse "$DELIVERY_BASE^{commit}")"
fi

last=""
if [ -n "${GITHUB_TOKEN:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
  # The token reaches curl through a header file descriptor, never through its argument list.
  last=$(curl --silent --show-error --fail --retry 3 \
    --header @<(printf 'Authorization: Bearer %s\n' "$GITHUB_TOKEN") \
    --header "Accept: application/vnd.github+json" \
    "${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY/actions/workflows/${DELIVERY_WORKFLOW:-deliver.yml}/runs?branch=${DELIVERY_BRANCH:-main}&status=success&per_page=1" |
    jq -r '.workflow_runs[0].head_sha // empty') ||
    echo "::warning::could not read this workflow's last successful run; comparing with the previous push instead" >&2
fi
for candidate in "$last" "${BEFORE:-}" "$(git rev-parse --verify --quiet 'HEAD^1' || true)"; do
  if [ -n "$candidate" ] && qualifies "$candidate"; then
    answer "$candidate"
  fi
done
answer none
