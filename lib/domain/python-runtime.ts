/**
 * The interpreter of the production image: the virtual environment's `python`, a link to
 * Debian's `/usr/bin/python3.13` that the distroless runtime and the build stage both have. Hooks
 * and health checks run it in exec form: the image has no shell and no `sleep`.
 */
export const PRODUCTION_INTERPRETER = "/app/.venv/bin/python";

/** Seconds kept free at the end of the grace period, between uvicorn's own deadline and SIGKILL. */
export const SHUTDOWN_MARGIN_SECONDS = 2;

/** What decides how a pod stops: the grace period and the pre-stop drain inside it. */
export interface ShutdownTiming {
  readonly terminationGracePeriodSeconds: number;
  readonly drainSeconds: number;
}

/**
 * uvicorn's `--timeout-graceful-shutdown`: the grace period counts from the start of termination,
 * pre-stop drain included, so after SIGTERM the app has the rest minus a margin to finish its
 * requests and exit on its own before the kubelet kills it.
 */
export function gracefulShutdownSeconds(timing: ShutdownTiming): number {
  return timing.terminationGracePeriodSeconds - timing.drainSeconds - SHUTDOWN_MARGIN_SECONDS;
}
