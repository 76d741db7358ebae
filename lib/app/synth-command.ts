import { ConfigError, formatConfigWarning, readConfig } from "../config";
import { stageDeliveryApp, unknownServiceNames } from "./app";
import { ToolError } from "./binary-version-checks";
import { OutputError, type OutputFileSystem } from "./output-directory";
import { parseServiceList, settingsFromEnvironment } from "./settings";
import { formatAnnotation, inReportOrder, synthesizeInStages, SynthError } from "./synth";

/** Exit codes of the synth command. */
export const EXIT_CODES = {
  ok: 0,
  /** Something the user can fix: the configuration, the environment, the output directory, a tool. */
  problem: 1,
  /** An unknown command-line argument. */
  usage: 2,
  /** A bug: an error nobody anticipated. */
  internal: 70,
  /** 128 + the signal number, as shells report a process a signal ended. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/** The process the command runs in, passed in so that tests can run it in theirs. */
export interface SynthCommandContext {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Writes one line to stderr (without its newline). */
  readonly stderr: (line: string) => void;
  /** Where SIGINT and SIGTERM arrive. @default none: the command cannot be interrupted */
  readonly signals?: Pick<NodeJS.Process, "once" | "off">;
  /** The file operations that replace the output. @default node:fs */
  readonly fileSystem?: OutputFileSystem;
}

const USAGE =
  "usage: npm run synth [-- [--quiet] [--services a,b]]   (settings come from DELIVERY_CONFIG, DELIVERY_SERVICES, CDKTF_OUTDIR, TF_CLOUD_*)";

class UsageError extends Error {}

/** The synth was stopped by a signal before the output was replaced. */
class InterruptedError extends Error {
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`Interrupted by ${signal}; nothing was written, and the previous output is unchanged.`);
  }
}

/**
 * `npm run synth`: validates the configuration, synthesizes every stack and replaces the output
 * directory as a whole. Prints one line per stage and a summary on stderr (`--quiet` or
 * `DELIVERY_QUIET=1` keep only problems and warnings). Every failure a user can cause ends in a
 * message saying what and where, and a non-zero exit code; never in a stack trace.
 *
 * @returns the exit code
 */
export async function runSynthCommand(context: SynthCommandContext): Promise<number> {
  const started = performance.now();
  let interrupted: "SIGINT" | "SIGTERM" | undefined;
  const onSigint = () => (interrupted = "SIGINT");
  const onSigterm = () => (interrupted = "SIGTERM");
  // Only the first signal is caught: a second Ctrl-C ends the process at once, as usual.
  context.signals?.once("SIGINT", onSigint);
  context.signals?.once("SIGTERM", onSigterm);
  const checkpoint = async () => {
    // Signal handlers run on the event loop; synth is synchronous between these pauses.
    await new Promise((resolve) => setImmediate(resolve));
    if (interrupted !== undefined) {
      throw new InterruptedError(interrupted);
    }
  };
  let debug = context.env.DELIVERY_DEBUG === "1";
  try {
    const { quiet: quietFlag, services: servicesFlag } = parseArguments(context.argv);
    const settings = settingsFromEnvironment(context.env);
    const services = servicesFlag ?? settings.services;
    debug = settings.debug;
    const progress = (line: string) => {
      if (!quietFlag && !settings.quiet) context.stderr(`synth: ${line}`);
    };

    let stageStarted = performance.now();
    const { config, warnings } = readConfig(settings.configFile);
    for (const warning of warnings) {
      context.stderr(formatConfigWarning(settings.configFile, warning));
    }
    progress(`${settings.configFile} is valid (${seconds(performance.now() - stageStarted)})`);
    if (services !== undefined) {
      checkServiceSelection(services, config, servicesFlag === undefined ? "DELIVERY_SERVICES" : "--services");
      progress(`only the stacks of ${services.join(", ")} and the shared stacks`);
    }
    await checkpoint();

    stageStarted = performance.now();
    const result = await synthesizeInStages(
      (outdir) =>
        stageDeliveryApp(config, {
          outdir,
          terraformCloud: settings.terraformCloud,
          ...(services === undefined ? {} : { services }),
        }),
      settings.outdir,
      checkpoint,
      {
        env: context.env,
        fileSystem: context.fileSystem,
        partial: services !== undefined,
        progress: {
          built: (stacks) => {
            // Each stack is built as it is written, one service at a time (stageDeliveryApp).
            progress(`${stacks} stacks to build and write (${seconds(performance.now() - stageStarted)})`);
          },
          stack: (id, milliseconds, guardrails) => {
            progress(`stack ${id} (${seconds(milliseconds)}, guardrails ${seconds(guardrails)})`);
          },
          written: (milliseconds) => progress(`replaced ${settings.outdir} (${seconds(milliseconds)})`),
        },
      },
    );
    for (const annotation of inReportOrder(result.annotations)) {
      context.stderr(formatAnnotation(annotation));
    }
    progress(
      `done: ${result.stacks} stacks, ${result.resources} resources and data sources in ${settings.outdir} (${seconds(performance.now() - started)})`,
    );
    return EXIT_CODES.ok;
  } catch (error) {
    return report(error, context, debug);
  } finally {
    context.signals?.off("SIGINT", onSigint);
    context.signals?.off("SIGTERM", onSigterm);
  }
}

