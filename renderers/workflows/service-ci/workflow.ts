import { deploymentJob } from "../deployment/deployment-job";
import type { ServicePipelineProps } from "../pipeline-props";
import { Workflow } from "../workflow";
import { codeqlJob } from "./codeql-job";
import { containerJob } from "./container-job";
import { publishJob } from "./publish-job";
import { qualityJob } from "./quality-job";
import { testsJob } from "./tests-job";
import { ENVIRONMENT_NAMES } from "../../../lib/domain/environments";
import { RELEASE_BRANCH_FILTER, RELEASE_BRANCH_REF_PREFIX, RELEASE_TAG_PATTERN } from "../../../lib/domain/git-refs";

/**
 * The service's CI/CD workflow: quality, CodeQL (where code scanning is available), tests and the
 * container build on every pull request and push; on pushes of the release refs (and manual runs
 * on them) also publishing (GHCR push by digest, scan, cosign signature, tags) and deployment; a
 * pushed release tag publishes its own version. Deployments chain from CI inside this one workflow (`needs:`), since
 * `workflow_run` is not allowed: develop -> staging; release/** -> release candidate to staging;
 * main -> staging, then production behind its approval gate; dispatch -> the chosen environment
 * (production again only after staging, from the production branch).
 */
export function serviceCiWorkflow(props: ServicePipelineProps): Workflow {
  const stagingBranch = props.staging.branch;
  const productionBranch = props.production.branch;
  const pushBranches = [...new Set([productionBranch, stagingBranch, RELEASE_BRANCH_FILTER])];
  const onBranch = (branch: string) => `github.ref == 'refs/heads/${branch}'`;
  // The refs that may publish: the same ones the push filter admits. A manual run on any other
  // branch would otherwise push and sign an image of unreviewed code.
  const releaseRefs = [
    ...[productionBranch, stagingBranch].map(onBranch),
    `startsWith(github.ref, '${RELEASE_BRANCH_REF_PREFIX}')`,
    "startsWith(github.ref, 'refs/tags/v')",
  ].join(" || ");
  return new Workflow({
    name: "CI/CD",
    on: {
      pull_request: {},
      push: { branches: pushBranches, tags: [RELEASE_TAG_PATTERN] },
      workflow_dispatch: {
        inputs: {
          environment: {
            description: "Environment to deploy this ref to (production deploys to staging first)",
            type: "choice",
            required: true,
            default: ENVIRONMENT_NAMES[0],
            options: [...ENVIRONMENT_NAMES],
          },
        },
      },
    },
    // A newer push to a pull request makes its older run pointless; pushes to branches never
    // cancel each other (a deployment must not stop half-way), so each gets its own group.
    concurrency: {
      group: "${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}",
      cancelInProgress: true,
    },
    jobs: {
      quality: qualityJob(),
      ...(props.codeScanning === false ? {} : { codeql: codeqlJob() }),
      tests: testsJob(props),
      container: containerJob(props),
      publish: publishJob(props, releaseRefs),
      "deploy-staging": deploymentJob({
        pipeline: props,
        environment: "staging",
        publishJob: "publish",
        if: [
          `(github.event_name == 'workflow_dispatch' && (${releaseRefs}) && !startsWith(github.ref, 'refs/tags/'))`,
          `(github.event_name == 'push' && (${[onBranch(stagingBranch), onBranch(productionBranch), `startsWith(github.ref, '${RELEASE_BRANCH_REF_PREFIX}')`].join(" || ")}))`,
        ].join(" || "),
      }),
      "deploy-production": deploymentJob({
        pipeline: props,
        environment: "production",
        publishJob: "publish",
        after: ["deploy-staging"],
        if: `${onBranch(productionBranch)} && (github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && inputs.environment == 'production'))`,
      }),
    },
  });
}
