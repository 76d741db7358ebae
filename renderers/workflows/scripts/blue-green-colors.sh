active_value=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$ACTIVE_COLOR_VARIABLE")
active=${active_value:-$DEFAULT_ACTIVE_COLOR}
case "$active" in
  blue) idle=green idle_variable=$IMAGE_VARIABLE_GREEN ;;
  green) idle=blue idle_variable=$IMAGE_VARIABLE_BLUE ;;
  *)
    echo "::error::$ACTIVE_COLOR_VARIABLE is '$active_value' in $TFC_WORKSPACE; expected blue, green or empty"
    exit 1
    ;;
esac
idle_image=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$idle_variable")
echo "$active serves; deploying to $idle (its image now: ${idle_image:-the configured default})"
{
  echo "active-value=$active_value"
  echo "active=$active"
  echo "idle=$idle"
  echo "idle-variable=$idle_variable"
  echo "idle-image=$idle_image"
} >> "$GITHUB_OUTPUT"
