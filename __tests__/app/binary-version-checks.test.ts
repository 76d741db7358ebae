// The module object itself (a default import), so that the spy also replaces what cdktf calls.
import childProcess from "child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { ToolError, withBinaryVersionChecksOnce } from "../../lib/app/binary-version-checks";
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

/** A directory holding a `terraform` that prints the given version, as the real one does. */
function terraformPrinting(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
  fs.writeFileSync(path.join(dir, "terraform"), `#!/bin/sh\necho "Terraform v${version}"\necho "on linux_amd64"\n`, {
    mode: 0o755,
  });
  return dir;
}

describe("binary version checks during synth", () => {
  let outdir: string;
  let versionCommands: jest.SpyInstance;
  beforeEach(() => {
    outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "version-checks-")), "cdktf.out");
    versionCommands = jest.spyOn(childProcess, "spawnSync");
  });
  afterEach(() => versionCommands.mockRestore());

  it("runs terraform version once per synth, not once per terraform_data resource, and without a shell", () => {
    synthesizeAllOrNothing((dir) => appWithDataResources(dir, 25), outdir, {
      env: { PATH: terraformPrinting("1.11.4") },
    });
    expect(versionCommands).toHaveBeenCalledTimes(1);
    expect(versionCommands).toHaveBeenCalledWith("terraform", ["version"], expect.anything());
    expect(fs.existsSync(path.join(outdir, "stacks/checks/cdk.tf.json"))).toBe(true);
  });

  it("fails with one message when terraform is older than a construct needs, and writes nothing", () => {
    const build = (dir: string) =>
      appWithDataResources(dir, 3, (stack) => {
        for (const id of ["first", "second"]) {
          new DataResource(stack, id, { input: { id } }).node.addValidation(
            new ValidateTerraformVersion(">=1.9", "Needs ephemeral values."),
          );
        }
      });
    const synth = () => synthesizeAllOrNothing(build, outdir, { env: { PATH: terraformPrinting("1.8.2") } });
    expect(synth).toThrow(ToolError);
    expect(synth).toThrow(
      /^terraform 1\.8\.2 is too old: synth needs >=1\.9 \(Needs ephemeral values\.\)\. Install a newer one: https:\/\/developer\.hashicorp\.com\/terraform\/install$/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("fails with one message when terraform is not on PATH, instead of one shell error per check", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
    const synth = () =>
      synthesizeAllOrNothing((dir) => appWithDataResources(dir, 25), outdir, { env: { PATH: empty } });
    expect(synth).toThrow(/^terraform was not found on PATH\. Synth needs terraform 1\.5 or later/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("asks again in the next synth and leaves cdktf's check as it was", () => {
    const checkOf = () =>
      Object.getOwnPropertyDescriptor(ValidateBinaryVersion.prototype, "validate")?.value as unknown;
    const original = checkOf();
    const env = { PATH: terraformPrinting("1.11.4") };
    expect(withBinaryVersionChecksOnce(() => new ValidateTerraformVersion(">=1.0").validate(), env)).toEqual([]);
    withBinaryVersionChecksOnce(() => new ValidateTerraformVersion(">=1.0").validate(), env);
    expect(versionCommands).toHaveBeenCalledTimes(2);
    expect(checkOf()).toBe(original);
  });
});
