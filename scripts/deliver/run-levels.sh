#!/usr/bin/env bash
# Delivery: Terraform Cloud runs of the changed stacks, level by level, then a Markdown table of the
# results in the job summary.
#
#   run-levels.sh [--plan-only] PLAN OUTDIR
#     PLAN: the JSON `npm run changed-stacks -- --json` wrote; OUTDIR: the head commit's synthesized
#     output, whose stack directories are uploaded. --plan-only: speculative plans for a pull request
#     instead (speculative configuration versions, plan-only runs that cannot be applied and do not
#     lock the workspace), all stacks at once since nothing is applied; a stack whose workspace does
#     not exist yet is not planned, and nothing is created.
#
# Every stack of a level gets its run at once (Terraform Cloud plans and applies them in parallel);
# the next level starts when every run of this one has applied, and no later level starts after a
# failure. Stacks the plan lists as not run (local state, cluster stacks) and removed stacks get a row
# and no run: nothing here ever destroys anything.
#
# API-driven runs (https://developer.hashicorp.com/terraform/cloud-docs/run/api, go-tfe
# configuration_version.go): create a configuration version with auto-queue-runs false, PUT the
# stack directory as a .tar.gz to its upload-url (a signed URL: no token is sent there), wait until
# its status is uploaded, then create a run on it. The run sets no auto-apply attribute, so the
# workspace's Auto-apply setting decides: on, the run applies after a successful plan; off, it waits
# for a person to confirm the plan in Terraform Cloud (until TFC_RUN_TIMEOUT_SECONDS, after which it
# is discarded so it does not hold the workspace queue). A plan without changes ends in
# planned_and_finished, which counts as delivered.
#
# Environment: TF_API_TOKEN and TF_CLOUD_ORGANIZATION (required): a team token whose team may queue
# and apply runs ("write" on the workspaces); TF_CLOUD_HOSTNAME (default app.terraform.io),
# TFC_API_URL (default https://<hostname>/api/v2), TFC_POLL_SECONDS (default 10),
# TFC_RUN_TIMEOUT_SECONDS (default 1800: the longest a level waits, a wait for a person included),
# TFC_CREATE_WORKSPACES (true: create a missing workspace, which needs the team's "Manage all
# workspaces" organization permission; otherwise a missing workspace fails its stack),
# TFC_PROJECT_ID (optional: the project new workspaces are created in), GITHUB_SHA,
# GITHUB_STEP_SUMMARY and GITHUB_OUTPUT (set by Actions).
set -euo pipefail

plan_only=false
if [ "${1:-}" = --plan-only ]; then
  plan_only=true
  shift
fi
plan=${1:?usage: run-levels.sh [--plan-only] PLAN OUTDIR}
outdir=${2:?usage: run-levels.sh [--plan-only] PLAN OUTDIR}

die() {
  echo "::error::$*" >&2
  exit 1
}

[ -n "${TF_API_TOKEN:-}" ] || die "TF_API_TOKEN is empty: add a Terraform Cloud team token that may apply runs as the secret TF_API_TOKEN (of the delivery environment, or of the repository)"
[ -n "${TF_CLOUD_ORGANIZATION:-}" ] || die "TF_CLOUD_ORGANIZATION is empty: set the repository variable"
[ -f "$plan" ] || die "$plan not found: compute the delivery first (npm run changed-stacks -- --json)"
jq -e '.levels | type == "array"' "$plan" >/dev/null 2>&1 || die "$plan is not a delivery plan (no levels)"

hostname="${TF_CLOUD_HOSTNAME:-app.terraform.io}"
api="${TFC_API_URL:-https://$hostname/api/v2}"
poll_seconds="${TFC_POLL_SECONDS:-10}"
timeout_seconds="${TFC_RUN_TIMEOUT_SECONDS:-1800}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ "$plan_only" = true ]; then
  # Plans change nothing, so no stack waits for another: one level.
  jq '.levels = ([.levels[][]] | if length == 0 then [] else [.] end)' "$plan" >"$scratch/plan.json"
  plan="$scratch/plan.json"
fi

