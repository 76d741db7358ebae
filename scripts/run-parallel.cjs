// Runs npm scripts side by side and reports each one's output in order, failing if any failed.
// `npm test` uses it for the type check, ESLint and Prettier: independent checks that would
// otherwise wait for each other.
"use strict";
const { spawn } = require("node:child_process");

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error("usage: run-parallel.cjs <npm script>...");
  process.exit(2);
}

const runs = scripts.map(
  (script) =>
    new Promise((resolve) => {
      const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("close", (code) => resolve({ script, code, output }));
    }),
);

Promise.all(runs).then((results) => {
  for (const { script, code, output } of results) {
    console.log(`> ${script}: ${code === 0 ? "ok" : `failed (exit ${code})`}`);
    if (output.trim() !== "") console.log(output.trimEnd());
  }
  process.exitCode = results.some((result) => result.code !== 0) ? 1 : 0;
});
