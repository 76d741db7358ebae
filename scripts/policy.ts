import * as fs from "node:fs";
import * as path from "node:path";
import { POLICY_RULES } from "../policy";
import { catalogueText, readmeWithRuleTable } from "./policy/catalogue-text";

/**
 * `npm run policy`: prints the guardrails' rule catalogue (id, severity, what it requires, source).
 * `npm run policy -- --write-readme` regenerates the README's rule table from the same catalogue
 * (a test fails while the README is out of date).
 */
const README = path.resolve(__dirname, "..", "README.md");

function main(args: readonly string[]): number {
  if (args.length === 0) {
    process.stdout.write(catalogueText(POLICY_RULES));
    return 0;
  }
  if (args.length === 1 && args[0] === "--write-readme") {
    const current = fs.readFileSync(README, "utf8");
    const updated = readmeWithRuleTable(current, POLICY_RULES, README);
    if (updated !== current) {
      fs.writeFileSync(README, updated);
    }
    console.error(`README.md: rule table ${updated === current ? "already up to date" : "regenerated"}`);
    return 0;
  }
  console.error("usage: npm run policy [-- --write-readme]");
  return 2;
}

process.exitCode = main(process.argv.slice(2));
