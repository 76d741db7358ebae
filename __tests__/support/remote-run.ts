import { templateSequences } from "../../lib/terraform-json/template-sequences";
import { stringsIn, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** Something in a stack that works on the machine that synthesized it but not in a remote run. */
export interface RemoteRunProblem {
  readonly path: string;
  readonly problem: string;
}

/** Terraform functions that read the local filesystem when the plan is made. */
const LOCAL_FILE_FUNCTION =
  /\b(file|fileexists|fileset|filebase64|filebase64sha256|filebase64sha512|filemd5|filesha1|filesha256|filesha512|templatefile|abspath)\s*\(/;
const LOCAL_PATH_REFERENCE = /\bpath\.(module|root|cwd)\b/;
/** Data sources that read the machine a plan runs on. */
const LOCAL_DATA_SOURCES = ["local_file", "local_sensitive_file", "template_file", "archive_file", "external"];
/** Provider settings that name a file on the planning machine (kubeconfig, Docker certificates, ~/.docker/config.json). */
const LOCAL_FILE_SETTING = /(^|_)(path|paths|config_file)$/;

/**
 * What would break when Terraform Cloud plans the stack on its own workers: the
 * stack's folder is uploaded alone, so nothing may read a local file, name a path of the
 * synthesizing machine, or reach another stack's state; providers may not rely on local
 * configuration or a local Docker daemon.
 *
 * @param machinePaths absolute paths of this machine that must not appear (project, home, temp dir)
 */
export function remoteRunProblems(stack: TerraformJson, machinePaths: readonly string[]): RemoteRunProblem[] {
  const problems: RemoteRunProblem[] = [];
  for (const { path, value } of stringsIn({
    provider: stack.provider,
    resource: stack.resource,
    data: stack.data,
    output: stack.output,
    locals: stack.locals,
    variable: stack.variable,
  })) {
    for (const { expression } of templateSequences(value)) {
      const call = LOCAL_FILE_FUNCTION.exec(expression);
      if (call) problems.push({ path, problem: `reads a local file at plan time: ${call[1] ?? ""}()` });
      const reference = LOCAL_PATH_REFERENCE.exec(expression);
      if (reference) problems.push({ path, problem: `depends on a local path: ${reference[0]}` });
    }
  }
  for (const { path, value } of stringsIn(stack)) {
    const machinePath = machinePaths.find((candidate) => value.includes(candidate));
    if (machinePath !== undefined) {
      problems.push({ path, problem: `names a path of the synthesizing machine: ${machinePath}` });
    }
  }
  for (const [name, body] of Object.entries(stack.terraform.backend ?? {})) {
    const statePath = body.path;
    if (typeof statePath === "string" && /^(\/|[A-Za-z]:[\\/])/.test(statePath)) {
      problems.push({ path: `terraform.backend.${name}.path`, problem: `absolute state path: ${statePath}` });
    }
  }
  for (const type of LOCAL_DATA_SOURCES) {
    for (const name of Object.keys(stack.data?.[type] ?? {})) {
      problems.push({ path: `data.${type}.${name}`, problem: "reads the planning machine" });
    }
  }
  for (const name of Object.keys(stack.data?.terraform_remote_state ?? {})) {
    problems.push({ path: `data.terraform_remote_state.${name}`, problem: "reads another stack's state" });
  }
  for (const name of Object.keys(stack.output ?? {}).filter((output) => output.startsWith("cross-stack-output-"))) {
    problems.push({ path: `output.${name}`, problem: "is read by another stack" });
  }
  problems.push(...providerProblems(stack));
  return problems;
}

function providerProblems(stack: TerraformJson): RemoteRunProblem[] {
  const problems: RemoteRunProblem[] = [];
  for (const [provider, configurations] of Object.entries(stack.provider ?? {})) {
    configurations.forEach((configuration, index) => {
      const at = `provider.${provider}[${index}]`;
      for (const { path } of stringsIn(configuration).filter((entry) => entry.path.endsWith("#key"))) {
        const keyPath = path.replace(/#key$/, "").replace(/^\./, "");
        if (LOCAL_FILE_SETTING.test(keyPath.split(".").pop() ?? "")) {
          problems.push({ path: `${at}.${keyPath}`, problem: "reads a local file" });
        }
      }
      if (
        provider === "docker" &&
        configuration.host === undefined &&
        configuration.disable_docker_daemon_check !== true
      ) {
        problems.push({
          path: at,
          problem: "pings a local Docker daemon, which remote runs do not have (set disable_docker_daemon_check)",
        });
      }
      if (provider === "docker") {
        const auths = Array.isArray(configuration.registry_auth) ? (configuration.registry_auth as unknown[]) : [];
        auths.forEach((auth, authIndex) => {
          const entry = (auth ?? {}) as Record<string, unknown>;
          const explicit = entry.username !== undefined && entry.password !== undefined;
          if (!explicit && entry.config_file_content === undefined) {
            problems.push({
              path: `${at}.registry_auth[${authIndex}]`,
              problem: "falls back to ~/.docker/config.json of the planning machine",
            });
          }
        });
      }
      if (provider === "kubernetes" && configuration.host === undefined) {
        problems.push({
          path: at,
          problem: "has no host: it would fall back to a local kubeconfig or in-cluster config",
        });
      }
    });
  }
  return problems;
}
