import { runSynthCommand } from "./lib/app/synth-command";

/**
 * `npm run synth` (and cdktf.json's "app"): validates the configuration, synthesizes every stack
 * and replaces cdktf.out as a whole; see lib/app/synth-command.ts for messages and exit codes.
 */
void runSynthCommand({
  argv: process.argv.slice(2),
  env: process.env,
  stderr: (line) => process.stderr.write(`${line}\n`),
  signals: process,
}).then((code) => {
  process.exitCode = code;
});
