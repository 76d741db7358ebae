import * as fs from "node:fs";
import { parseDocument } from "yaml";
import { parseConfig, type DeliveryConfig } from "../../lib/config";
import { DEFAULT_CONFIG_PATH } from "./synth";

/** A change to the default config: set a field (`value`) or remove it (`delete`). */
export type ConfigEdit =
  | readonly [path: readonly (string | number)[], value: unknown]
  | readonly [path: readonly (string | number)[], "delete"];

/** The default config's YAML text with some fields changed, comments and layout kept. */
export function editedDefaultConfig(...edits: ConfigEdit[]): string {
  const document = parseDocument(fs.readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
  for (const [fieldPath, value] of edits) {
    if (value === "delete") {
      document.deleteIn(fieldPath);
    } else {
      document.setIn(fieldPath, document.createNode(value));
    }
  }
  return document.toString();
}

/** The default config with some fields changed, validated. */
export function configWith(...edits: ConfigEdit[]): DeliveryConfig {
  return parseConfig(editedDefaultConfig(...edits), "test.yaml");
}

/**
 * The smallest valid configuration: an owner on a plan with approval gates for private
 * repositories, one service, one production reviewer. Everything else takes its default.
 */
export const MINIMAL_CONFIG_TEXT = [
  "github: { owner: acme, plan: enterprise }",
  "services: [{ name: api }]",
  "environments: { production: { approval: { reviewers: { users: [octocat] } } } }",
].join("\n");