# METHOD PATH [curl options...]: one API call; the JSON answer on stdout. On an HTTP error the API's
# error objects go to the log and the call fails. The token reaches curl through a header file
# descriptor, never through its argument list. Only reads are retried: a retried POST could start a
# second run.
tfc() {
  local method=$1 path=$2 status
  shift 2
  local retry=()
  [ "$method" = GET ] && retry=(--retry 3)
  status=$(curl --silent --show-error "${retry[@]}" --request "$method" --output "$scratch/answer" --write-out '%{http_code}' \
    --header @<(printf 'Authorization: Bearer %s\n' "$TF_API_TOKEN") \
    --header "Content-Type: application/vnd.api+json" "$@" "$api$path") || status=000
  if [[ $status != 2?? ]]; then
    echo "::error::Terraform Cloud answered HTTP $status to $method $path: $(jq -r '[.errors[]? | [.status, .title, .detail] | map(select(. != null)) | join(" ")] | join("; ")' "$scratch/answer" 2>/dev/null || true)" >&2
    [ "$status" = 404 ] && return 4
    return 1
  fi
  cat "$scratch/answer"
}

# WORKSPACE: its id; creates the workspace when it is missing and creation is allowed.
workspace_id() {
  local workspace=$1 answer code=0 body
  answer=$(tfc GET "/organizations/$TF_CLOUD_ORGANIZATION/workspaces/$workspace" 2>/dev/null) || code=$?
  if [ "$code" -eq 0 ]; then
    jq -r '.data.id // empty' <<<"$answer"
    return 0
  fi
  if [ "$code" -ne 4 ]; then
    echo "cannot read workspace $workspace (may the token read it?)"
    return 1
  fi
  if [ "$plan_only" = true ]; then
    echo "workspace $workspace does not exist yet (its stack's first delivery needs it)"
    return 2
  fi
  if [ "${TFC_CREATE_WORKSPACES:-}" != true ]; then
    echo "workspace $workspace does not exist: create it first (README: Delivery of this project's stacks, setup), or set the repository variable TFC_CREATE_WORKSPACES=true and give the token's team the Manage all workspaces permission"
    return 1
  fi
  # auto-apply false (the API's default, written out): the first run of a new workspace waits for a
  # person, who also checks that the workspace has its variables.
  body=$(jq -n --arg name "$workspace" --arg project "${TFC_PROJECT_ID:-}" \
    '{data: ({type: "workspaces", attributes: {name: $name, "auto-apply": false, "source-name": "delivery workflow"}}
      + (if $project == "" then {} else {relationships: {project: {data: {type: "projects", id: $project}}}} end))}')
  if ! answer=$(tfc POST "/organizations/$TF_CLOUD_ORGANIZATION/workspaces" --data "$body"); then
    echo "workspace $workspace does not exist and could not be created (does the token's team have the Manage all workspaces permission?)"
    return 1
  fi
  echo "::notice::created workspace $workspace (auto-apply off: confirm its first run in Terraform Cloud)" >&2
  jq -r '.data.id // empty' <<<"$answer"
}

# WORKSPACE DIRECTORY: creates a configuration version and uploads DIRECTORY; prints
# "workspace id<TAB>configuration version id", or the reason it failed (status 2: nothing to plan).
upload() {
  local workspace=$1 directory=$2 id cv upload_url archive code=0
  id=$(workspace_id "$workspace") || code=$?
  if [ "$code" -ne 0 ]; then
    echo "$id"
    return "$code"
  fi
  cv=$(tfc POST "/workspaces/$id/configuration-versions" \
    --data "$(jq -n --argjson speculative "$plan_only" '{data: {type: "configuration-versions", attributes: {"auto-queue-runs": false, speculative: $speculative}}}')") || {
    echo "could not create a configuration version (may the token queue plans?)"
    return 1
  }
  upload_url=$(jq -r '.data.attributes["upload-url"] // empty' <<<"$cv")
  archive="$scratch/$workspace.tar.gz"
  tar -czf "$archive" -C "$directory" .
  # The upload URL is signed and single-use; it gets no Authorization header.
  curl --silent --show-error --fail --request PUT --header "Content-Type: application/octet-stream" \
    --data-binary "@$archive" "$upload_url" >/dev/null || {
    echo "could not upload $directory"
    return 1
  }
  printf '%s\t%s\n' "$id" "$(jq -r '.data.id' <<<"$cv")"
}

# CONFIGURATION_VERSION: waits until it is uploaded (a pending one cannot be used by a run).
wait_uploaded() {
  local cv=$1 deadline=$((SECONDS + timeout_seconds)) status
  while :; do
    status=$(tfc GET "/configuration-versions/$cv" | jq -r '.data.attributes.status // empty') || return 1
    case "$status" in
      uploaded) return 0 ;;
      errored) return 1 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep "$poll_seconds"
  done
}

