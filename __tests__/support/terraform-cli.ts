import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The environment for running terraform offline in `dir`: no version check calls, no CLI
 * configuration of this machine (an empty one is written into `dir`), automation output.
 */
export function offlineTerraformEnvironment(dir: string): NodeJS.ProcessEnv {
  const cliConfig = path.join(dir, "none.tfrc");
  fs.writeFileSync(cliConfig, "");
  return { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_CLI_CONFIG_FILE: cliConfig };
}
