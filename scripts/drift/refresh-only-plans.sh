#!/usr/bin/env bash
# Drift detection: a refresh-only, plan-only Terraform Cloud run of every workspace a synthesized
# output names, then a Markdown table of the results and a notification when anything drifted.
#
#   refresh-only-plans.sh [OUTDIR]   OUTDIR: a synthesized output (default cdktf.out); its
#                                    manifest.json lists the stacks, each stack's cdk.tf.json names
#                                    its workspace (terraform.cloud.workspaces.name)
#
# Exit code as `terraform plan -detailed-exitcode`: 0 no drift, 2 drift in at least one workspace,
# 1 a run failed or could not start (a failure outranks drift).
#
# Environment: TF_API_TOKEN and TF_CLOUD_ORGANIZATION (required): a team token that may queue plans
# (the "plan" workspace permission) and nothing more; TF_CLOUD_HOSTNAME (default app.terraform.io),
# TFC_API_URL (default https://<hostname>/api/v2), TFC_POLL_SECONDS (default 10),
# TFC_RUN_TIMEOUT_SECONDS (default 1800), DRIFT_WEBHOOK_URL (optional: a Slack-compatible incoming
# webhook told about drift and failures), GITHUB_STEP_SUMMARY and GITHUB_OUTPUT (set by Actions).
#
# Runs API fields (https://developer.hashicorp.com/terraform/cloud-docs/api-docs/run, go-tfe run.go):
# create with attributes refresh-only and plan-only (a speculative run that cannot be applied and does
# not lock the workspace); read status and has-changes. A plan-only run ends in
# planned_and_finished; errored, canceled, force_canceled, discarded and policy_soft_failed are also
# final.
set -euo pipefail

outdir=${1:-cdktf.out}

die() {
  echo "::error::$*" >&2
  exit 1
}

[ -n "${TF_API_TOKEN:-}" ] || die "TF_API_TOKEN is empty: add a Terraform Cloud team token with plan permission as the secret TF_PLAN_TOKEN"
[ -n "${TF_CLOUD_ORGANIZATION:-}" ] || die "TF_CLOUD_ORGANIZATION is empty: set the repository variable"
[ -f "$outdir/manifest.json" ] || die "$outdir/manifest.json not found: synthesize first (npm run synth)"

hostname="${TF_CLOUD_HOSTNAME:-app.terraform.io}"
api="${TFC_API_URL:-https://$hostname/api/v2}"
poll_seconds="${TFC_POLL_SECONDS:-10}"
timeout_seconds="${TFC_RUN_TIMEOUT_SECONDS:-1800}"

# METHOD PATH [curl options...]: one API call; the JSON answer on stdout, failure on HTTP errors. The
# token reaches curl through a header file descriptor, never through its argument list.
tfc() {
  local method=$1 path=$2
  shift 2
  local retry=()
  # Only reads are retried: a retried POST could start a second run.
  [ "$method" = GET ] && retry=(--retry 3)
  curl --silent --show-error --fail-with-body "${retry[@]}" --request "$method" \
    --header @<(printf 'Authorization: Bearer %s\n' "$TF_API_TOKEN") \
    --header "Content-Type: application/vnd.api+json" "$@" "$api$path"
}

# Every "stack<TAB>workspace" of the output, in stack id order; stacks with local state are skipped.
workspaces() {
  local stack file workspace
  while IFS=$'\t' read -r stack file; do
    workspace=$(jq -r '.terraform.cloud.workspaces.name // empty' "$outdir/$file")
    [ -n "$workspace" ] && printf '%s\t%s\n' "$stack" "$workspace"
  done < <(jq -r '.stacks | to_entries | sort_by(.key)[] | [.key, .value.synthesizedStackPath] | @tsv' "$outdir/manifest.json")
  return 0
}

# WORKSPACE: start a refresh-only plan; prints the run id.
start_run() {
  local workspace=$1 workspace_id body
  workspace_id=$(tfc GET "/organizations/$TF_CLOUD_ORGANIZATION/workspaces/$workspace" | jq -r '.data.id // empty') || return 1
  [ -n "$workspace_id" ] || return 1
  body=$(jq -n --arg ws "$workspace_id" --arg message "Drift detection: refresh-only plan (${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-local})" \
    '{data: {type: "runs", attributes: {"refresh-only": true, "plan-only": true, message: $message},
      relationships: {workspace: {data: {type: "workspaces", id: $ws}}}}}')
  tfc POST /runs --data "$body" | jq -r '.data.id // empty'
}