# WORKSPACE_ID CONFIGURATION_VERSION STACK: starts the run; prints its id.
start_run() {
  local body what="Delivery"
  [ "$plan_only" = false ] || what="Speculative plan"
  body=$(jq -n --arg ws "$1" --arg cv "$2" --argjson planOnly "$plan_only" \
    --arg message "$what of ${GITHUB_SHA:-local}: $3 (${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-local})" \
    '{data: {type: "runs", attributes: ({message: $message} + (if $planOnly then {"plan-only": true} else {} end)),
      relationships: {workspace: {data: {type: "workspaces", id: $ws}},
        "configuration-version": {data: {type: "configuration-versions", id: $cv}}}}}')
  tfc POST /runs --data "$body" | jq -r '.data.id // empty'
}

# RUN DETAILS: cancel or discard a run given up on, so it does not block the workspace queue.
abandon() {
  local run=$1 details=$2 action=""
  if jq -e '.data.attributes.actions["is-discardable"] == true' <<<"$details" >/dev/null; then
    action=discard
  elif jq -e '.data.attributes.actions["is-cancelable"] == true' <<<"$details" >/dev/null; then
    action=cancel
  fi
  [ -n "$action" ] || return 0
  tfc POST "/runs/$run/actions/$action" --data '{"comment":"Abandoned by the delivery workflow: not finished in time"}' >/dev/null ||
    echo "::warning::could not $action run $run: discard it in Terraform Cloud, it blocks the workspace queue" >&2
  echo "${action}ed"
}

rows=()
applied=()
changed=()
failed=()
# LEVEL STACK WORKSPACE RUN RESULT (`read` collapses empty tab-separated fields: none may be empty
# but RUN, which comes last from its own variable)
row() {
  local link=""
  [ -n "$4" ] && link="[$4](https://$hostname/app/$TF_CLOUD_ORGANIZATION/workspaces/$3/runs/$4)"
  rows+=("| $1 | \`$2\` | \`$3\` | $link | $5 |")
  echo "level $1: $2 ($3): $5"
}

