import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where the pipeline's bash lives: one `.sh` file per script, beside this module, so shellcheck
 * and the bash tests run the file itself. Two kinds share the folder and the convention: scripts
 * committed to the service repository (`.github/scripts/*.sh`, with a shebang) and the bodies of
 * `run:` steps longer than six lines (no shebang: the runner's `bash -e` runs them). Commands of a
 * few lines stay inline in the job that runs them.
 */
export const SCRIPTS_DIRECTORY = path.join(__dirname, "scripts");

/** A value substituted for `@NAME@` in a script template. */
export type ScriptValues = Readonly<Record<string, string | number | boolean>>;

/** `@NAME@`: upper case, digits and `_` between two `@`, never valid bash on its own. */
const PLACEHOLDER = /@([A-Z][A-Z0-9_]*)@/g;

const templates = new Map<string, string>();

function template(file: string): string {
  let text = templates.get(file);
  if (text === undefined) {
    text = fs.readFileSync(path.join(SCRIPTS_DIRECTORY, file), "utf8");
    templates.set(file, text);
  }
  return text;
}

/**
 * The script `scripts/<file>` with each `@NAME@` replaced by `values[NAME]`. Throws when the
 * template has a placeholder without a value, or a value has no placeholder, so a renamed
 * placeholder cannot ship as literal text.
 */
export function scriptTemplate(file: string, values: ScriptValues = {}): string {
  const used = new Set<string>();
  const script = template(file).replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(`script ${file}: placeholder ${match} has no value`);
    }
    used.add(name);
    return String(value);
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new Error(`script ${file}: no placeholder for ${unused.map((name) => `@${name}@`).join(", ")}`);
  }
  return script;
}
