# Waits for Flagger's verdict on the canary release of $IMAGE@$DIGEST, which the Terraform Cloud
# run before this step started (it set the Deployment's image). Reads the Canary and the primary
# Deployment through the Kubernetes API, writes each step (phase, traffic weight, failed checks)
# to the job summary, notifies when the analysis starts and at the verdict, and fails unless the
# primary Deployment (the one serving users) runs the new digest. When Flagger aborts, it has
# already routed all traffic back to the primary, which still runs the previous digest.
#
# Environment: K8S_API_URL, K8S_TOKEN (read access to canaries.flagger.app and deployments in
# K8S_NAMESPACE), K8S_CA_CERT (optional: the API server's CA, PEM), K8S_NAMESPACE, SERVICE (the
# Canary and target Deployment), IMAGE, DIGEST, CANARY_TIMEOUT_SECONDS, CANARY_POLL_SECONDS,
# CANARY_SINCE (UTC, ISO 8601: a Failed verdict from before it belongs to an earlier release),
# NOTIFY_SCRIPT (optional), GITHUB_STEP_SUMMARY.
set -euo pipefail

missing=0
require() {
  if [ -z "${!1:-}" ]; then
    echo "::error::$1 is empty: set $2"
    missing=1
  fi
}
require K8S_API_URL "the production environment's variable K8S_API_URL (the API server, https://...)"
require K8S_TOKEN "the production environment's secret K8S_CANARY_TOKEN (the canary-observer account's token)"
require K8S_NAMESPACE "the production environment's variable K8S_NAMESPACE"
if [ "$missing" -ne 0 ]; then
  exit 1
fi
: "${SERVICE:?}" "${IMAGE:?}" "${DIGEST:?}"
timeout=${CANARY_TIMEOUT_SECONDS:-1200}
poll=${CANARY_POLL_SECONDS:-10}
since=${CANARY_SINCE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
canary_path="/apis/flagger.app/v1beta1/namespaces/$K8S_NAMESPACE/canaries/$SERVICE"
primary_path="/apis/apps/v1/namespaces/$K8S_NAMESPACE/deployments/$SERVICE-primary"

ca=()
if [ -n "${K8S_CA_CERT:-}" ]; then
  ca_file=$(mktemp)
  printf '%s\n' "$K8S_CA_CERT" > "$ca_file"
  ca=(--cacert "$ca_file")
fi

# The token is a credential: it reaches curl through a config file descriptor, never argv.
api() {
  curl --silent --show-error --fail --max-time 10 "${ca[@]}" \
    --config <(printf 'header = "Authorization: Bearer %s"\n' "$K8S_TOKEN") "$K8S_API_URL$1"
}

notify() {
  if [ -n "${NOTIFY_SCRIPT:-}" ] && [ -f "$NOTIFY_SCRIPT" ]; then
    bash "$NOTIFY_SCRIPT" "$1" || true
  fi
}

{
  echo "### Canary release of $SERVICE ($DIGEST)"
  echo
  echo "| Time (UTC) | Phase | Canary traffic | Failed checks | Flagger's message |"
  echo "| --- | --- | --- | --- | --- |"
} >> "$summary"

deadline=$((SECONDS + timeout))
last=""
failures=0
announced=false
while :; do
  if ! canary=$(api "$canary_path") || ! primary=$(api "$primary_path"); then
    failures=$((failures + 1))
    if [ "$failures" -ge 6 ]; then
      echo "::error::The Kubernetes API did not answer for the Canary $K8S_NAMESPACE/$SERVICE or its primary Deployment $failures times in a row"
      exit 1
    fi
  else
    failures=0
    phase=$(jq -r '.status.phase // "Pending"' <<<"$canary")
    weight=$(jq -r '.status.canaryWeight // 0' <<<"$canary")
    failed=$(jq -r '.status.failedChecks // 0' <<<"$canary")
    changed=$(jq -r '.status.lastTransitionTime // ""' <<<"$canary")
    message=$(jq -r '[.status.conditions[]? | select(.type == "Promoted") | .message][0] // ""' <<<"$canary")
    serving=$(jq -r '.spec.template.spec.containers[0].image // ""' <<<"$primary")
    state="$phase|$weight|$failed|$message"
    if [ "$state" != "$last" ]; then
      last=$state
      echo "$phase: canary traffic $weight %, failed checks $failed. $message"
      echo "| $(date -u +%H:%M:%S) | $phase | $weight % | $failed | ${message//|/\\|} |" >> "$summary"
    fi
    if [ "$phase" = Progressing ] && ! $announced; then
      announced=true
      notify "$SERVICE: canary analysis of $IMAGE@$DIGEST started in $K8S_NAMESPACE"
    fi
    case "$phase" in
      Succeeded | Initialized)
        if [ "$serving" = "$IMAGE@$DIGEST" ]; then
          echo "Promoted: the primary Deployment serves $serving"
          printf '\n**Promoted**: %s serves %s.\n' "$SERVICE-primary" "$serving" >> "$summary"
          notify "$SERVICE: canary of $IMAGE@$DIGEST promoted in $K8S_NAMESPACE"
          exit 0
        fi
        ;;
      Failed)
        # ISO 8601 UTC times compare as strings.
        if [[ -z $changed || ! $changed < $since ]]; then
          echo "::error::Flagger aborted the canary of $DIGEST after $failed failed checks ($message); traffic is back on the primary, which serves ${serving:-nothing}"
          printf '\n**Rolled back** by Flagger: %s serves %s.\n' "$SERVICE-primary" "${serving:-nothing}" >> "$summary"
          notify "$SERVICE: canary of $IMAGE@$DIGEST FAILED in $K8S_NAMESPACE and was rolled back; ${serving:-nothing} keeps serving"
          exit 1
        fi
        ;;
      Terminating | Terminated)
        echo "::error::The Canary $K8S_NAMESPACE/$SERVICE is being deleted ($phase): no verdict on $DIGEST"
        exit 1
        ;;
    esac
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "::error::No verdict from Flagger on $DIGEST within $timeout seconds (last phase: ${phase:-unknown}); the primary serves ${serving:-unknown}"
    printf '\n**No verdict** within %s seconds.\n' "$timeout" >> "$summary"
    notify "$SERVICE: canary of $IMAGE@$DIGEST got no verdict within $timeout seconds in $K8S_NAMESPACE"
    exit 1
  fi
  sleep "$poll"
done
