import type { ManagedFile } from "../../lib/domain/managed-file";
import { dependabotConfig } from "./dependabot";
import { DELIVERY_WORKFLOW_PATH, deliveryWorkflow } from "./delivery";
import { DRIFT_WORKFLOW_PATH, driftWorkflow } from "./drift-detection";
import { Job } from "./job";
import { Step } from "./step";
import { checkoutStep } from "./toolchain";
import { Workflow } from "./workflow";

export interface ProjectPipelineProps {
  /** The stack ids pull requests plan speculatively (`github`, `staging`, `production`). */
  readonly stacks: readonly string[];
  /** @default "20" (the `engines` floor of package.json) */
  readonly nodeVersion?: string;
  /** @default "1.11.4" (the version the template-parser tests run) */
  readonly terraformVersion?: string;
}

/** Where this project's own pipeline lives in its repository. */
export const PROJECT_WORKFLOW_PATH = ".github/workflows/ci.yml";

/**
 * This project's own pipeline, from the same model and under the same rules as the service
 * pipelines: on pull requests `npm ci`, `npm test`, a synth, and a speculative plan of every
 * stack in Terraform Cloud (a notice instead when no token is configured, as for pull requests
 * from forks); on pushes to main the tests again, while the delivery workflow (`delivery.ts`) runs
 * the changed stacks in Terraform Cloud.
 */
export function projectPipelineFiles(props: ProjectPipelineProps): ManagedFile[] {
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

export function projectWorkflow(props: ProjectPipelineProps): Workflow {
  if (props.stacks.length === 0) {
    throw new Error("projectWorkflow: stacks must list at least one stack id");
  }
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
        name: "plan ${{ matrix.stack }}",
        needs: ["test"],
        if: "github.event_name == 'pull_request'",
        permissions: { contents: "read" },
        timeoutMinutes: 30,
        matrix: { stack: props.stacks },
        env: { ...TERRAFORM_CLOUD_ENV, STACK: "${{ matrix.stack }}" },
        steps: [
          new Step({
            name: "Check for Terraform Cloud settings",
            id: "settings",
            env: { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" },
            run: `
if [ -z "$TF_API_TOKEN" ] || [ -z "$TF_CLOUD_ORGANIZATION" ]; then
  echo "::notice::Speculative plan of the $STACK stack skipped: no Terraform Cloud token (secret TF_API_TOKEN) or organization (variable TF_CLOUD_ORGANIZATION) is configured for this run"
  echo "configured=false" >> "$GITHUB_OUTPUT"
else
  echo "configured=true" >> "$GITHUB_OUTPUT"
fi
`.trimStart(),
          }),
          ...toolchain.map((step) => step.withCondition("steps.settings.outputs.configured == 'true'")),
          new Step({
            name: "Speculative plan in Terraform Cloud",
            if: "steps.settings.outputs.configured == 'true'",
            env: { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" },
            run: `${EXPORT_TOKEN}\nnpx cdktf diff "$STACK"\n`,
          }),
        ],
      }),
    },
  });
}

/** Where the stacks' workspaces are: `lib/settings.ts` reads these, and so does Terraform. */
const TERRAFORM_CLOUD_ENV = {
  TF_CLOUD_ORGANIZATION: "${{ vars.TF_CLOUD_ORGANIZATION }}",
  TF_CLOUD_HOSTNAME: "${{ vars.TF_CLOUD_HOSTNAME }}",
  CHECKPOINT_DISABLE: "1",
} as const;

/**
 * Terraform reads a host's token from `TF_TOKEN_<host>` (dots as `_`, hyphens as `__`); set in the
 * same script that runs cdktf, so it never lands in `$GITHUB_ENV`.
 */
const EXPORT_TOKEN = [
  'host="${TF_CLOUD_HOSTNAME:-app.terraform.io}"',
  "export \"TF_TOKEN_$(printf '%s' \"$host\" | sed -e 's/-/__/g' -e 's/\\./_/g')=$TF_API_TOKEN\"",
].join("\n");

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
