digest=""
while read -r id digest_candidate; do
  if gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" --jq '.[].state' | grep -qx success; then
    digest=$digest_candidate
    break
  fi
done < <(gh api "repos/$GITHUB_REPOSITORY/deployments?environment=production&task=@DEPLOYMENT_TASK@&per_page=30" |
  jq -r '.[] | select(.payload.digest != null) | "\(.id) \(.payload.digest)"')
if [ -z "$digest" ]; then
  echo "::notice::Nothing is deployed to production yet: the image scan is skipped"
elif ! [[ $digest =~ @DIGEST_PATTERN@ ]]; then
  echo "::error::The latest production deployment records '$digest', which is not an image digest"
  exit 1
else
  echo "Production runs $IMAGE@$digest"
fi
echo "digest=$digest" >> "$GITHUB_OUTPUT"
