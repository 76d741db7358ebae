import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";

/** What cdktf's binary version check keeps (its fields are protected; read here only to key results). */
interface BinaryVersionCheck {
  readonly versionCommand: string;
  readonly versionConstraint: string;
  readonly hint?: string;
  validate: (this: BinaryVersionCheck) => string[];
}

/**
 * Runs `synth` with each distinct binary version check done once. cdktf attaches a
 * `terraform version` check to every `terraform_data` resource and every import block, and each
 * runs the command in its own child process while the stacks validate: about 70 ms apiece, so a
 * `terraform_data` per service and environment adds seconds per hundred, for an answer that cannot
 * change within one synth. Results are shared by command, constraint and hint, for this call only.
 */
export function withBinaryVersionChecksOnce<T>(synth: () => T): T {
  const prototype = ValidateBinaryVersion.prototype as unknown as BinaryVersionCheck;
  const original = prototype.validate;
  const results = new Map<string, readonly string[]>();
  prototype.validate = function validateOnce(this: BinaryVersionCheck): string[] {
    const key = [this.versionCommand, this.versionConstraint, this.hint ?? ""].join("\0");
    const result = results.get(key) ?? original.call(this);
    results.set(key, result);
    return [...result];
  };
  try {
    return synth();
  } finally {
    prototype.validate = original;
  }
}
