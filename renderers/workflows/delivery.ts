import { Job } from "./job";
import { Step } from "./step";
import { Workflow } from "./workflow";

/** Where the delivery workflow lives in this project's repository. */
export const DELIVERY_WORKFLOW_PATH = ".github/workflows/deliver.yml";

/** The GitHub environment the delivery job runs in. */
export const DELIVERY_ENVIRONMENT = "delivery";

/** The scripts the delivery job runs, in this project's repository. */
export const DELIVERY_SCRIPTS = {
  baseCommit: "scripts/deliver/base-commit.sh",
  runLevels: "scripts/deliver/run-levels.sh",
} as const;

/**
 * The longest one level of runs may take, a wait for a person to confirm a plan included; a run still
 * unfinished then is discarded, so it does not hold its workspace's queue.
 */
export const DELIVERY_LEVEL_TIMEOUT_SECONDS = 1800;

export interface DeliveryWorkflowProps {
  /** The steps after the checkout that install the toolchain the synth needs (Node.js, Terraform, `npm ci`). */
  readonly setup: readonly Step[];
  /** Environment variables every step gets: where the Terraform Cloud workspaces are. */
  readonly terraformCloudEnv: Readonly<Record<string, string>>;
  /** @default "main" */
  readonly branch?: string;
  /** @default DELIVERY_LEVEL_TIMEOUT_SECONDS */
  readonly levelTimeoutSeconds?: number;
}

/**
 * Delivery of this project's own stacks on every push to the main branch (and on demand): synthesize
 * the base commit (the last one delivered) and the head, compare the two outputs, then Terraform
 * Cloud runs of the changed stacks, level by level in dependency order, every stack of a level at
 * once; a failed level stops the delivery. Runs use each workspace's Auto-apply setting. Deliveries
 * never overlap (one concurrency group, never cancelled in progress).
 */
