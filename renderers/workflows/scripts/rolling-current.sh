# Reads the image variable before anything changes: the rollback restores exactly this value. It
# holds a digest, or nothing when the workload has no image yet (a first release); anything else
# (a tag) would move under a rollback, so the deployment stops here, before changing anything.
image=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$IMAGE_VARIABLE")
if [ -n "$image" ] && ! [[ $image =~ @DIGEST_PATTERN@ ]]; then
  echo "::error::$IMAGE_VARIABLE is '$image' in $TFC_WORKSPACE: it must be an image digest (sha256:...) or empty; set it to the running digest first"
  exit 1
fi
if [ -n "$image" ]; then
  echo "Running now: $image"
else
  echo "First release in $TFC_WORKSPACE: $IMAGE_VARIABLE is empty, there is no previous image to roll back to"
fi
echo "image=$image" >> "$GITHUB_OUTPUT"
