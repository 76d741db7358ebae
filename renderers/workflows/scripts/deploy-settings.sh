if ! [[ $DIGEST =~ @DIGEST_PATTERN@ ]]; then
  echo "::error::The publish job produced no image digest (got '$DIGEST')"
  exit 1
fi
missing=0
if [ -z "$TF_CLOUD_ORGANIZATION" ]; then
  echo "::error::The repository variable TF_CLOUD_ORGANIZATION is not set. The github stack sets it when it is synthesized with TF_CLOUD_ORGANIZATION; with local state, set it (and TF_CLOUD_HOSTNAME for Terraform Enterprise) under Settings > Secrets and variables > Actions > Variables."
  missing=1
fi
if [ -z "$TF_API_TOKEN" ]; then
  echo "::error::The secret TF_API_TOKEN of the $DEPLOY_ENVIRONMENT environment is not set: a Terraform Cloud team token allowed to set variables and start runs in workspace $TFC_WORKSPACE (an environment secret, so only jobs that passed the environment's protection rules receive it)."
  missing=1
fi
exit "$missing"
