# Every path in HEALTH_PATHS must answer 2xx on ENVIRONMENT_URL within HEALTH_ATTEMPTS tries (each
# limited to HEALTH_REQUEST_SECONDS),
# HEALTH_DELAY_SECONDS apart; then VERSION_PATH must answer with a body naming VERSION as a JSON string
# (`"version": "1.4.2"`, so 1.4.2 does not pass for 1.4.20), so an old
# pod that still answers 200 does not pass for the new release.
for path in $HEALTH_PATHS; do
  attempt=1
  until status=$(curl --silent --output /dev/null --max-time "$HEALTH_REQUEST_SECONDS" --write-out '%{http_code}' "$ENVIRONMENT_URL$path"); [[ $status == 2?? ]]; do
    if [ "$attempt" -ge "$HEALTH_ATTEMPTS" ]; then
      echo "::error::$ENVIRONMENT_URL$path answered HTTP ${status:-000} after $attempt attempts"
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep "$HEALTH_DELAY_SECONDS"
  done
  echo "$ENVIRONMENT_URL$path: HTTP $status"
done
attempt=1
until body=$(curl --silent --fail --max-time "$HEALTH_REQUEST_SECONDS" "$ENVIRONMENT_URL$VERSION_PATH") && [[ $body == *"\"$VERSION\""* ]]; do
  if [ "$attempt" -ge "$HEALTH_ATTEMPTS" ]; then
    echo "::error::$ENVIRONMENT_URL$VERSION_PATH does not name version $VERSION after $attempt attempts (the body must contain \"$VERSION\", the image's APP_VERSION): the new release is not the one answering"
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$HEALTH_DELAY_SECONDS"
done
echo "$ENVIRONMENT_URL$VERSION_PATH answers version $VERSION"