levels=$(jq '.levels | length' "$plan")
stopped=""
for ((level = 0; level < levels; level++)); do
  number=$((level + 1))
  if [ -n "$stopped" ]; then
    while IFS=$'\t' read -r stack workspace; do
      row "$number" "$stack" "$workspace" "" "not started: level $stopped failed"
    done < <(jq -r --argjson level "$level" '.levels[$level][] | [.stack, .workspace] | @tsv' "$plan")
    continue
  fi
  echo "::group::level $number"
  stacks=() names=() workspace_ids=() versions=() runs=() results=()
  while IFS=$'\t' read -r stack workspace directory; do
    stacks+=("$stack") names+=("$workspace")
    code=0
    outcome=$(upload "$workspace" "$outdir/$directory") || code=$?
    if [ "$code" -eq 0 ]; then
      IFS=$'\t' read -r id cv <<<"$outcome"
      workspace_ids+=("$id") versions+=("$cv") results+=("")
    elif [ "$code" -eq 2 ]; then
      workspace_ids+=("") versions+=("") results+=("not planned: $outcome")
    else
      workspace_ids+=("") versions+=("") results+=("failed: $outcome")
    fi
  done < <(jq -r --argjson level "$level" '.levels[$level][] | [.stack, .workspace, .directory] | @tsv' "$plan")

  # Every upload of the level before any wait: Terraform Cloud processes them in parallel.
  for index in "${!stacks[@]}"; do
    runs+=("")
    [ -z "${results[$index]}" ] || continue
    if ! wait_uploaded "${versions[$index]}"; then
      results[index]="failed: configuration version ${versions[$index]} was not uploaded"
    elif ! runs[index]=$(start_run "${workspace_ids[$index]}" "${versions[$index]}" "${stacks[$index]}") || [ -z "${runs[$index]}" ]; then
      runs[index]=""
      results[index]="failed: could not start a run (may the token queue runs?)"
    else
      echo "${stacks[$index]}: run ${runs[$index]} started: https://$hostname/app/$TF_CLOUD_ORGANIZATION/workspaces/${names[$index]}/runs/${runs[$index]}"
    fi
  done

  deadline=$((SECONDS + timeout_seconds))
  declare -A warned=()
  while :; do
    pending=0
    for index in "${!stacks[@]}"; do
      [ -z "${results[$index]}" ] || continue
      run=${runs[$index]}
      if ! details=$(tfc GET "/runs/$run"); then
        results[index]="failed: could not read run $run"
        continue
      fi
      status=$(jq -r '.data.attributes.status // empty' <<<"$details")
      case "$status" in
        applied) results[index]="applied" ;;
        planned_and_finished)
          if [ "$plan_only" = true ]; then
            if jq -e '.data.attributes["has-changes"] == true' <<<"$details" >/dev/null; then
              results[index]="planned: changes"
            else
              results[index]="planned: no changes"
            fi
          elif jq -e '.data.attributes["plan-only"] == true' <<<"$details" >/dev/null; then
            results[index]="failed: the run was plan-only, nothing was applied"
          else
            results[index]="no changes"
          fi
          ;;
        errored | discarded | canceled | force_canceled | policy_soft_failed) results[index]="failed: $status" ;;
        *)
          if [ -z "${warned[$run]:-}" ] && { [ "$status" = policy_override ] || jq -e '.data.attributes.actions["is-confirmable"] == true' <<<"$details" >/dev/null; }; then
            warned[$run]=1
            echo "::warning::${stacks[$index]}: run $run waits for a person ($status): confirm or discard it in Terraform Cloud"
          fi
          if [ "$SECONDS" -ge "$deadline" ]; then
            action=$(abandon "$run" "$details")
            results[index]="failed: still $status after $timeout_seconds s${action:+ ($action)}"
            continue
          fi
          pending=$((pending + 1))
          ;;
      esac
    done
    [ "$pending" -gt 0 ] || break
    sleep "$poll_seconds"
  done
  unset warned

  for index in "${!stacks[@]}"; do
    row "$number" "${stacks[$index]}" "${names[$index]}" "${runs[$index]}" "${results[$index]}"
    if [[ ${results[$index]} == failed:* ]]; then
      failed+=("${stacks[$index]}")
      echo "::error::the run of the ${stacks[$index]} stack failed: ${results[$index]#failed: }"
      stopped=$number
    elif [[ ${results[$index]} != "not planned:"* ]]; then
      applied+=("${stacks[$index]}")
      [ "${results[$index]}" != "planned: changes" ] || changed+=("${stacks[$index]}")
    fi
  done
  echo "::endgroup::"
done

while IFS=$'\t' read -r stack workspace reason; do
  row "-" "$stack" "$workspace" "" "not run: $reason"
done < <(jq -r '.notRun[]? | [.stack, (.workspace // "-"), .reason] | @tsv' "$plan")
removed=()
while IFS=$'\t' read -r stack workspace advice; do
  removed+=("$advice")
  row "-" "$stack" "$workspace" "" "removed from the code: not destroyed"
  echo "::warning::$advice"
done < <(jq -r '.removed[]? | [.stack, (.workspace // "-"), .advice] | @tsv' "$plan")

summary=$(
  if [ "$plan_only" = true ]; then
    echo "## Speculative plans of the changed stacks"
  else
    echo "## Delivery: changed stacks in Terraform Cloud"
  fi
  echo
  if [ "${#rows[@]}" -eq 0 ]; then
    echo "No stack changed: nothing to run."
  else
    echo "| level | stack | workspace | run | result |"
    echo "| ----- | ----- | --------- | --- | ------ |"
    printf '%s\n' "${rows[@]}"
  fi
  echo
  if [ "$plan_only" = true ]; then
    echo "${#applied[@]} planned (${#changed[@]} with changes), ${#failed[@]} failed, $(jq '.unchanged | length' "$plan") unchanged."
  else
    echo "${#applied[@]} delivered, ${#failed[@]} failed, $(jq '.unchanged | length' "$plan") unchanged."
  fi
  if [ "${#removed[@]}" -gt 0 ]; then
    echo
    echo "Removed stacks are never destroyed by this workflow:"
    echo
    printf -- '- %s\n' "${removed[@]}"
  fi
)
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  echo "$summary" >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "delivered=${applied[*]}"
    echo "changed=${changed[*]}"
    echo "failed=${failed[*]}"
  } >>"$GITHUB_OUTPUT"
fi

[ "${#failed[@]}" -eq 0 ] || exit 1
exit 0
