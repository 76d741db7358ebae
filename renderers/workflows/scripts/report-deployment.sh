case "$JOB_STATUS" in
  success) state=success ;;
  failure) state=failure ;;
  *) state=error ;;
esac
fields=(-f state="$state" -f log_url="$RUN_URL" -f description="$VERSION: $JOB_STATUS")
if [ -n "$ENVIRONMENT_URL" ]; then
  fields+=(-f environment_url="$ENVIRONMENT_URL")
fi
gh api --method POST "repos/$GITHUB_REPOSITORY/deployments/$DEPLOYMENT_ID/statuses" "${fields[@]}" >/dev/null
