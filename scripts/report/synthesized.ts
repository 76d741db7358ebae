import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDeliveryApp, type DeliveryAppOptions } from "../../lib/app/app";
import {
  DEVELOPMENT_STACK_ID,
  ENVIRONMENT_NAMES,
  environmentStackId,
  githubStackId,
  isClusterStackId,
  serviceEnvironmentStackId,
} from "../../lib/domain";
import { loadConfig, type DeliveryConfig } from "../../lib/config";
import { settingsFromEnvironment } from "../../lib/app/settings";
import { synthesizeAllOrNothing, type SynthAnnotation } from "../../lib/app/synth";
import {
  readSynthesizedStacks as readStacks,
  type SynthesizedStack,
} from "../../lib/terraform-json/synthesized-output";

export type { SynthesizedStack };

export interface CurrentSynth {
  readonly config: DeliveryConfig;
  readonly stacks: readonly SynthesizedStack[];
  readonly annotations: readonly SynthAnnotation[];
}

/**
 * Synthesizes the configuration `npm run synth` would (`DELIVERY_CONFIG`, `TF_CLOUD_*`) into a
 * scratch directory and reads every stack back, leaving `cdktf.out` alone: reports always describe
 * the current configuration, never a stale output.
 *
 * @param terraformCloud used when `TF_CLOUD_ORGANIZATION` is not set, for reports that read the
 *   workspace each stack would use
 */
export function synthesizeCurrentConfig(
  env: NodeJS.ProcessEnv,
  terraformCloud?: DeliveryAppOptions["terraformCloud"],
): CurrentSynth {
  const settings = settingsFromEnvironment(env);
  const config = loadConfig(settings.configFile);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "delivery-report-"));
  try {
    const annotations = synthesizeAllOrNothing(
      (dir) => buildDeliveryApp(config, { outdir: dir, terraformCloud: settings.terraformCloud ?? terraformCloud }),
      outdir,
    );
    return { config, stacks: readSynthesizedStacks(outdir), annotations };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The stacks of a synthesized output directory (`cdktf.out`), in deployment order. */
export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  return readStacks(outdir).sort((a, b) => byDeploymentOrder(a.id, b.id));
}

/**
 * Stacks in deployment order by their id's shape: every `github-<service>`, then per environment
 * its shared stack and its `<environment>-<service>` stacks, then the cluster stacks, then
 * `development`; anything else last; by name within each.
 */
export function byDeploymentOrder(a: string, b: string): number {
  return deploymentRank(a) - deploymentRank(b) || a.localeCompare(b);
}

function deploymentRank(id: string): number {
  if (id.startsWith(githubStackId(""))) return 0;
  let rank = 1;
  for (const environment of ENVIRONMENT_NAMES) {
    if (id === environmentStackId(environment)) return rank;
    if (id.startsWith(serviceEnvironmentStackId(environment, ""))) return rank + 1;
    rank += 2;
  }
  if (isClusterStackId(id)) return rank;
  return id === DEVELOPMENT_STACK_ID ? rank + 1 : rank + 2;
}
