# Reads the active colour, both colours' images and the warm-until time before anything changes:
# the rollback restores exactly these values. Each image variable holds a digest, or nothing when
# that colour has no image yet; anything else (a tag) would move under a rollback, so the
# deployment stops here, as it does when the rollback window is not a whole number of minutes.
if ! [[ ${ROLLBACK_WINDOW_MINUTES:-} =~ ^[0-9]+$ ]]; then
  echo "::error::ROLLBACK_WINDOW_MINUTES is '${ROLLBACK_WINDOW_MINUTES:-}': expected whole minutes (the environment's Actions variable, which the environment stack sets)"
  exit 1
fi
active_value=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$ACTIVE_COLOR_VARIABLE")
active=${active_value:-$DEFAULT_ACTIVE_COLOR}
case "$active" in
  blue) idle=green idle_variable=$IMAGE_VARIABLE_GREEN active_variable=$IMAGE_VARIABLE_BLUE ;;
  green) idle=blue idle_variable=$IMAGE_VARIABLE_BLUE active_variable=$IMAGE_VARIABLE_GREEN ;;
  *)
    echo "::error::$ACTIVE_COLOR_VARIABLE is '$active_value' in $TFC_WORKSPACE; expected blue, green or empty"
    exit 1
    ;;
esac
idle_image=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$idle_variable")
active_image=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$active_variable")
warm_until=$(bash @TERRAFORM_CLOUD_SCRIPT@ get-var "$WARM_UNTIL_VARIABLE")
for pair in "$idle_variable=$idle_image" "$active_variable=$active_image"; do
  if [ -n "${pair#*=}" ] && ! [[ ${pair#*=} =~ @DIGEST_PATTERN@ ]]; then
    echo "::error::${pair%%=*} is '${pair#*=}' in $TFC_WORKSPACE: it must be an image digest (sha256:...) or empty"
    exit 1
  fi
done
echo "$active serves ${active_image:-no image yet}; deploying to $idle (its image now: ${idle_image:-none})"
{
  echo "active-value=$active_value"
  echo "active=$active"
  echo "idle=$idle"
  echo "idle-variable=$idle_variable"
  echo "idle-image=$idle_image"
  echo "warm-until=$warm_until"
} >> "$GITHUB_OUTPUT"
