body=$(jq -n --arg ref "$GITHUB_SHA" --arg environment "$DEPLOY_ENVIRONMENT" --arg digest "$DIGEST" --arg version "$VERSION" \
  '{ref: $ref, environment: $environment, task: "@DEPLOYMENT_TASK@", auto_merge: false, required_contexts: [],
    production_environment: @PRODUCTION_ENVIRONMENT@, transient_environment: false, description: ("Image " + $version),
    payload: {digest: $digest, version: $version}}')
id=$(gh api --method POST "repos/$GITHUB_REPOSITORY/deployments" --input - --jq '.id' <<<"$body")
gh api --method POST "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" -f state=in_progress -f log_url="$RUN_URL" >/dev/null
echo "id=$id" >> "$GITHUB_OUTPUT"
