# Runs the production image that was just built and probes every health path, then validates
# compose.yaml and brings the development stack up until its health checks pass: the image, the
# development stage and the compose file all run before anything is published.
docker run --detach --name smoke --publish "127.0.0.1:$APP_PORT:$APP_PORT" "$SMOKE_IMAGE" >/dev/null
trap 'docker logs smoke 2>&1 | tail -n 50; docker rm --force smoke >/dev/null 2>&1 || true' EXIT
for path in $HEALTH_PATHS; do
  attempt=1
  until curl --silent --fail --max-time 5 --output /dev/null "http://127.0.0.1:$APP_PORT$path"; do
    if [ "$attempt" -ge 30 ]; then
      echo "::error::The production image does not answer $path on port $APP_PORT after $attempt attempts"
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
  echo "Production image: $path answers"
done
if [ -f compose.yaml ]; then
  docker compose config --quiet
  docker compose up --build --detach --wait --wait-timeout 300 ||
    {
      docker compose logs --tail 50
      docker compose down --volumes
      echo "::error::docker compose up did not become healthy"
      exit 1
    }
  docker compose down --volumes
  echo "compose.yaml: valid, and the development stack became healthy"
fi
