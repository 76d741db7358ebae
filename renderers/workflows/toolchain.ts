import { TOOL_VERSIONS } from "../../lib/domain/tool-versions";
import { Step } from "./step";

/** The Python every job of a service runs. */
export const PYTHON_VERSION = TOOL_VERSIONS.python;

/**
 * The uv release the jobs install (TOOL_VERSIONS.uv.ci; why it differs from the image's uv is
 * written there): the newest release whose checksum setup-uv v10.0.1 ships
 * (`src/download/checksum/known-checksums.ts`), so the binary is verified against a checksum
 * pinned together with the action.
 */
export const UV_VERSION = TOOL_VERSIONS.uv.ci;

/** The job's repository at the triggering commit; the token is not left behind in `.git/config`. */
export function checkoutStep(options: { readonly fullHistory?: boolean } = {}): Step {
  return new Step({
    name: options.fullHistory === true ? "Check out (full history and tags, for the version)" : "Check out",
    uses: "actions/checkout",
    with: {
      "persist-credentials": false,
      ...(options.fullHistory === true ? { "fetch-depth": 0 } : {}),
    },
  });
}

/** uv and Python, with uv's download cache keyed on the lock file. */
export function setupUvStep(): Step {
  return new Step({
    name: `Set up Python ${PYTHON_VERSION} and uv ${UV_VERSION} (cached)`,
    uses: "astral-sh/setup-uv",
    with: {
      version: UV_VERSION,
      "python-version": PYTHON_VERSION,
      "enable-cache": true,
      "cache-dependency-glob": "uv.lock",
    },
  });
}

/** Installs exactly what `uv.lock` pins; fails when the lock file is out of date. */
export function syncDependenciesStep(): Step {
  return new Step({
    name: "Install the locked dependencies",
    run: "uv sync --locked --all-extras --dev",
  });
}

/**
 * Audits the locked dependency set (not the environment: build tools are not shipped) against
 * the Python Packaging Advisory Database and OSV.
 */
export function dependencyAuditStep(): Step {
  return new Step({
    name: "Audit the locked dependencies (pip-audit)",
    run: [
      'uv export --locked --format requirements.txt --no-emit-project --output-file "$RUNNER_TEMP/requirements.txt"',
      'uv run pip-audit --strict --disable-pip --requirement "$RUNNER_TEMP/requirements.txt"',
    ].join("\n"),
  });
}

/** GHCR login with the job token, for pushing (publish) or reading signatures (deploy, scan). */
export function registryLoginStep(purpose: string, condition?: string): Step {
  return new Step({
    name: `Log in to GHCR (${purpose})`,
    ...(condition === undefined ? {} : { if: condition }),
    uses: "docker/login-action",
    with: { registry: "ghcr.io", username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" },
  });
}
