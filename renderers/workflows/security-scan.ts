import { DEPLOYMENT_TASK, registryLoginStep } from "./deployment-jobs";
import { Job } from "./job";
import { NOTIFY_SCRIPT_PATH } from "./notify-script";
import type { ServicePipelineProps } from "./pipeline-props";
import { Step } from "./step";
import { checkoutStep, dependencyAuditStep, setupUvStep } from "./toolchain";
import { Workflow } from "./workflow";

/**
 * Mondays 05:23 UTC: early in the working week, and off the full hour, when GitHub's scheduler
 * is busiest and delays or drops scheduled runs.
 */
export const WEEKLY_SCAN_CRON = "23 5 * * 1";

/** Code scanning alerts opened within this many days count as new in the notification. */
const NEW_FINDINGS_DAYS = 7;

/**
 * The weekly security scan: the image running in production (found by digest through the
 * deployments the pipeline records) and the locked dependencies, both uploaded to code scanning
 * as SARIF, with a notification when findings are new. New CVEs appear in code that did not
 * change; only a scheduled scan sees them.
 */
export function securityScanWorkflow(props: ServicePipelineProps): Workflow {
  return new Workflow({
    name: "Weekly security scan",
    on: { schedule: [{ cron: WEEKLY_SCAN_CRON }], workflow_dispatch: {} },
    concurrency: { group: "${{ github.workflow }}", cancelInProgress: false },
    jobs: {
      image: new Job({
        name: "deployed image",
        // security-events: write uploads the SARIF; deployments: read finds the deployed digest.
        permissions: { contents: "read", packages: "read", deployments: "read", "security-events": "write" },
        timeoutMinutes: 30,
        env: { IMAGE: props.image },
        steps: [
          checkoutStep(),
          new Step({
            name: "Find the digest running in production",
            id: "deployed",
            env: { GH_TOKEN: "${{ github.token }}" },
            run: `
digest=""
while read -r id digest_candidate; do
  if gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" --jq '.[].state' | grep -qx success; then
    digest=$digest_candidate
    break
  fi
done < <(gh api "repos/$GITHUB_REPOSITORY/deployments?environment=production&task=${DEPLOYMENT_TASK}&per_page=30" |
  jq -r '.[] | select(.payload.digest != null) | "\\(.id) \\(.payload.digest)"')
if [ -z "$digest" ]; then
  echo "::notice::Nothing is deployed to production yet: the image scan is skipped"
elif ! [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::The latest production deployment records '$digest', which is not an image digest"
  exit 1
else
  echo "Production runs $IMAGE@$digest"
fi
echo "digest=$digest" >> "$GITHUB_OUTPUT"
`.trimStart(),
          }),
          registryLoginStep("pull the deployed image", "steps.deployed.outputs.digest != ''"),
          new Step({
            name: "Scan the deployed image (Trivy, SARIF)",
            if: "steps.deployed.outputs.digest != ''",
            uses: "aquasecurity/trivy-action",
            with: {
              "image-ref": `${props.image}@\${{ steps.deployed.outputs.digest }}`,
              format: "sarif",
              output: "trivy-image.sarif",
              "exit-code": 0,
            },
          }),
          new Step({
            name: "Upload to code scanning",
            if: "steps.deployed.outputs.digest != ''",
            uses: "github/codeql-action/upload-sarif",
            with: { sarif_file: "trivy-image.sarif", category: "trivy-deployed-image" },
          }),
        ],
      }),
      dependencies: new Job({
        name: "dependencies",
        permissions: { contents: "read", "security-events": "write" },
        timeoutMinutes: 30,
        steps: [
          checkoutStep(),
          new Step({
            name: "Scan the locked dependencies (Trivy, SARIF)",
            uses: "aquasecurity/trivy-action",
            with: {
              "scan-type": "fs",
              "scan-ref": ".",
              scanners: "vuln",
              format: "sarif",
              output: "trivy-dependencies.sarif",
              "exit-code": 0,
            },
          }),
          new Step({
            name: "Upload to code scanning",
            uses: "github/codeql-action/upload-sarif",
            with: { sarif_file: "trivy-dependencies.sarif", category: "trivy-dependencies" },
          }),
          setupUvStep(),
          dependencyAuditStep(),
        ],
      }),
      notify: new Job({
        name: "notify",
        needs: ["image", "dependencies"],
        if: "always()",
        permissions: { contents: "read", "security-events": "read" },
        timeoutMinutes: 10,
        steps: [
          checkoutStep(),
          new Step({
            name: "Notify Slack and Discord of new findings",
            env: {
              GH_TOKEN: "${{ github.token }}",
              IMAGE_SCAN: "${{ needs.image.result }}",
              DEPENDENCY_SCAN: "${{ needs.dependencies.result }}",
              SLACK_WEBHOOK_URL: "${{ secrets.SLACK_WEBHOOK_URL }}",
              DISCORD_WEBHOOK_URL: "${{ secrets.DISCORD_WEBHOOK_URL }}",
              RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
            },
            run: `
since=$(date -u -d "${NEW_FINDINGS_DAYS} days ago" +%Y-%m-%dT%H:%M:%SZ)
# Without code scanning (a private repository without Advanced Security) the count is unknown,
# which is itself worth a notification.
new=$(gh api --paginate "repos/$GITHUB_REPOSITORY/code-scanning/alerts?state=open&per_page=100" |
  jq -s --arg since "$since" '[.[][] | select(.created_at >= $since)] | length') || new=unknown
echo "Open code scanning alerts created since $since: $new"
if [ "$new" = 0 ] && [ "$IMAGE_SCAN" = success ] && [ "$DEPENDENCY_SCAN" = success ]; then
  echo "No new findings: nothing to report"
  exit 0
fi
bash ${NOTIFY_SCRIPT_PATH} "Weekly security scan of $GITHUB_REPOSITORY: $new new code scanning alerts; image scan $IMAGE_SCAN, dependency scan $DEPENDENCY_SCAN. $RUN_URL"
`.trimStart(),
          }),
        ],
      }),
    },
  });
}
