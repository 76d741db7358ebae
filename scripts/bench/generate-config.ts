import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isSeq, parseDocument } from "yaml";
import { DEFAULT_CONFIG_FILE, parseConfig } from "../../lib/config";
import { ENVIRONMENT_NAMES } from "../../lib/domain";

/**
 * Configs with many services for the scale benchmark and the scale test, derived from a
 * schema-valid config (the default one): its first service is the template, copied `count` times
 * with everything that must be distinct changed (name, repository, image, URLs, one secret of its
 * own). Every other field is kept as the template has it, so fields added to the schema later are
 * exercised without changing this generator. The result is validated before it is returned.
 */
export function generateConfig(templateText: string, count: number): string {
  if (!Number.isInteger(count) || count < 1 || count > 999) {
    throw new Error(`count must be a whole number from 1 to 999 (got ${count})`);
  }
  const document = parseDocument(templateText);
  const services = document.get("services");
  if (!isSeq(services) || !isMap(services.items[0])) {
    throw new Error("the template config has no services[0] to copy");
  }
  const template = services.items[0].toJSON() as Record<string, unknown>;
  const templateName = String(template.name);
  document.setIn(
    ["services"],
    document.createNode(
      Array.from({ length: count }, (_, index) => serviceFrom(template, templateName, generatedServiceName(index))),
    ),
  );
  // The workspace prefix must not change with the first service's name.
  document.setIn(["terraformCloud", "workspacePrefix"], "scale");
  // Namespace quotas are sized for the template's services; more services need their own sizing,
  // which the schema checks. Generated configs leave the quota out.
  for (const environment of ENVIRONMENT_NAMES) {
    document.deleteIn(["environments", environment, "quota"]);
  }
  const text = document.toString();
  parseConfig(text, `generated config with ${count} services`);
  return text;
}

/** `service-001`, `service-002`, ...: equally long, so no name is a prefix of another. */
export function generatedServiceName(index: number): string {
  return `service-${String(index + 1).padStart(3, "0")}`;
}

/** The names of the services `generateConfig(text, count)` lists. */
export function generatedServiceNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => generatedServiceName(index));
}

function serviceFrom(template: Record<string, unknown>, templateName: string, name: string): unknown {
  const service = renamed(template, templateName, name) as Record<string, unknown>;
  service.name = name;
  if (typeof service.repository === "string") service.repository = name;
  const ownSecret = `${name.toUpperCase().replace(/-/g, "_")}_API_KEY`;
  const secrets = (service.secrets ?? {}) as Record<string, unknown>;
  const environmentSecrets = Array.isArray(secrets.environment) ? (secrets.environment as unknown[]) : [];
  service.secrets = { ...secrets, environment: [...environmentSecrets, ownSecret] };
  return service;
}

/** The value with the template service's name replaced by `name`, and every URL host given to `name`. */
function renamed(value: unknown, templateName: string, name: string): unknown {
  if (typeof value === "string") {
    return /^https?:\/\//.test(value) ? withHostFor(value, name) : value.split(templateName).join(name);
  }
  if (Array.isArray(value)) return value.map((item) => renamed(item, templateName, name));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renamed(item, templateName, name)]));
  }
  return value;
}

/** `https://orders.staging.example.com` -> `https://service-007.staging.example.com` */
function withHostFor(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.hostname = [name, ...parsed.hostname.split(".").slice(1)].join(".");
  const text = parsed.toString();
  return url.endsWith("/") || parsed.pathname !== "/" ? text : text.slice(0, -1);
}

/** Writes `services-<count>.yaml` for each count into `dir`; returns the paths by count. */
export function writeGeneratedConfigs(
  templateText: string,
  counts: readonly number[],
  dir: string,
): Map<number, string> {
  fs.mkdirSync(dir, { recursive: true });
  const files = new Map<number, string>();
  for (const count of counts) {
    const file = path.join(dir, `services-${count}.yaml`);
    fs.writeFileSync(file, generateConfig(templateText, count));
    files.set(count, file);
  }
  return files;
}

/** `node --require ./scripts/register-ts.cjs scripts/bench/generate-config.ts <dir> 1 10 50` */
function main(args: readonly string[]): void {
  const [dir, ...counts] = args;
  if (dir === undefined || counts.length === 0) {
    throw new Error("usage: generate-config.ts <output dir> <service count>...");
  }
  const templateText = fs.readFileSync(process.env.DELIVERY_CONFIG ?? DEFAULT_CONFIG_FILE, "utf8");
  for (const file of writeGeneratedConfigs(templateText, counts.map(Number), dir).values()) {
    console.log(file);
  }
}

if (require.main === module) {
  main(process.argv.slice(2));
}