function parseArguments(argv: readonly string[]): { quiet: boolean; services?: string[] } {
  let quiet = false;
  let services: string[] | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    if (argument === "--quiet" || argument === "-q") {
      quiet = true;
    } else if (argument === "--services" || argument.startsWith("--services=")) {
      const value = argument === "--services" ? argv[(index += 1)] : argument.slice("--services=".length);
      services = value === undefined ? undefined : parseServiceList(value);
      if (services === undefined) {
        // A known option with a value to fix, like a malformed DELIVERY_SERVICES: a problem, not usage.
        throw new ConfigError("command line", [
          {
            field: "--services",
            message:
              "must be a comma-separated list of service names such as orders-api,billing-api; leave it out to synthesize every service",
          },
        ]);
      }
    } else {
      throw new UsageError(`Unknown argument '${argument}'.\n${USAGE}`);
    }
  }
  return { quiet, ...(services === undefined ? {} : { services }) };
}

/** A selection naming a service the config does not have is a mistake, not an empty synth. */
function checkServiceSelection(
  selected: readonly string[],
  config: { readonly services: readonly { readonly name: string }[] },
  source: string,
): void {
  const unknown = unknownServiceNames(config, selected);
  const names = config.services.map((service) => service.name);
  if (unknown.length > 0) {
    throw new ConfigError(source === "--services" ? "command line" : "environment variables", [
      {
        field: source,
        message: `names no configured service: ${unknown.join(", ")}; configured: ${names.join(", ")}`,
      },
    ]);
  }
}

function report(error: unknown, context: SynthCommandContext, debug: boolean): number {
  if (error instanceof UsageError) {
    context.stderr(error.message);
    return EXIT_CODES.usage;
  }
  if (error instanceof InterruptedError) {
    context.stderr(error.message);
    return EXIT_CODES[error.signal];
  }
  if (
    error instanceof ConfigError ||
    error instanceof SynthError ||
    error instanceof OutputError ||
    error instanceof ToolError
  ) {
    context.stderr(error.message);
    return EXIT_CODES.problem;
  }
  const summary = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0] ?? ""}` : String(error);
  context.stderr(
    `Internal error (a bug in this project, not in your configuration): ${summary}. Nothing was written. ${
      debug ? "Stack trace:" : "Run again with DELIVERY_DEBUG=1 to print the stack trace, and report it."
    }`,
  );
  if (debug && error instanceof Error && error.stack !== undefined) {
    context.stderr(error.stack);
  }
  return EXIT_CODES.internal;
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(2)} s`;
}
