import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { POLICY_RULES } from "../../policy";
import { catalogueText, readmeWithRuleTable } from "../../scripts/policy/catalogue-text";
import { PROJECT_ROOT } from "../support/synth";

const README = path.join(PROJECT_ROOT, "README.md");

describe("the rule catalogue's documentation", () => {
  it("is in the README exactly as generated from the catalogue (run `npm run policy -- --write-readme`)", () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(readmeWithRuleTable(readme, POLICY_RULES, README)).toBe(readme);
  });

  it("lists every rule in the README once", () => {
    const readme = fs.readFileSync(README, "utf8");
    for (const rule of POLICY_RULES) {
      expect(readme.split(`| \`${rule.id}\``).length - 1).toBe(1);
    }
  });

  it("fails to regenerate a README without the markers", () => {
    expect(() => readmeWithRuleTable("# no table here\n", POLICY_RULES, README)).toThrow(/has no rule table markers/);
  });

  it("is printed by `npm run policy`: id, severity, what it requires and source of every rule", () => {
    const result = spawnSync("npm", ["run", "--silent", "policy"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(catalogueText(POLICY_RULES));
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^RULE\s+SEVERITY\s+REQUIRES\s+SOURCE$/);
    expect(lines).toHaveLength(POLICY_RULES.length + 1);
    expect(lines[1]).toMatch(
      /^WF001 +error +Every workflow file is literal YAML .+ OpenSSF Scorecard: Dangerous-Workflow$/,
    );
  });

  it("rejects unknown arguments to `npm run policy`", () => {
    const result = spawnSync(
      process.execPath,
      ["--require", "./scripts/register-ts.cjs", "scripts/policy.ts", "--frobnicate"],
      { cwd: PROJECT_ROOT, encoding: "utf8" },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: npm run policy [-- --write-readme]");
  });
});
