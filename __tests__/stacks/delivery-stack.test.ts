import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDeliveryApp } from "../../lib/app/app";
import type { DeliveryStack } from "../../stacks/delivery-stack";
import { loadDefaultConfig, synthesizeDefaultConfig } from "../support/synth";

describe("a delivery stack's Terraform JSON", () => {
  it("is resolved once, so the guardrails check exactly what the synthesizer writes", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "delivery-stack-"));
    try {
      const stack = buildDeliveryApp(loadDefaultConfig(), { outdir }).node.findChild("staging") as DeliveryStack;
      expect(stack.toTerraform()).toBe(stack.toTerraform());
      expect(JSON.parse(JSON.stringify(stack.toTerraform()))).toEqual(synthesizeDefaultConfig().stacks.staging);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
