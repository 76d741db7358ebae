import { WEBHOOK_SECRET_NAMES } from "../../lib/domain/reserved-names";
import { scriptTemplate } from "./script-template";

/**
 * The scripts committed to each service repository beside its workflows, which run them. Plain
 * bash + curl + jq, all present on GitHub's Ubuntu runners, instead of one more action. Each is
 * `scripts/<name>.sh` here; credentials reach curl through a header or config file descriptor,
 * never through its argument list (arguments are visible to every process on the machine).
 */

/** Where the deploy jobs find the Terraform Cloud client, in the service repository. */
export const TERRAFORM_CLOUD_SCRIPT_PATH = ".github/scripts/terraform-cloud.sh";

/** Where the workflows find the notification script, in the service repository. */
export const NOTIFY_SCRIPT_PATH = ".github/scripts/notify.sh";

/** The repository secrets holding the webhooks; either may be empty, which skips that channel. */
export const WEBHOOK_SECRETS = WEBHOOK_SECRET_NAMES;

/**
 * Terraform Cloud run states after which nothing more happens, and whether they count as deployed
 * (https://developer.hashicorp.com/terraform/cloud-docs/api-docs/run#run-states).
 */
export const TERMINAL_RUN_STATES = {
  applied: true,
  // The plan found nothing to change: the requested values were already live. Also the end of a
  // plan-only run, which the script rejects by its `plan-only` attribute.
  planned_and_finished: true,
  errored: false,
  discarded: false,
  canceled: false,
  force_canceled: false,
  // A policy check failed and waits for an override that a pipeline must not give itself.
  policy_soft_failed: false,
} as const;

function statesWhere(deployed: boolean): string {
  return Object.entries(TERMINAL_RUN_STATES)
    .filter(([, value]) => value === deployed)
    .map(([state]) => state)
    .join(" | ");
}

/** The longest a deploy step waits for one Terraform Cloud run, a wait for a person included. */
export const RUN_TIMEOUT_SECONDS = 900;

/**
 * The deploy jobs' Terraform Cloud client (`scripts/terraform-cloud.sh`): read and set the
 * deployment variables of the environment's workspace, start a run and wait until it is applied
 * (plan-only runs, runs waiting for a person and errors fail; a run given up on is canceled or
 * discarded), and check what a workspace runs (`live`).
 */
export function terraformCloudScript(): string {
  return scriptTemplate("terraform-cloud.sh", {
    SUCCESS_STATES: statesWhere(true),
    FAILURE_STATES: statesWhere(false),
  });
}

/**
 * Posts one message to Slack and to Discord, each only when its webhook secret is set
 * (`scripts/notify.sh`). A failed notification is a warning, not a failed deployment.
 */
export function notifyScript(): string {
  return scriptTemplate("notify.sh");
}
