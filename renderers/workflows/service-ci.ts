import { CI_WORKFLOW_FILE, deploymentJob, registryLoginStep } from "./deployment-jobs";
import { Job } from "./job";
import type { ServicePipelineProps } from "./pipeline-props";
import { Step } from "./step";
import { checkoutStep, dependencyAuditStep, setupUvStep, syncDependenciesStep } from "./toolchain";
import { Workflow } from "./workflow";
import { ENVIRONMENT_NAMES } from "../../lib/domain/environments";
import { RELEASE_BRANCH_FILTER, RELEASE_BRANCH_REF_PREFIX } from "../../lib/domain/git-refs";
import { PINNED_IMAGES, taggedAndPinned } from "../../lib/domain/pinned-images";

/**
 * The check name of every job that gates a merge, by job id. Written once: the CI jobs take their
 * `name:` from here and `requiredStatusChecks()` returns these values, so the branch rules and
 * the workflow cannot drift apart. No matrix: GitHub would report `name (value)` instead.
 */
export const MERGE_CHECKS = {
  quality: "quality",
  codeql: "codeql-analysis",
  tests: "tests",
  container: "container",
} as const;

/** The Trivy gate of the container stage: any CRITICAL fails, more than five HIGH fail. */
export const VULNERABILITY_LIMITS = { CRITICAL: 0, HIGH: 5 } as const;

const PLATFORMS = "linux/amd64,linux/arm64";
/** The image Trivy scans, loaded into the runner's Docker engine, never pushed. */
const SCAN_TAG = "scan/image:ci";

/**
 * The service's CI/CD workflow: quality, CodeQL, tests and the container build on every pull
 * request and push; on pushes and manual dispatch also publishing (GHCR push and cosign signature
 * by digest) and deployment. Deployments chain from CI inside this one workflow (`needs:`), since
 * `workflow_run` is not allowed: develop -> staging; release/** -> release candidate to staging;
 * main -> staging, then production behind its approval gate; dispatch -> the chosen environment
 * (production again only after staging, from the production branch).
 */
