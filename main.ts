import { buildDeliveryApp } from "./lib/app/app";
import { ConfigError, loadConfig } from "./lib/config";
import { settingsFromEnvironment } from "./lib/app/settings";
import { formatAnnotation, inReportOrder, synthesizeAllOrNothing, SynthError } from "./lib/app/synth";

/**
 * Validates the configuration, then synthesizes every stack. Configuration is checked before the
 * app exists, and the output is replaced only when every stack synthesized: a bad config or a
 * policy error leaves an existing cdktf.out untouched.
 */
function main(): number {
  try {
    const settings = settingsFromEnvironment(process.env);
    const config = loadConfig(settings.configFile);
    const annotations = synthesizeAllOrNothing(
      (outdir) => buildDeliveryApp(config, { outdir, terraformCloud: settings.terraformCloud }),
      settings.outdir,
    );
    for (const annotation of inReportOrder(annotations)) {
      console.error(formatAnnotation(annotation));
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SynthError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
