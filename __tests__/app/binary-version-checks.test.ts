// The module object itself (a default import), so that the spy also replaces what cdktf calls.
import childProcess from "child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { withBinaryVersionChecksOnce } from "../../lib/app/binary-version-checks";
import { synthesizeAllOrNothing } from "../../lib/app/synth";

/** An app whose stack has `count` terraform_data resources: cdktf gives each a `terraform version` check. */
function appWithDataResources(outdir: string, count: number, extra?: (stack: TerraformStack) => void): App {
  const app = new App({ outdir, skipBackendValidation: true });
  const stack = new TerraformStack(app, "checks");
  new LocalBackend(stack, { path: "checks.tfstate" });
  for (let index = 0; index < count; index++) {
    new DataResource(stack, `data-${index}`, { input: { index } });
  }
  extra?.(stack);
  return app;
}

describe("binary version checks during synth", () => {
  let outdir: string;
  let versionCommands: jest.SpyInstance;
  beforeEach(() => {
    outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "version-checks-")), "cdktf.out");
    versionCommands = jest.spyOn(childProcess, "execSync").mockImplementation(() => Buffer.from("Terraform v1.11.4\n"));
  });
  afterEach(() => versionCommands.mockRestore());

  it("runs terraform version once per synth, not once per terraform_data resource", () => {
    synthesizeAllOrNothing((dir) => appWithDataResources(dir, 25), outdir);
    expect(versionCommands).toHaveBeenCalledTimes(1);
    expect(versionCommands).toHaveBeenCalledWith("terraform version", expect.anything());
  });

  it("still reports a failed check on every construct that asked for it", () => {
    versionCommands.mockImplementation(() => Buffer.from("Terraform v1.4.0\n"));
    const build = (dir: string) =>
      appWithDataResources(dir, 0, (stack) => {
        for (const id of ["first", "second"]) {
          new DataResource(stack, id, { input: { id } }).node.addValidation(
            new ValidateTerraformVersion(">=1.9", "Needs ephemeral values."),
          );
        }
      });
    expect(() => synthesizeAllOrNothing(build, outdir)).toThrow(
      /\[checks\/first\] terraform version 1\.4\.0 is lower than the required version >=1\.9 for this construct\. Needs ephemeral values\.\n\s+\[checks\/second\] terraform version 1\.4\.0 is lower/,
    );
    // One answer for the constraint >=1.9 and one for the terraform_data resources' >=1.4.
    expect(versionCommands).toHaveBeenCalledTimes(2);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("asks again in the next synth and leaves cdktf's check as it was", () => {
    const checkOf = () =>
      Object.getOwnPropertyDescriptor(ValidateBinaryVersion.prototype, "validate")?.value as unknown;
    const original = checkOf();
    withBinaryVersionChecksOnce(() => new ValidateTerraformVersion(">=1.0").validate());
    withBinaryVersionChecksOnce(() => new ValidateTerraformVersion(">=1.0").validate());
    expect(versionCommands).toHaveBeenCalledTimes(2);
    expect(checkOf()).toBe(original);
  });
});
