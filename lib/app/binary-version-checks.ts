import { spawnSync } from "node:child_process";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";

/** What cdktf's binary version check keeps (its fields are protected; read here only to key results). */
interface BinaryVersionCheck {
  readonly binary: string;
  readonly versionCommand: string;
  readonly versionConstraint: string;
  readonly hint?: string;
  validate: (this: BinaryVersionCheck) => string[];
}

/**
 * A tool the synth needs is missing or too old. One message for the whole synth, however many
 * constructs asked for the tool (cdktf asks once per `terraform_data` and import block).
 */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

const INSTALL_TERRAFORM = "https://developer.hashicorp.com/terraform/install";

/** A `>=X.Y[.Z]` constraint, the only form cdktf's own checks use. */
const AT_LEAST = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * Installs, until the returned function is called, one answer per binary for cdktf's binary
 * version checks. cdktf attaches a `terraform version` check to every `terraform_data` resource
 * and every import block, and each runs the command in a shell of its own while the stacks
 * validate: about 70 ms apiece, and with terraform missing, one "terraform: not found" line on
 * stderr per check. Here the version is read once, without a shell; a missing binary, a version
 * that cannot be read or one below a constraint throws a ToolError at the first check.
 *
 * @param env the environment whose PATH finds the binary
 */
export function installBinaryVersionChecks(env: NodeJS.ProcessEnv = process.env): () => void {
  const prototype = ValidateBinaryVersion.prototype as unknown as BinaryVersionCheck;
  const original = prototype.validate;
  const versions = new Map<string, string>();
  prototype.validate = function validateOnce(this: BinaryVersionCheck): string[] {
    const constraint = AT_LEAST.exec(this.versionConstraint);
    if (constraint === null) {
      return original.call(this);
    }
    const version = versions.get(this.binary) ?? readVersion(this.binary, env);
    versions.set(this.binary, version);
    const [major, minor, patch] = version.split(".").map(Number);
    const wanted = [Number(constraint[1]), Number(constraint[2]), Number(constraint[3] ?? 0)];
    if (compare([major ?? 0, minor ?? 0, patch ?? 0], wanted) < 0) {
      throw new ToolError(
        `${this.binary} ${version} is too old: synth needs ${this.versionConstraint.replace(/\s+/g, "")} (${this.hint ?? "cdktf checks it"}). Install a newer one: ${INSTALL_TERRAFORM}`,
      );
    }
    return [];
  };
  return () => {
    prototype.validate = original;
  };
}

/** Runs `fn` with the checks of `installBinaryVersionChecks` installed. */
export function withBinaryVersionChecksOnce<T>(fn: () => T, env: NodeJS.ProcessEnv = process.env): T {
  const restore = installBinaryVersionChecks(env);
  try {
    return fn();
  } finally {
    restore();
  }
}

function readVersion(binary: string, env: NodeJS.ProcessEnv): string {
  // CHECKPOINT_DISABLE: terraform would otherwise ask HashiCorp's server whether it is up to date.
  const result = spawnSync(binary, ["version"], {
    env: { ...env, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    timeout: 30_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const error: NodeJS.ErrnoException | undefined = result.error;
  const code = error?.code;
  if (code === "ENOENT") {
    throw new ToolError(
      `${binary} was not found on PATH. Synth needs terraform 1.5 or later (cdktf checks its version for import blocks and terraform_data): install it (${INSTALL_TERRAFORM}) and run synth again.`,
    );
  }
  if (result.error !== undefined) {
    throw new ToolError(
      `'${binary} version' could not run (${code ?? result.error.message}); check the terraform installation.`,
    );
  }
  const version = /\d+\.\d+\.\d+/.exec(result.stdout ?? "")?.[0];
  if (result.status !== 0 || version === undefined) {
    throw new ToolError(
      `'${binary} version' did not print a version (exit code ${result.status ?? "none"}); check the terraform installation (${INSTALL_TERRAFORM}).`,
    );
  }
  return version;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
