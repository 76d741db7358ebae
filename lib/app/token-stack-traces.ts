// The module's real exports object is needed to replace the function for every caller; an ES
// namespace import would be a read-only copy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import stackTraceModule = require("cdktf/lib/tokens/private/stack-trace");

/**
 * Runs `work` with cdktf's token creation stack traces turned off. cdktf captures a full stack
 * trace for every token it creates, only to show it should that token later be misused; at 50
 * services that is about a tenth of the synth. The synthesized JSON does not depend on it.
 * `DELIVERY_TOKEN_STACK_TRACES=1` keeps them, for debugging a token error.
 */
export function withoutTokenStackTraces<T>(work: () => T, env: NodeJS.ProcessEnv = process.env): T {
  const restore = suspendTokenStackTraces(env);
  try {
    return work();
  } finally {
    restore();
  }
}

/** As `withoutTokenStackTraces`, until the returned function is called. */
export function suspendTokenStackTraces(env: NodeJS.ProcessEnv = process.env): () => void {
  if (env.DELIVERY_TOKEN_STACK_TRACES === "1") {
    return () => undefined;
  }
  const original = stackTraceModule.captureStackTrace;
  // cdktf reads the function from the module's exports at each call, so replacing the export
  // reaches every caller; it is restored afterwards.
  replaceExport(() => []);
  return () => replaceExport(original);
}

function replaceExport(implementation: (typeof stackTraceModule)["captureStackTrace"]): void {
  Object.defineProperty(stackTraceModule, "captureStackTrace", {
    value: implementation,
    writable: true,
    configurable: true,
    enumerable: true,
  });
}
