import { validateCron } from "./cron";
import { Job } from "./job";
import { Step } from "./step";
import { Workflow } from "./workflow";

/** Where the drift workflow lives in this project's repository. */
export const DRIFT_WORKFLOW_PATH = ".github/workflows/drift.yml";

/** The script the drift job runs: refresh-only plans of every workspace, a summary table, a notification. */
export const DRIFT_SCRIPT_PATH = "scripts/drift/refresh-only-plans.sh";

/**
 * Daily at 04:37 UTC: before the working day in Europe, and off the full hour, when GitHub's
 * scheduler is busiest and delays or drops scheduled runs.
 */
export const DRIFT_CRON = "37 4 * * *";

export interface DriftWorkflowProps {
  /** The steps that check out the repository and install the toolchain the synth needs. */
  readonly toolchain: readonly Step[];
  /** @default DRIFT_CRON */
  readonly cron?: string;
}

/**
 * Scheduled drift detection for this project's deployed stacks: synthesize (for the workspace
 * names, whatever the stack layout), then a refresh-only, plan-only Terraform Cloud run of every
 * workspace; the drifted stacks in the job summary and, when a webhook is configured, a
 * notification. The credentials are read-only: `contents: read` for the repository, and a Terraform
 * Cloud team token (secret TF_PLAN_TOKEN) whose team may queue plans but not apply them.
 */
export function driftWorkflow(props: DriftWorkflowProps): Workflow {
  const cron = props.cron ?? DRIFT_CRON;
  validateCron(cron);
  return new Workflow({
    name: "Drift",
    on: { schedule: [{ cron }], workflow_dispatch: {} },
    concurrency: { group: "${{ github.workflow }}", cancelInProgress: false },
    jobs: {
      drift: new Job({
        name: "refresh-only plans",
        permissions: { contents: "read" },
        timeoutMinutes: 60,
        env: {
          TF_CLOUD_ORGANIZATION: "${{ vars.TF_CLOUD_ORGANIZATION }}",
          TF_CLOUD_HOSTNAME: "${{ vars.TF_CLOUD_HOSTNAME }}",
          CHECKPOINT_DISABLE: "1",
        },
        steps: [
          ...props.toolchain,
          new Step({ name: "Synthesize every stack (workspace names)", run: "npm run synth" }),
          new Step({
            name: "Refresh-only plans of every deployed workspace",
            env: {
              TF_API_TOKEN: "${{ secrets.TF_PLAN_TOKEN }}",
              DRIFT_WEBHOOK_URL: "${{ secrets.DRIFT_WEBHOOK_URL }}",
            },
            run: `bash ${DRIFT_SCRIPT_PATH} cdktf.out\n`,
          }),
        ],
      }),
    },
  });
}
