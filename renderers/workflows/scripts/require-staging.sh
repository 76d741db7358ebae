found=""
while read -r id; do
  if gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" --jq '.[].state' | grep -qx success; then
    found=$id
    break
  fi
done < <(gh api --paginate "repos/$GITHUB_REPOSITORY/deployments?environment=staging&task=@DEPLOYMENT_TASK@&per_page=100" |
  jq -r --arg digest "$DIGEST" '.[] | select(.payload.digest == $digest) | .id')
if [ -z "$found" ]; then
  echo "::error::No successful staging deployment of $IMAGE@$DIGEST: production only receives digests that passed staging"
  exit 1
fi
echo "Staging deployment $found of $DIGEST succeeded"
