import { ConfigError, parseConfig } from "../../lib/config";

/**
 * The problems a config text produces, one line each as users see them (without the header
 * line); fails if the config is accepted.
 */
export function configProblems(text: string, file = "config/broken.yaml"): string[] {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.message.split("\n").slice(1);
    }
    throw error;
  }
  throw new Error("expected the config to be rejected");
}
