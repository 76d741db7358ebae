import { ConfigError, parseConfig } from "../../lib/config";

/** The problems a config text produces, one line each as users see them; fails if it is accepted. */
export function configProblems(text: string): string[] {
  try {
    parseConfig(text, "config/broken.yaml");
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.message.split("\n").slice(1);
    }
    throw error;
  }
  throw new Error("expected the config to be rejected");
}
