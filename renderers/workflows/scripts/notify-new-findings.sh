since=$(date -u -d "@NEW_FINDINGS_DAYS@ days ago" +%Y-%m-%dT%H:%M:%SZ)
# Without code scanning (a private repository without Advanced Security) the count is unknown,
# which is itself worth a notification.
new=$(gh api --paginate "repos/$GITHUB_REPOSITORY/code-scanning/alerts?state=open&per_page=100" |
  jq -s --arg since "$since" '[.[][] | select(.created_at >= $since)] | length') || new=unknown
echo "Open code scanning alerts created since $since: $new"
if [ "$new" = 0 ] && [ "$IMAGE_SCAN" = success ] && [ "$DEPENDENCY_SCAN" = success ]; then
  echo "No new findings: nothing to report"
  exit 0
fi
bash @NOTIFY_SCRIPT@ "Weekly security scan of $GITHUB_REPOSITORY: $new new code scanning alerts; image scan $IMAGE_SCAN, dependency scan $DEPENDENCY_SCAN. $RUN_URL"
