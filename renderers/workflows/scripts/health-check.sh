for path in $HEALTH_PATHS; do
  attempt=1
  until status=$(curl --silent --output /dev/null --max-time 10 --write-out '%{http_code}' "$ENVIRONMENT_URL$path"); [[ $status == 2?? ]]; do
    if [ "$attempt" -ge @ATTEMPTS@ ]; then
      echo "::error::$ENVIRONMENT_URL$path answered HTTP ${status:-000} after $attempt attempts"
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep @DELAY_SECONDS@
  done
  echo "$ENVIRONMENT_URL$path: HTTP $status"
done
