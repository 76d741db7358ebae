import { SOURCES, type PolicyRule, type Violation } from "../rule";
import { isObject, stringsWithKeys, type Json } from "../../lib/terraform-json/terraform-json";
import { expressionsIn, hasExpression } from "../../lib/terraform-json/template-sequences";

/** `/home/me/x`, `~/x`, `C:\x`, `\\server\share`: a path that only means something on one machine. */
const ABSOLUTE_PATH = /^(?:\/|~\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * Attributes that name a file or directory of the machine running Terraform (backends, provider
 * config files, Docker build contexts and bind mounts, local files). Container-side paths
 * (`mount_path`, probe `path`) are absolute by nature and are not among them.
 */
const HOST_PATH_ATTRIBUTES = new Set([
  "config_path",
  "config_paths",
  "config_file",
  "cert_path",
  "filename",
  "source",
  "source_dir",
  "source_file",
  "output_path",
  "host_path",
  "context",
  "dockerfile",
]);

/** Backend attributes naming the state file or its directory. */
const BACKEND_PATH_ATTRIBUTES = new Set(["path", "workspace_dir"]);

/** Terraform functions that read a file of the machine running Terraform. */
const FILE_FUNCTION_WITH_ABSOLUTE_PATH =
  /\b(?:file|filebase64|filemd5|filesha1|filesha256|filesha512|fileexists|fileset|templatefile|abspath)\s*\(\s*"((?:\/|~\/|[A-Za-z]:[\\/]|\\\\)[^"]*)"/;

function absolutePathsIn(value: Json | undefined, attributes: ReadonlySet<string>): string[] {
  return stringsWithKeys(value).flatMap(({ key, value: text }) => {
    if (attributes.has(key) && ABSOLUTE_PATH.test(text) && !hasExpression(text)) {
      return [`${key} '${text}'`];
    }
    return expressionsIn(text).flatMap((expression) => {
      const match = expression.match(FILE_FUNCTION_WITH_ABSOLUTE_PATH);
      return match === null ? [] : [`${key} reads '${match[1] ?? ""}'`];
    });
  });
}

/** Provider attributes that are credentials (the docker provider's registry_auth password included). */
const CREDENTIAL_ATTRIBUTES = new Set([
  "token",
  "password",
  "client_key",
  "key_material",
  "private_key",
  "pem_file",
  "client_secret",
]);

export const STATE_RULES: readonly PolicyRule[] = [
  {
    id: "TF001",
    severity: "error",
    description: "The output holds no absolute filesystem path (state, config files, build contexts, mounts)",
    source: SOURCES.deliverySpec("deterministic, machine-independent output"),
    fix: 'use a path relative to the stack directory (cdktf.out/stacks/<id>), or compute it at plan time with abspath("${path.module}/...")',
    check: (stack) => {
      const settings = stack.terraformSettings();
      const backends = isObject(settings.backend) ? settings.backend : {};
      const violations: Violation[] = Object.keys(backends)
        .sort()
        .flatMap((kind) => {
          const paths = absolutePathsIn(backends[kind], BACKEND_PATH_ATTRIBUTES);
          return paths.length === 0
            ? []
            : [{ address: `terraform.backend.${kind}`, message: `state ${paths.join(", ")}` }];
        });
      for (const block of [...stack.providers(), ...stack.resources(), ...stack.dataSources()]) {
        const paths = absolutePathsIn(block.body, HOST_PATH_ATTRIBUTES);
        if (paths.length > 0) {
          violations.push({ address: block.address, message: `names absolute path(s): ${paths.join(", ")}` });
        }
      }
      return violations;
    },
  },
  {
    id: "TF002",
    severity: "error",
    description: "Provider credentials come from sensitive variables or the environment, never literals",
    source: SOURCES.terraformSensitive(),
    fix: "pass the credential as SensitiveVariable.of(...).stringValue, or let the provider read it from the environment",
    check: (stack) =>
      stack.providers().flatMap((provider) => {
        const literal = stringsWithKeys(provider.body).filter(
          ({ key, value }) => CREDENTIAL_ATTRIBUTES.has(key) && value !== "" && !hasExpression(value),
        );
        return literal.length === 0
          ? []
          : [
              {
                address: provider.address,
                message: `has literal credential(s): ${[...new Set(literal.map(({ key }) => key))].join(", ")}`,
              },
            ];
      }),
  },
];
