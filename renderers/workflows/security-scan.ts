import { DEPLOYMENT_TASK, DIGEST_PATTERN } from "./deployment/records";
import { Job } from "./job";
import type { ServicePipelineProps } from "./pipeline-props";
import { NOTIFY_SCRIPT_PATH } from "./repository-scripts";
import { scriptTemplate } from "./script-template";
import { Step } from "./step";
import { checkoutStep, dependencyAuditStep, registryLoginStep, setupUvStep } from "./toolchain";
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
        permissions: {
          contents: "read",
          packages: "read",
          deployments: "read",
          ...(props.codeScanning === false ? {} : { "security-events": "write" as const }),
        },
        timeoutMinutes: 30,
        env: { IMAGE: props.image },
        steps: [
          checkoutStep(),
          new Step({
            name: "Find the digest running in production",
            id: "deployed",
            env: { GH_TOKEN: "${{ github.token }}" },
            run: scriptTemplate("production-digest.sh", { DEPLOYMENT_TASK, DIGEST_PATTERN }),
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
          sarifUploadStep(props, "trivy-image.sarif", "trivy-deployed-image", "steps.deployed.outputs.digest != ''"),
        ],
      }),
      dependencies: new Job({
        name: "dependencies",
        permissions: {
          contents: "read",
          ...(props.codeScanning === false ? {} : { "security-events": "write" as const }),
        },
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
          sarifUploadStep(props, "trivy-dependencies.sarif", "trivy-dependencies"),
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
            run: scriptTemplate("notify-new-findings.sh", { NEW_FINDINGS_DAYS, NOTIFY_SCRIPT: NOTIFY_SCRIPT_PATH }),
          }),
        ],
      }),
    },
  });
}

/**
 * The SARIF report to code scanning where the repository has it; elsewhere the upload would fail
 * every week, so the report is kept as an artifact of the run instead.
 */
function sarifUploadStep(props: ServicePipelineProps, file: string, category: string, condition?: string): Step {
  const when = condition === undefined ? {} : { if: condition };
  if (props.codeScanning === false) {
    return new Step({
      name: "Keep the report (no code scanning in this repository)",
      ...when,
      uses: "actions/upload-artifact",
      with: { name: category, path: file, "if-no-files-found": "ignore", "retention-days": 90 },
    });
  }
  return new Step({
    name: "Upload to code scanning",
    ...when,
    uses: "github/codeql-action/upload-sarif",
    with: { sarif_file: file, category },
  });
}