# RUN_ID: wait until the run is final; prints "status<TAB>has-changes".
wait_run() {
  local run=$1 waited=0 answer status
  while :; do
    answer=$(tfc GET "/runs/$run") || return 1
    status=$(jq -r '.data.attributes.status // empty' <<<"$answer")
    case "$status" in
      planned_and_finished | errored | canceled | force_canceled | discarded | policy_soft_failed)
        jq -r '[.data.attributes.status, (.data.attributes["has-changes"] // false | tostring)] | @tsv' <<<"$answer"
        return 0
        ;;
    esac
    if [ "$waited" -ge "$timeout_seconds" ]; then
      printf 'timed out (%s)\tfalse\n' "$status"
      return 0
    fi
    sleep "$poll_seconds"
    waited=$((waited + poll_seconds))
  done
}

stacks=()
names=()
runs=()
while IFS=$'\t' read -r stack workspace; do
  stacks+=("$stack")
  names+=("$workspace")
  # All runs start before any is awaited: Terraform Cloud plans the workspaces in parallel.
  runs+=("$(start_run "$workspace" || true)")
done < <(workspaces)
[ "${#stacks[@]}" -gt 0 ] || die "no stack of $outdir names a Terraform Cloud workspace: synthesize with TF_CLOUD_ORGANIZATION set"

rows=()
drifted=()
failed=()
for index in "${!stacks[@]}"; do
  stack=${stacks[$index]} workspace=${names[$index]} run=${runs[$index]}
  link="https://$hostname/app/$TF_CLOUD_ORGANIZATION/workspaces/$workspace/runs/$run"
  if [ -z "$run" ]; then
    result="could not start a run (does the workspace exist, and may the token queue plans?)"
    link=""
    failed+=("$stack")
  elif ! outcome=$(wait_run "$run"); then
    result="could not read run $run"
    failed+=("$stack")
  else
    IFS=$'\t' read -r status changes <<<"$outcome"
    if [ "$status" = planned_and_finished ] && [ "$changes" = true ]; then
      result="drifted"
      drifted+=("$stack")
    elif [ "$status" = planned_and_finished ]; then
      result="no drift"
    else
      result="failed: $status"
      failed+=("$stack")
    fi
  fi
  rows+=("| \`$stack\` | \`$workspace\` | $result | ${link:+[$run]($link)} |")
  echo "$stack ($workspace): $result"
done

summary=$(
  echo "## Drift: refresh-only plans"
  echo
  echo "| stack | workspace | result | run |"
  echo "| ----- | --------- | ------ | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "${#drifted[@]} drifted, ${#failed[@]} failed, $((${#stacks[@]} - ${#drifted[@]} - ${#failed[@]})) without drift."
)
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  echo "$summary" >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "drifted=${drifted[*]}" >>"$GITHUB_OUTPUT"
  echo "failed=${failed[*]}" >>"$GITHUB_OUTPUT"
fi

if [ "${#drifted[@]}" -gt 0 ] || [ "${#failed[@]}" -gt 0 ]; then
  for stack in "${drifted[@]}"; do echo "::warning::drift in the $stack stack"; done
  for stack in "${failed[@]}"; do echo "::error::the refresh-only plan of the $stack stack failed"; done
  if [ -n "${DRIFT_WEBHOOK_URL:-}" ]; then
    text="Drift detection: drifted: ${drifted[*]:-none}; failed: ${failed[*]:-none} (${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-local})"
    # The webhook URL is a secret: curl reads it from a config file descriptor, not its arguments.
    curl --silent --show-error --fail --config <(printf 'url = "%s"\n' "$DRIFT_WEBHOOK_URL") \
      --header "Content-Type: application/json" --data "$(jq -n --arg text "$text" '{text: $text}')" >/dev/null ||
      echo "::warning::the drift notification could not be sent"
  fi
fi

[ "${#failed[@]}" -eq 0 ] || exit 1
[ "${#drifted[@]}" -eq 0 ] || exit 2
exit 0
