import type { ManagedFile } from "../../lib/domain/managed-file";
import { dependabotConfig } from "./dependabot";
import {
  CHANGED_STACKS_FILE,
  changedStacksSteps,
  DELIVERY_SCRIPTS,
  DELIVERY_WORKFLOW_PATH,
  deliveryWorkflow,
  fullHistoryCheckoutStep,
} from "./delivery";
import { DRIFT_WORKFLOW_PATH, driftWorkflow } from "./drift-detection";
import { Job } from "./job";
import { Step } from "./step";
import { checkoutStep } from "./toolchain";
import { Workflow } from "./workflow";

export interface ProjectPipelineProps {
  /** @default "20" (the `engines` floor of package.json) */
  readonly nodeVersion?: string;
  /** @default "1.11.4" (the version the template-parser tests run) */
  readonly terraformVersion?: string;
}

/** Where this project's own pipeline lives in its repository. */
export const PROJECT_WORKFLOW_PATH = ".github/workflows/ci.yml";

/**
 * This project's own pipeline, from the same model and under the same rules as the service
 * pipelines: on pull requests `npm ci`, `npm test`, a synth, and speculative plans in Terraform
 * Cloud of the stacks the pull request changes (a notice instead when no token is configured, as for
 * pull requests from forks); on pushes to main the tests again, while the delivery workflow
 * (`delivery.ts`) applies the changed stacks.
 */
export function projectPipelineFiles(props: ProjectPipelineProps = {}): ManagedFile[] {
  return [
    { path: PROJECT_WORKFLOW_PATH, content: projectWorkflow(props).toYaml() },
    { path: DRIFT_WORKFLOW_PATH, content: driftWorkflow({ toolchain: toolchainSteps(props) }).toYaml() },
    {
      path: DELIVERY_WORKFLOW_PATH,
      content: deliveryWorkflow({ setup: setupSteps(props), terraformCloudEnv: TERRAFORM_CLOUD_ENV }).toYaml(),
    },
    { path: ".github/dependabot.yml", content: dependabotConfig(["github-actions", "npm"]) },
  ];
}

export function projectWorkflow(props: ProjectPipelineProps = {}): Workflow {
  const toolchain = toolchainSteps(props);
  return new Workflow({
    name: "CI",
    on: { pull_request: {}, push: { branches: ["main"] } },
    concurrency: {
      group: "${{ github.workflow }}-${{ github.ref }}",
      cancelInProgress: "${{ github.event_name == 'pull_request' }}",
    },
    jobs: {
      test: new Job({
        name: "test",
        permissions: { contents: "read" },
        timeoutMinutes: 20,
        env: { CHECKPOINT_DISABLE: "1" },
        steps: [
          ...toolchain,
          new Step({ name: "Type check, lint and test", run: "npm test" }),
          new Step({ name: "Synthesize every stack", run: "npm run synth" }),
        ],
      }),
      plan: new Job({
        name: "plan changed stacks",
        needs: ["test"],
        if: "github.event_name == 'pull_request'",
        permissions: { contents: "read" },
        timeoutMinutes: 30,
        env: TERRAFORM_CLOUD_ENV,
        steps: [
          new Step({
            name: "Check for Terraform Cloud settings",
            id: "settings",
            env: PLAN_TOKEN,
            run: `
if [ -z "$TF_API_TOKEN" ] || [ -z "$TF_CLOUD_ORGANIZATION" ]; then
  echo "::notice::Speculative plans skipped: no Terraform Cloud token (secret TF_PLAN_TOKEN) or organization (variable TF_CLOUD_ORGANIZATION) is configured for this run"
  echo "configured=false" >> "$GITHUB_OUTPUT"
else
  echo "configured=true" >> "$GITHUB_OUTPUT"
fi
`.trimStart(),
          }),
          ...[fullHistoryCheckoutStep(), ...setupSteps(props)].map((step) => step.withCondition(CONFIGURED)),
          ...changedStacksSteps({
            base: "github.event.pull_request.base.sha",
            what: "the pull request's base",
            if: CONFIGURED,
          }),
          new Step({
            name: "Speculative plans of the changed stacks in Terraform Cloud",
            if: CONFIGURED,
            env: PLAN_TOKEN,
            run: `bash ${DELIVERY_SCRIPTS.runLevels} --plan-only "$RUNNER_TEMP/${CHANGED_STACKS_FILE}" cdktf.out\n`,
          }),
        ],
      }),
    },
  });
}

const CONFIGURED = "steps.settings.outputs.configured == 'true'";

/**
 * Pull requests plan with the drift job's token, whose team may queue plans and not apply: the code
 * of a pull request runs in those plans.
 */
const PLAN_TOKEN = { TF_API_TOKEN: "${{ secrets.TF_PLAN_TOKEN }}" } as const;

/** Where the stacks' workspaces are: `lib/settings.ts` reads these, and so does Terraform. */
const TERRAFORM_CLOUD_ENV = {
  TF_CLOUD_ORGANIZATION: "${{ vars.TF_CLOUD_ORGANIZATION }}",
  TF_CLOUD_HOSTNAME: "${{ vars.TF_CLOUD_HOSTNAME }}",
  CHECKPOINT_DISABLE: "1",
} as const;

function toolchainSteps(props: ProjectPipelineProps): Step[] {
  return [checkoutStep(), ...setupSteps(props)];
}

/** Node.js, Terraform and the locked dependencies, in a checked-out repository. */
function setupSteps(props: ProjectPipelineProps): Step[] {
  return [
    new Step({
      name: "Set up Node.js (npm cache)",
      uses: "actions/setup-node",
      with: { "node-version": props.nodeVersion ?? "20", cache: "npm" },
    }),
    new Step({
      name: "Set up Terraform (template parser tests, cdktf)",
      uses: "hashicorp/setup-terraform",
      with: { terraform_version: props.terraformVersion ?? "1.11.4", terraform_wrapper: false },
    }),
    new Step({ name: "Install the locked dependencies", run: "npm ci --no-audit --no-fund" }),
  ];
}