export function serviceCiWorkflow(props: ServicePipelineProps): Workflow {
  const stagingBranch = props.staging.branch;
  const productionBranch = props.production.branch;
  const pushBranches = [...new Set([productionBranch, stagingBranch, RELEASE_BRANCH_FILTER])];
  const onBranch = (branch: string) => `github.ref == 'refs/heads/${branch}'`;
  return new Workflow({
    name: "CI/CD",
    on: {
      pull_request: {},
      push: { branches: pushBranches },
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
      codeql: codeqlJob(),
      tests: testsJob(),
      container: containerJob(props),
      publish: publishJob(props),
      "deploy-staging": deploymentJob({
        pipeline: props,
        environment: "staging",
        publishJob: "publish",
        if: [
          "github.event_name == 'workflow_dispatch'",
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

function qualityJob(): Job {
  return new Job({
    name: MERGE_CHECKS.quality,
    permissions: { contents: "read" },
    timeoutMinutes: 20,
    steps: [
      checkoutStep({ fullHistory: true }),
      setupUvStep(),
      syncDependenciesStep(),
      new Step({ name: "Formatting (ruff format --check)", run: "uv run ruff format --check ." }),
      new Step({ name: "Lint (ruff check)", run: "uv run ruff check --output-format=github ." }),
      new Step({ name: "Types (mypy --strict)", run: "uv run mypy --strict ." }),
      new Step({
        name: "No type-checker suppressions",
        run: `
if git grep -n -E '#[[:space:]]*type:[[:space:]]*ignore' -- '*.py'; then
  echo "::error::Remove the '# type: ignore' comments above: mypy --strict must pass without them"
  exit 1
fi
`.trimStart(),
      }),
      new Step({
        name: "Security lint (bandit)",
        run: "uv run bandit --recursive --exclude ./.venv,./tests --severity-level low .",
      }),
      dependencyAuditStep(),
    ],
  });
}

function codeqlJob(): Job {
  return new Job({
    name: MERGE_CHECKS.codeql,
    // security-events: write uploads the results to code scanning; actions: read is what CodeQL
    // needs to read the run in a private repository.
    permissions: { contents: "read", actions: "read", "security-events": "write" },
    timeoutMinutes: 30,
    steps: [
      checkoutStep(),
      new Step({
        name: "Initialise CodeQL (Python)",
        uses: "github/codeql-action/init",
        with: { languages: "python", "build-mode": "none", queries: "security-extended" },
      }),
      new Step({
        name: "Analyse",
        uses: "github/codeql-action/analyze",
        with: { category: "/language:python" },
      }),
    ],
  });
}

function testsJob(): Job {
  const healthCheck = (command: string) =>
    `--health-cmd "${command}" --health-interval 5s --health-timeout 5s --health-retries 12`;
  return new Job({
    name: MERGE_CHECKS.tests,
    permissions: { contents: "read" },
    timeoutMinutes: 30,
    // Throwaway databases on the runner: trust authentication means no password exists at all.
    // The same pinned images as local development (compose, the development stack).
    services: {
      postgres: {
        image: taggedAndPinned(PINNED_IMAGES.postgres),
        env: { POSTGRES_DB: "app_test", POSTGRES_HOST_AUTH_METHOD: "trust" },
        ports: ["5432:5432"],
        options: healthCheck("pg_isready -U postgres"),
      },
      redis: {
        image: taggedAndPinned(PINNED_IMAGES.redis),
        ports: ["6379:6379"],
        options: healthCheck("redis-cli ping"),
      },
    },
    env: {
      DATABASE_URL: "postgresql://postgres@localhost:5432/app_test",
      REDIS_URL: "redis://localhost:6379/0",
    },
    steps: [
      checkoutStep(),
      setupUvStep(),
      syncDependenciesStep(),
      new Step({
        name: "Unit and integration tests (pytest, asyncio, xdist, coverage >= 85 %)",
        run: [
          "uv run pytest -n auto -o asyncio_mode=auto --benchmark-skip \\",
          "  --cov --cov-report=term-missing --cov-report=xml --cov-fail-under=85",
        ].join("\n"),
      }),
      new Step({
        name: "Keep the coverage report",
        if: "always()",
        uses: "actions/upload-artifact",
        with: { name: "coverage", path: "coverage.xml", "if-no-files-found": "ignore", "retention-days": 30 },
      }),
      new Step({
        name: "Restore the benchmark baseline (last run on main)",
        uses: "actions/cache/restore",
        with: {
          path: ".benchmarks",
          key: "benchmarks-${{ runner.os }}-${{ github.sha }}",
          "restore-keys": "benchmarks-${{ runner.os }}-",
        },
      }),
      new Step({
        name: "Benchmarks (fail on a regression of the mean by more than 20 %)",
        run: `
compare=()
if compgen -G ".benchmarks/*/*.json" >/dev/null; then
  compare=(--benchmark-compare --benchmark-compare-fail=mean:20%)
else
  echo "::notice::No benchmark baseline yet: this run records one, the next ones compare against it"
fi
uv run pytest -n 0 -o asyncio_mode=auto --benchmark-only --benchmark-autosave "\${compare[@]}"
`.trimStart(),
      }),
      new Step({
        name: "Save the benchmark baseline",
        if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        uses: "actions/cache/save",
        with: { path: ".benchmarks", key: "benchmarks-${{ runner.os }}-${{ github.sha }}" },
      }),
    ],
  });
}

/**
 * The image's semantic version, from git: `X.Y.Z` on a commit tagged `vX.Y.Z`; on
 * `release/X.Y.Z` the release candidate `X.Y.Z-rc.<commits since the last release tag>`;
 * elsewhere `<next patch>-dev.<commits since the last release tag>`.
 */
function versionStep(): Step {
  return new Step({
    name: "Derive the version from git",
    id: "version",
    run: `
semver='^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$'
latest=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null || true)
if [ -n "$latest" ]; then
  base=\${latest#v}
  distance=$(git rev-list --count "$latest..HEAD")
else
  base=0.0.0
  distance=$(git rev-list --count HEAD)
fi
[[ $base =~ $semver ]] || { echo "::error::The latest release tag $latest is not vMAJOR.MINOR.PATCH"; exit 1; }
next_patch="\${BASH_REMATCH[1]}.\${BASH_REMATCH[2]}.$((BASH_REMATCH[3] + 1))"
case "$GITHUB_REF" in
  refs/heads/release/*)
    release=\${GITHUB_REF#refs/heads/release/}
    release=\${release#v}
    [[ $release =~ $semver ]] || { echo "::error::Release branches are named release/MAJOR.MINOR.PATCH"; exit 1; }
    version="$release-rc.$distance"
    ;;
  *)
    if [ -n "$latest" ] && [ "$distance" = 0 ]; then
      version=$base
    else
      version="$next_patch-dev.$distance"
    fi
    ;;
esac
echo "Version: $version"
echo "version=$version" >> "$GITHUB_OUTPUT"
`.trimStart(),
  });
}

function buildArgs(): string {
  // One image is promoted from staging to production, so APP_ENV names the build flavour (the
  // production stage), not the environment it will run in: that comes from runtime configuration.
  return ["VERSION=${{ steps.version.outputs.version }}", "APP_ENV=production"].join("\n");
}

function cacheSettings(props: ServicePipelineProps): { "cache-from": string; "cache-to": string } {
  return {
    "cache-from": `type=gha,scope=${props.serviceName}`,
    "cache-to": `type=gha,mode=max,scope=${props.serviceName}`,
  };
}

/** Buildx with QEMU: one runner builds both platforms. */
function builderSteps(): Step[] {
  return [
    new Step({ name: "Set up QEMU (arm64 emulation)", uses: "docker/setup-qemu-action", with: { platforms: "arm64" } }),
    new Step({ name: "Set up Docker Buildx", uses: "docker/setup-buildx-action" }),
  ];
}

function containerJob(props: ServicePipelineProps): Job {
  return new Job({
    name: MERGE_CHECKS.container,
    // Builds code from the pull request, so it gets nothing but read access: pushing and signing
    // happen in the publish job, which never runs for pull requests.
    permissions: { contents: "read" },
    timeoutMinutes: 45,
    env: { MAX_CRITICAL: String(VULNERABILITY_LIMITS.CRITICAL), MAX_HIGH: String(VULNERABILITY_LIMITS.HIGH) },
    steps: [
      checkoutStep({ fullHistory: true }),
      versionStep(),
      ...builderSteps(),
      new Step({
        name: `Build ${PLATFORMS.replace(",", " and ")} (layer cache)`,
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: PLATFORMS,
          push: false,
          "build-args": buildArgs(),
          ...cacheSettings(props),
        },
      }),
      new Step({
        name: "Load the linux/amd64 image for scanning (from the cache)",
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: "linux/amd64",
          load: true,
          tags: SCAN_TAG,
          "build-args": buildArgs(),
          "cache-from": cacheSettings(props)["cache-from"],
        },
      }),
      new Step({
        name: "Scan the image (Trivy)",
        uses: "aquasecurity/trivy-action",
        with: {
          "image-ref": SCAN_TAG,
          format: "json",
          output: "trivy-report.json",
          severity: "HIGH,CRITICAL",
          "exit-code": 0,
        },
      }),
      new Step({
        name: `Enforce the vulnerability limits (CRITICAL <= ${VULNERABILITY_LIMITS.CRITICAL}, HIGH <= ${VULNERABILITY_LIMITS.HIGH})`,
        run: `
count() {
  jq --arg severity "$1" \\
    '[.Results[]?.Vulnerabilities[]? | select(.Severity == $severity) | [.VulnerabilityID, .PkgName]] | unique | length' \\
    trivy-report.json
}
critical=$(count CRITICAL)
high=$(count HIGH)
{
  echo "### Trivy (linux/amd64)"
  echo "| severity | found | allowed |"
  echo "| --- | --- | --- |"
  echo "| CRITICAL | $critical | $MAX_CRITICAL |"
  echo "| HIGH | $high | $MAX_HIGH |"
} >> "$GITHUB_STEP_SUMMARY"
if [ "$critical" -gt "$MAX_CRITICAL" ] || [ "$high" -gt "$MAX_HIGH" ]; then
  jq -r '.Results[]?.Vulnerabilities[]? | select(.Severity == "CRITICAL" or .Severity == "HIGH") | "\\(.Severity) \\(.VulnerabilityID) \\(.PkgName) \\(.InstalledVersion) -> \\(.FixedVersion // "no fix")"' trivy-report.json | sort -u
  echo "::error::$critical CRITICAL (allowed $MAX_CRITICAL) and $high HIGH (allowed $MAX_HIGH) vulnerabilities"
  exit 1
fi
`.trimStart(),
      }),
      new Step({
        name: "Generate the SBOM (CycloneDX)",
        uses: "aquasecurity/trivy-action",
        with: {
          "image-ref": SCAN_TAG,
          format: "cyclonedx",
          output: "sbom.cdx.json",
          "skip-setup-trivy": true,
        },
      }),
      new Step({
        name: "Keep the SBOM and the scan report",
        if: "always()",
        uses: "actions/upload-artifact",
        with: {
          name: "sbom-and-scan",
          path: "sbom.cdx.json\ntrivy-report.json",
          "if-no-files-found": "ignore",
          "retention-days": 90,
        },
      }),
    ],
  });
}

function publishJob(props: ServicePipelineProps): Job {
  return new Job({
    name: "publish",
    needs: Object.keys(MERGE_CHECKS),
    // Pull requests never publish: only pushes and manual runs (both need write access).
    if: "github.event_name == 'push' || github.event_name == 'workflow_dispatch'",
    // packages: write pushes to GHCR; id-token: write gets the OIDC token cosign signs with.
    permissions: { contents: "read", packages: "write", "id-token": "write" },
    timeoutMinutes: 60,
    outputs: {
      digest: "${{ steps.build.outputs.digest }}",
      version: "${{ steps.version.outputs.version }}",
    },
    env: { IMAGE: props.image },
    steps: [
      checkoutStep({ fullHistory: true }),
      versionStep(),
      new Step({
        name: "Tags and labels (semantic version, branch, commit)",
        id: "meta",
        uses: "docker/metadata-action",
        with: {
          images: props.image,
          tags: [
            "type=semver,pattern={{version}},value=${{ steps.version.outputs.version }}",
            "type=semver,pattern={{major}}.{{minor}},value=${{ steps.version.outputs.version }}",
            "type=ref,event=branch",
            "type=sha,format=long",
          ].join("\n"),
        },
      }),
      ...builderSteps(),
      registryLoginStep("push"),
      new Step({
        name: `Build and push ${PLATFORMS.replace(",", " and ")}`,
        id: "build",
        uses: "docker/build-push-action",
        with: {
          context: ".",
          platforms: PLATFORMS,
          push: true,
          tags: "${{ steps.meta.outputs.tags }}",
          labels: "${{ steps.meta.outputs.labels }}",
          "build-args": buildArgs(),
          provenance: "mode=max",
          sbom: true,
          ...cacheSettings(props),
        },
      }),
      new Step({ name: "Install cosign", uses: "sigstore/cosign-installer" }),
      new Step({
        name: "Sign the image by digest (cosign, keyless)",
        env: { DIGEST: "${{ steps.build.outputs.digest }}" },
        run: `
cosign sign --yes "$IMAGE@$DIGEST"
echo "Signed $IMAGE@$DIGEST as ${CI_WORKFLOW_FILE}@$GITHUB_REF" >> "$GITHUB_STEP_SUMMARY"
`.trimStart(),
      }),
    ],
  });
}
