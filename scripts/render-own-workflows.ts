// Writes this project's own pipeline (.github/) from the workflow model: `npm run workflows`.
// `npm run workflows -- --check` only compares, and fails when a committed file is out of date;
// a jest test makes the same comparison on every `npm test`.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectPipelineFiles } from "../renderers/workflows";

const root = path.resolve(__dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const file of projectPipelineFiles()) {
  const target = path.join(root, file.path);
  const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
  if (current === file.content) {
    continue;
  }
  if (check) {
    console.error(`${file.path} is out of date: run npm run workflows`);
    stale += 1;
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
    console.log(`wrote ${file.path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