export function deliveryWorkflow(props: DeliveryWorkflowProps): Workflow {
  const branch = props.branch ?? "main";
  const levelTimeoutSeconds = props.levelTimeoutSeconds ?? DELIVERY_LEVEL_TIMEOUT_SECONDS;
  if (!Number.isInteger(levelTimeoutSeconds) || levelTimeoutSeconds <= 0) {
    throw new Error(
      `deliveryWorkflow: levelTimeoutSeconds must be a positive whole number of seconds (got ${levelTimeoutSeconds})`,
    );
  }
  const token = { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" };
  return new Workflow({
    name: "Deliver",
    on: {
      push: { branches: [branch] },
      workflow_dispatch: {
        inputs: {
          base: {
            description: "Commit to compare with (default: the last one delivered); 'none' delivers every stack",
            type: "string",
            required: false,
            default: "",
          },
        },
      },
    },
    // A second delivery waits for the running one; none is cancelled half-way through its runs.
    concurrency: { group: "${{ github.workflow }}", cancelInProgress: false },
    jobs: {
      deliver: new Job({
        name: "deliver changed stacks",
        // Only the main branch's code is delivered, also on demand.
        if: `github.ref == 'refs/heads/${branch}'`,
        // The token can be an environment secret of this environment, limited to the main branch
        // (Settings > Environments > delivery > Deployment branches): then no workflow of another
        // branch can read it.
        environment: { name: DELIVERY_ENVIRONMENT },
        // actions: read lists this workflow's runs for the last delivered commit.
        permissions: { contents: "read", actions: "read" },
        // Runner time is bounded per level; enough for several levels that each wait for a person.
        timeoutMinutes: 180,
        env: props.terraformCloudEnv,
        steps: [
          new Step({
            name: "Check for Terraform Cloud settings",
            env: token,
            run: `
if [ -z "$TF_API_TOKEN" ] || [ -z "$TF_CLOUD_ORGANIZATION" ]; then
  echo "::error::Delivery needs the secret TF_API_TOKEN (of the delivery environment, or of the repository) and the repository variable TF_CLOUD_ORGANIZATION (README: Delivery of this project's stacks)"
  exit 1
fi
`.trimStart(),
          }),
          fullHistoryCheckoutStep(),
          ...props.setup,
          new Step({
            name: "Choose the base commit (the last one delivered)",
            id: "base",
            env: {
              GITHUB_TOKEN: "${{ github.token }}",
              BEFORE: "${{ github.event.before }}",
              DELIVERY_BASE: "${{ inputs.base }}",
              DELIVERY_BRANCH: branch,
              DELIVERY_WORKFLOW: DELIVERY_WORKFLOW_PATH.split("/").at(-1) ?? "",
            },
            run: `bash ${DELIVERY_SCRIPTS.baseCommit}\n`,
          }),
          ...changedStacksSteps({ base: "steps.base.outputs.commit", what: "the base commit" }),
          new Step({
            name: "Run the changed stacks in Terraform Cloud, level by level",
            env: {
              ...token,
              TFC_RUN_TIMEOUT_SECONDS: String(levelTimeoutSeconds),
              TFC_CREATE_WORKSPACES: "${{ vars.TFC_CREATE_WORKSPACES }}",
              TFC_PROJECT_ID: "${{ vars.TFC_PROJECT_ID }}",
            },
            run: `bash ${DELIVERY_SCRIPTS.runLevels} "$RUNNER_TEMP/${CHANGED_STACKS_FILE}" cdktf.out\n`,
          }),
        ],
      }),
    },
  });
}

/** The repository with its whole history, so that the base commit can be checked out beside it. */
export function fullHistoryCheckoutStep(): Step {
  return new Step({
    name: "Check out (full history, for the base commit)",
    uses: "actions/checkout",
    with: { "persist-credentials": false, "fetch-depth": 0 },
  });
}

/** Where the steps of `changedStacksSteps` leave the plan, under `$RUNNER_TEMP`. */
export const CHANGED_STACKS_FILE = "changed-stacks.json";

/**
 * The steps, in a checkout with full history and the toolchain installed, that synthesize `base` (a
 * commit, or `none`) in a `git worktree` with its own dependencies (its output is what was
 * delivered) and the checked-out commit, then write the changed stacks and their levels to
 * `$RUNNER_TEMP/changed-stacks.json` (`npm run changed-stacks`).
 */
export function changedStacksSteps(props: {
  /** An expression (without `${{ }}`) whose value is the base commit, or `none`. */
  readonly base: string;
  /** How the step names call the base (`the base commit`). */
  readonly what: string;
  /** A condition every step also needs. @default none */
  readonly if?: string;
}): Step[] {
  const also = (condition: string | undefined) =>
    [props.if, condition].filter((part): part is string => part !== undefined).join(" && ");
  const when = (condition?: string) => {
    const joined = also(condition);
    return joined === "" ? {} : { if: joined };
  };
  return [
    new Step({
      name: `Synthesize ${props.what}`,
      ...when(`${props.base} != 'none'`),
      env: { BASE_COMMIT: `\${{ ${props.base} }}` },
      run: `
git worktree add --detach "$RUNNER_TEMP/base" "$BASE_COMMIT"
(cd "$RUNNER_TEMP/base" && npm ci --no-audit --no-fund && CDKTF_OUTDIR="$RUNNER_TEMP/base.out" npm run synth)
`.trimStart(),
    }),
    new Step({ name: "Synthesize the checked-out commit", ...when(), run: "npm run synth" }),
    new Step({
      name: "Compute the changed stacks and their levels",
      ...when(),
      env: { BASE_COMMIT: `\${{ ${props.base} }}` },
      run: `
if [ "$BASE_COMMIT" = none ]; then
  base=(--no-base)
else
  base=(--base "$RUNNER_TEMP/base.out")
fi
npm run --silent changed-stacks -- "\${base[@]}" --head cdktf.out --json "$RUNNER_TEMP/${CHANGED_STACKS_FILE}"
`.trimStart(),
    }),
  ];
}
