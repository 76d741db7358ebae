# Tags the digest that was scanned and signed, without building anything: every tag is a new name
# for the same image index, and each is read back to prove it (a tag that resolves to another
# digest fails the job). X.Y and latest move only for a final release tag (vX.Y.Z).
tags=("$IMAGE_TAG" "sha-$GITHUB_SHA")
if [ "$RELEASE" = true ]; then
  tags+=("$MINOR" latest)
fi
for tag in "${tags[@]}"; do
  docker buildx imagetools create --tag "$IMAGE:$tag" "$IMAGE@$DIGEST"
  tagged=$(docker buildx imagetools inspect "$IMAGE:$tag" --format '{{json .Manifest}}' | jq -r '.digest')
  if [ "$tagged" != "$DIGEST" ]; then
    echo "::error::$IMAGE:$tag resolves to $tagged, not the scanned and signed $DIGEST"
    exit 1
  fi
  echo "$IMAGE:$tag -> $DIGEST" | tee -a "$GITHUB_STEP_SUMMARY"
done
