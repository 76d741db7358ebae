/**
 * Tool versions the generated files pin, in one table. uv appears twice on purpose:
 * - `uv.ci` is the release the CI jobs install with astral-sh/setup-uv: the newest whose checksum
 *   setup-uv v10.0.1 ships (`src/download/checksum/known-checksums.ts`), so the binary is verified
 *   against a checksum pinned together with the action.
 * - `uv.image` is the tag of the `ghcr.io/astral-sh/uv` image the Dockerfile copies `/uv` from,
 *   pinned by digest in PINNED_IMAGES; 0.8.6 added CPython 3.13.6 to `uv python install`.
 * Both are 0.8.6 or newer. Bump each with its own pin (the action's checksum list, the image digest).
 */
export const TOOL_VERSIONS = {
  /** The Python every CI job and the development image run (the production image runs Debian 13's 3.13). */
  python: "3.13.6",
  uv: { ci: "0.12.4", image: "0.8.9" },
} as const;

/** The CPython of CI and of the development image (python.org's build in python:3.13.6-slim). */
export const PYTHON_VERSION = TOOL_VERSIONS.python;

/**
 * The health check of a Python web service's container, for images that have Python but no curl:
 * the arguments after the interpreter (`python -c <code>`). A non-2xx answer or no answer within
 * two seconds raises, so the check fails.
 */
export function pythonLivenessCheck(port: number, livenessPath: string): readonly string[] {
  return ["-c", `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}${livenessPath}', timeout=2)`];
}
