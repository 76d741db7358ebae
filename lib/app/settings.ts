import { ConfigError, DEFAULT_CONFIG_FILE } from "../config";

/** What the process environment decides about a synth run; everything else is in the config file. */
export interface RunSettings {
  /** `DELIVERY_CONFIG`, or the default configuration file. */
  readonly configFile: string;
  /** `CDKTF_OUTDIR` (set by the cdktf CLI), or `cdktf.out`. */
  readonly outdir: string;
  /** Set when `TF_CLOUD_ORGANIZATION` is: every stack then uses its own Terraform Cloud workspace. */
  readonly terraformCloud?: { readonly organization: string; readonly hostname?: string };
  /** `DELIVERY_QUIET=1`: no progress lines and no summary, only problems. */
  readonly quiet: boolean;
  /** `DELIVERY_DEBUG=1`: an internal error prints its stack trace. */
  readonly debug: boolean;
  /**
   * `DELIVERY_SERVICES=orders-api,billing-api`: only these services' stacks (and the shared ones);
   * every service when unset.
   */
  readonly services?: readonly string[];
}

const ORGANIZATION_NAME = /^[A-Za-z0-9_-]+$/;
const HOSTNAME = /^[A-Za-z0-9.-]+(?::[0-9]+)?$/;
const SERVICE_LIST = /^[a-z][-a-z0-9]*(,[a-z][-a-z0-9]*)*$/;

/**
 * A comma-separated list of service names (`orders-api,billing-api`; spaces around commas are
 * ignored), or undefined when the text is not one.
 */
export function parseServiceList(text: string): string[] | undefined {
  const compact = text.replace(/\s*,\s*/g, ",").trim();
  return SERVICE_LIST.test(compact) ? [...new Set(compact.split(","))] : undefined;
}

/**
 * Reads the run settings from environment variables. The Terraform Cloud variables are the ones
 * Terraform itself reads, so one exported setting serves both cdktf and terraform.
 */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): RunSettings {
  const organization = nonEmpty(env.TF_CLOUD_ORGANIZATION);
  const hostname = nonEmpty(env.TF_CLOUD_HOSTNAME);
  const serviceList = env.DELIVERY_SERVICES;
  const services = serviceList === undefined ? undefined : parseServiceList(serviceList);
  const problems = [
    ...(serviceList !== undefined && services === undefined
      ? [
          {
            field: "DELIVERY_SERVICES",
            message:
              "must be a comma-separated list of service names such as orders-api,billing-api; unset it to synthesize every service",
          },
        ]
      : []),
    ...(organization !== undefined && !ORGANIZATION_NAME.test(organization)
      ? [
          {
            field: "TF_CLOUD_ORGANIZATION",
            message: "must be a Terraform Cloud organization name: letters, digits, '-', '_'",
          },
        ]
      : []),
    ...(env.DELIVERY_CONFIG !== undefined && env.DELIVERY_CONFIG.trim() === ""
      ? [
          {
            field: "DELIVERY_CONFIG",
            // An empty value is usually a variable that expanded to nothing in a CI job.
            message: `is set but empty; set it to a configuration file, or unset it to use ${DEFAULT_CONFIG_FILE}`,
          },
        ]
      : []),
    ...(hostname !== undefined && !HOSTNAME.test(hostname)
      ? [
          {
            field: "TF_CLOUD_HOSTNAME",
            message: "must be a host name such as app.terraform.io, without scheme or path",
          },
        ]
      : []),
  ];
  if (problems.length > 0) {
    throw new ConfigError("environment variables", problems);
  }
  return {
    configFile: nonEmpty(env.DELIVERY_CONFIG) ?? DEFAULT_CONFIG_FILE,
    outdir: nonEmpty(env.CDKTF_OUTDIR) ?? "cdktf.out",
    quiet: env.DELIVERY_QUIET === "1",
    debug: env.DELIVERY_DEBUG === "1",
    ...(services === undefined ? {} : { services }),
    ...(organization === undefined
      ? {}
      : { terraformCloud: { organization, ...(hostname === undefined ? {} : { hostname }) } }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
