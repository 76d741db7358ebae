import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { synthesizeAllOrNothing } from "../../lib/app/synth";

/**
 * Synthesizes a stack of `count` terraform_data resources, each of which cdktf gives a
 * `terraform version` check: `cdktf` synthesizes it as cdktf alone does (one check process per
 * resource), `ours` through synthesizeAllOrNothing (one per synth). The before/after of that fix.
 *
 * `node --require ./scripts/register-ts.cjs scripts/bench/version-checks.ts <count> cdktf|ours`
 */
function appWith(outdir: string, count: number): App {
  const app = new App({ outdir, skipBackendValidation: true });
  const stack = new TerraformStack(app, "checks");
  new LocalBackend(stack, { path: "checks.tfstate" });
  for (let index = 0; index < count; index++) new DataResource(stack, `data-${index}`, { input: { index } });
  return app;
}

const [count = "100", mode = "ours"] = process.argv.slice(2);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-version-checks-"));
try {
  if (mode === "cdktf") {
    appWith(outdir, Number(count)).synth();
  } else {
    synthesizeAllOrNothing((dir) => appWith(dir, Number(count)), path.join(outdir, "published"));
  }
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
