import * as fs from "node:fs";
import * as path from "node:path";
import type { DevelopmentConfig } from "./schema/development";

/** A problem found after schema validation, with the field path it is about. */
export interface LocatedProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Checks that each `development.services.<name>.source` is an existing directory (relative to
 * the configuration file) and rewrites it relative to the working directory, the project root
 * the development stack's Terraform expressions start from. Only the development section names
 * local paths; nothing else of the configuration touches the file system.
 */
export function locateDevelopmentSources<T extends { readonly development: DevelopmentConfig }>(
  config: T,
  configFile: string,
): { config: T; problems: LocatedProblem[] } {
  const configDirectory = path.dirname(path.resolve(configFile));
  const problems: LocatedProblem[] = [];
  const services: DevelopmentConfig["services"] = {};
  for (const [name, service] of Object.entries(config.development.services)) {
    const directory = path.resolve(configDirectory, service.source);
    if (!isDirectory(directory)) {
      problems.push({
        path: ["development", "services", name, "source"],
        message: `must be an existing directory, relative to ${configFile} (got '${service.source}', which is not a directory there): the service's repository checkout`,
      });
    }
    const fromWorkingDirectory = path.relative(process.cwd(), directory).split(path.sep).join("/");
    services[name] = { ...service, source: fromWorkingDirectory === "" ? "." : fromWorkingDirectory };
  }
  return { config: { ...config, development: { ...config.development, services } }, problems };
}

function isDirectory(directory: string): boolean {
  try {
    return fs.statSync(directory).isDirectory();
  } catch {
    return false;
  }
}
