import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Aspects, TerraformStack } from "cdktf";
import { Guardrails } from "../../policy";
import { buildDeliveryApp } from "../../lib/app/app";
import { STACK_IDS } from "../support/synth";
import { formatAnnotation, synthesizeAllOrNothing, SynthError } from "../../lib/app/synth";
import { configWith } from "../support/config-text";
import { secureWorkload } from "../support/policy-fixtures";
import { loadDefaultConfig, synthesizeConfig, synthesizeDefaultConfig } from "../support/synth";
import { filesUnder } from "../support/files";

describe("the guardrails in the delivery app", () => {
  it("guard every stack", () => {
    const app = buildDeliveryApp(loadDefaultConfig(), { outdir: os.tmpdir() });
    const stacks = app.node.children.filter((child) => TerraformStack.isStack(child));
    expect(stacks.map((stack) => stack.node.id).sort()).toEqual([...STACK_IDS].sort());
    for (const stack of stacks) {
      expect(Aspects.of(stack).all.filter((aspect) => aspect instanceof Guardrails)).toHaveLength(1);
    }
  });

  it("find nothing to report in the default config but the findings it suppresses", () => {
    const { annotations } = synthesizeDefaultConfig();
    expect(annotations.filter((annotation) => annotation.level !== "info")).toEqual([]);
    const suppressedRules = new Set(loadDefaultConfig().policy.suppressions.map((suppression) => suppression.rule));
    for (const annotation of annotations) {
      expect(annotation.message).toMatch(/^suppressed ([A-Z0-9]+) \S+: .* \(reason: .{20,}\)$/);
      expect(suppressedRules).toContain(annotation.message.split(" ")[1]);
    }
  });

  it("fail synth on an error finding, report rule, stack, address and fix, and leave cdktf.out untouched", () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-e2e-")), "cdktf.out");
    fs.mkdirSync(path.join(outdir, "stacks", "production"), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", "production", "cdk.tf.json"), "previous output");
    const before = filesUnder(outdir);

    const synth = () =>
      synthesizeAllOrNothing((dir) => {
        const app = buildDeliveryApp(loadDefaultConfig(), { outdir: dir });
        // Someone adds a raw Deployment on a mutable tag to the production stack.
        secureWorkload(app.node.findChild("production") as TerraformStack, "rogue", {
          image: "ghcr.io/acme/rogue:latest",
        });
        return app;
      }, outdir);

    expect(synth).toThrow(SynthError);
    expect(synth).toThrow(
      /^Synth failed with 2 error\(s\); nothing was written:\n {2}error: \[production\] K8S010 kubernetes_deployment_v1\.rogue: container 'app' image 'ghcr\.io\/acme\/rogue:latest' uses the mutable tag 'latest'\. Fix: .+\n {2}error: \[production\] K8S011 kubernetes_deployment_v1\.rogue: .+\. Fix: .+$/,
    );
    expect(filesUnder(outdir)).toEqual(before);
  });

  it("report a suppression that matches nothing as a warning, and still write the output", () => {
    const suppressions = [
      ...loadDefaultConfig().policy.suppressions,
      { rule: "K8S015", resource: "kubernetes_deployment_v1.retired", reason: "the retired service pinned replicas" },
    ];
    const app = synthesizeConfig(configWith([["policy", "suppressions"], suppressions]));
    expect(Object.keys(app.stacks).sort()).toEqual([...STACK_IDS].sort());
    expect(app.annotations.filter((annotation) => annotation.level !== "info").map(formatAnnotation)).toEqual([
      // Reported once all stacks are checked, on the last one.
      `warning: [${STACK_IDS[STACK_IDS.length - 1]}] policy.suppressions: K8S015 kubernetes_deployment_v1.retired matches no finding in any stack; remove the suppression`,
    ]);
  });
});
