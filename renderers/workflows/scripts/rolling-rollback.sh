# Restores the exact value read before the deployment. On a first release that value is empty:
# the workload goes back to having no image, rather than to a tag that would resolve to the
# image that just failed.
if [ -n "$PREVIOUS_IMAGE" ]; then
  echo "::warning::Deployment of $DIGEST failed; rolling $SERVICE back to $PREVIOUS_IMAGE"
  target=$PREVIOUS_IMAGE
else
  echo "::warning::Deployment of $DIGEST failed on the first release of $SERVICE in $TFC_WORKSPACE: no previous image exists, so $IMAGE_VARIABLE is emptied again (the workload has no image)"
  target="no image"
fi
bash @TERRAFORM_CLOUD_SCRIPT@ set-vars "$IMAGE_VARIABLE=$PREVIOUS_IMAGE"
bash @TERRAFORM_CLOUD_SCRIPT@ apply "Roll back $SERVICE to $target after $DIGEST failed"
