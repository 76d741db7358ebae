import { SOURCES, type PolicyRule, type Violation } from "../rule";
import type { SynthesizedStack } from "../synthesized-stack";
import { isObject, nested, stringAt, stringsWithKeys, type Json } from "../../lib/terraform-json/terraform-json";
import {
  constraintAdmits,
  DEFECTIVE_PROVIDER_VERSIONS,
  lowestNamedMajor,
  TERRAFORM_REQUIRED_VERSION,
} from "../../lib/domain";
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

/** The stack's `required_providers`, by local name. */
function requiredProviders(stack: SynthesizedStack): { name: string; source?: string; version?: string }[] {
  const required = nested(stack.terraformSettings().required_providers) ?? {};
  return Object.keys(required)
    .sort()
    .map((name) => {
      const entry = nested(required[name]);
      return { name, source: stringAt(entry, "source"), version: stringAt(entry, "version") };
    });
}

/** The oldest Terraform release the stacks support, from the one required version. */
const OLDEST_SUPPORTED_TERRAFORM = TERRAFORM_REQUIRED_VERSION.replace(/^>=\s*/, "");

/** `hashicorp/kubernetes` or `registry.terraform.io/hashicorp/kubernetes`, not a bare `kubernetes`. */
const FULL_SOURCE = /^(?:[a-z0-9.-]+\/)?[a-z0-9-]+\/[a-z0-9-]+$/i;

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
  {
    id: "TF003",
    severity: "error",
    description: `A stack that uses providers requires a Terraform version that reads all of it (${TERRAFORM_REQUIRED_VERSION}: import blocks, data-source postconditions)`,
    source: {
      title: "Terraform: import blocks (1.5)",
      url: "https://developer.hashicorp.com/terraform/language/import",
    },
    fix: `set terraform.required_version to "${TERRAFORM_REQUIRED_VERSION}" (DeliveryStack does)`,
    check: (stack) => {
      if (requiredProviders(stack).length === 0) {
        return [];
      }
      const required = stringAt(stack.terraformSettings(), "required_version");
      const older = "1.4.7";
      if (required === undefined) {
        return [
          { address: "terraform.required_version", message: "is not set: any Terraform version may run the stack" },
        ];
      }
      return constraintAdmits(required, older) === false && constraintAdmits(required, OLDEST_SUPPORTED_TERRAFORM)
        ? []
        : [
            {
              address: "terraform.required_version",
              message: `'${required}' admits Terraform ${older}, which cannot read import blocks, or excludes ${OLDEST_SUPPORTED_TERRAFORM}`,
            },
          ];
    },
  },
  {
    id: "TF004",
    severity: "error",
    description: "Every required provider names its full source address (namespace/type)",
    source: {
      title: "Terraform: provider requirements, source addresses",
      url: "https://developer.hashicorp.com/terraform/language/providers/requirements#source-addresses",
    },
    fix: "set the source to namespace/type, for example hashicorp/kubernetes (PROVIDER_REQUIREMENTS)",
    check: (stack) =>
      requiredProviders(stack).flatMap(({ name, source }) =>
        source !== undefined && FULL_SOURCE.test(source)
          ? []
          : [
              {
                address: `terraform.required_providers.${name}`,
                message: `source '${source ?? ""}' is not a full address: lock files and mirrors do not apply Terraform's legacy hashicorp/ default`,
              },
            ],
      ),
  },
  {
    id: "TF005",
    severity: "error",
    description:
      "Provider version constraints exclude releases with known defects (integrations/github 6.9.0, 6.9.1) and stay within one major version",
    source: {
      title:
        "integrations/github: github_branch data source errors (fixed in 6.9.1), ruleset update rule (fixed in 6.10.0)",
      url: "https://github.com/integrations/terraform-provider-github/releases/tag/v6.10.0",
    },
    fix: 'constrain the version to one major with a lower bound past the defect, for example ">= 6.10.0, < 7.0.0"',
    check: (stack) =>
      requiredProviders(stack).flatMap(({ name, version }) => {
        const address = `terraform.required_providers.${name}`;
        if (version === undefined) {
          return [{ address, message: "has no version constraint: any release may be installed" }];
        }
        const defective = (DEFECTIVE_PROVIDER_VERSIONS[name] ?? []).filter(
          (release) => constraintAdmits(version, release) !== false,
        );
        const major = lowestNamedMajor(version);
        const nextMajor = major === undefined ? undefined : `${major + 1}.0.0`;
        const problems = [
          ...defective.map((release) => `admits ${release}, a release with a known defect`),
          ...(nextMajor === undefined || constraintAdmits(version, nextMajor) !== false
            ? [`admits ${nextMajor ?? "any"} major version, whose schema the bindings do not know`]
            : []),
        ];
        return problems.length === 0 ? [] : [{ address, message: `'${version}' ${problems.join("; ")}` }];
      }),
  },
];
