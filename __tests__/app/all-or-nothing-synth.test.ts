import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Annotations, App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { synthesizeAllOrNothing, SynthError } from "../../lib/app/synth";

function appWith(outdir: string, annotate: (stacks: TerraformStack[]) => void, ids = ["first", "second"]): App {
  const app = new App({ outdir, skipBackendValidation: true });
  const stacks = ids.map((id) => {
    const stack = new TerraformStack(app, id);
    new LocalBackend(stack, { path: `${id}.tfstate` });
    new TerraformOutput(stack, "id", { value: id });
    return stack;
  });
  annotate(stacks);
  return app;
}

describe("all-or-nothing synth", () => {
  let outdir: string;
  beforeEach(() => {
    outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "all-or-nothing-")), "cdktf.out");
  });

  it("writes every stack and returns warnings", () => {
    const annotations = synthesizeAllOrNothing(
      (dir) => appWith(dir, ([first]) => first && Annotations.of(first).addWarning("check this")),
      outdir,
    );
    expect(annotations).toEqual([{ level: "warning", constructPath: "first", message: "check this" }]);
    expect(fs.existsSync(path.join(outdir, "stacks/first/cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(outdir, "stacks/second/cdk.tf.json"))).toBe(true);
  });

  it("fails on an error in the last stack without writing anything, and reports the errors of every stack", () => {
    const build = (dir: string) =>
      appWith(dir, (stacks) => stacks.forEach((stack) => Annotations.of(stack).addError(`broken ${stack.node.id}`)));
    expect(() => synthesizeAllOrNothing(build, outdir)).toThrow(SynthError);
    expect(() => synthesizeAllOrNothing(build, outdir)).toThrow(
      /error: \[first\] broken first\n {2}error: \[second\] broken second/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("keeps files the app does not write, such as .terraform/, and removes stacks the app no longer has", () => {
    fs.mkdirSync(path.join(outdir, "stacks/first/.terraform"), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks/first/.terraform/providers"), "downloaded");
    fs.mkdirSync(path.join(outdir, "stacks/retired"), { recursive: true });
    synthesizeAllOrNothing((dir) => appWith(dir, () => undefined), outdir);
    expect(fs.readFileSync(path.join(outdir, "stacks/first/.terraform/providers"), "utf8")).toBe("downloaded");
    expect(fs.existsSync(path.join(outdir, "stacks/retired"))).toBe(false);
  });

  it("leaves no scratch directory behind when the app throws", () => {
    // A private TMPDIR: other test files synthesize in parallel, with scratch directories of their own.
    const privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), "all-or-nothing-tmp-"));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      expect(() =>
        synthesizeAllOrNothing(() => {
          throw new Error("construct bug");
        }, outdir),
      ).toThrow("construct bug");
    } finally {
      if (previous === undefined) {
        delete process.env.TMPDIR;
      } else {
        process.env.TMPDIR = previous;
      }
    }
    expect(fs.readdirSync(privateTmp)).toEqual([]);
  });
});
