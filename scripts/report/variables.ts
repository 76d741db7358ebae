import { formatTable } from "./table";
import { at, block, isObject, text, type JsonObject } from "../../lib/terraform-json/terraform-json";
import { activeColorVariableName, DEPLOYMENT_COLORS, imageVariableName } from "../../lib/domain";

/** A value a stack needs at plan time: a Terraform variable, or an environment variable a provider reads. */
export interface StackInput {
  readonly name: string;
  /** Terraform Cloud's variable categories: `terraform` (TF_VAR_) or `env`. */
  readonly category: "terraform" | "env";
  readonly sensitive: boolean;
  /** Without a value the plan fails; optional inputs have a default. */
  readonly required: boolean;
  /** The default of an optional, non-sensitive variable, as Terraform would use it. */
  readonly default?: unknown;
  readonly description: string;
  /** Set by the service pipeline's deploy job (image digests, active colour), not by hand. */
  readonly setByPipeline: boolean;
}

interface EnvironmentInput {
  readonly name: string;
  readonly sensitive: boolean;
  readonly description: string;
}

/**
 * Credentials a provider reads from the environment when its block in the output does not set
 * them. They are not Terraform variables, so in Terraform Cloud they are environment variables
 * of the workspace. The GitHub provider reads a GitHub App's from an empty `app_auth` block
 * (github/provider.go:96-124 at v6.10.0), a token otherwise.
 */
const PROVIDER_ENVIRONMENT: Readonly<Record<string, (configured: JsonObject) => readonly EnvironmentInput[]>> = {
  github: (configured) => {
    if (configured.token !== undefined) return [];
    if (configured.app_auth === undefined) {
      return [
        {
          name: "GITHUB_TOKEN",
          sensitive: true,
          description: 'Token the GitHub provider acts with (see README "Credentials" for its permissions)',
        },
      ];
    }
    const appAuth = block(configured.app_auth) ?? {};
    return [
      { key: "id", name: "GITHUB_APP_ID", sensitive: false, description: "ID of the GitHub App Terraform acts as" },
      {
        key: "installation_id",
        name: "GITHUB_APP_INSTALLATION_ID",
        sensitive: false,
        description: "ID of the App's installation on the owner (organisation or user)",
      },
      {
        key: "pem_file",
        name: "GITHUB_APP_PEM_FILE",
        sensitive: true,
        description: "The App's private key, PEM text (newlines may be written as \\n)",
      },
    ]
      .filter((input) => appAuth[input.key] === undefined)
      .map(({ name, sensitive, description }) => ({ name, sensitive, description }));
  },
};

/**
 * Every input of a stack, read from its synthesized JSON: the `variable` blocks, and the
 * environment variables its providers need. Environment variables first, then by name.
 *
 * @param setByPipeline names of the variables the deploy workflow sets (image and colour variables)
 */
export function stackInputs(stack: JsonObject, setByPipeline: ReadonlySet<string> = new Set()): StackInput[] {
  const providers = isObject(stack.provider) ? stack.provider : {};
  const environment = Object.keys(providers)
    .sort()
    .flatMap((provider) => {
      const needs = PROVIDER_ENVIRONMENT[provider];
      const configured = block(providers[provider]) ?? {};
      return (needs?.(configured) ?? []).map((input): StackInput => ({
        name: input.name,
        category: "env",
        sensitive: input.sensitive,
        required: true,
        description: input.description,
        setByPipeline: false,
      }));
    });
  const variables = Object.entries(isObject(stack.variable) ? stack.variable : {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, body]): StackInput => {
      const sensitive = at(body, "sensitive") === true;
      const defaultValue = at(body, "default");
      return {
        name,
        category: "terraform",
        sensitive,
        required: defaultValue === undefined,
        ...(defaultValue === undefined || sensitive ? {} : { default: defaultValue }),
        description: text(at(body, "description")) ?? "",
        setByPipeline: setByPipeline.has(name),
      };
    });
  return [...environment, ...variables];
}

/** How to give the input a value on a workstation (or in CI with local state). */
export function localSetting(input: StackInput): string {
  return input.category === "env" ? input.name : `TF_VAR_${input.name}`;
}

/** What to create in the stack's Terraform Cloud workspace. */
export function terraformCloudSetting(input: StackInput): string {
  const kind = input.category === "env" ? "environment variable" : "Terraform variable";
  const who = input.setByPipeline ? ", set by the deploy workflow" : "";
  return `${kind}${input.sensitive ? ", sensitive" : ""}${who}`;
}

/** `yes`, or `no (default "")`. */
export function requiredLabel(input: StackInput): string {
  if (input.required) return "yes";
  return input.default === undefined ? "no" : `no (default ${JSON.stringify(input.default)})`;
}

/** The inputs of one stack and where its state lives. */
export interface StackInputs {
  readonly stack: string;
  /** The stack's Terraform Cloud workspace; undefined when the stack keeps local state only. */
  readonly workspace?: string;
  readonly inputs: readonly StackInput[];
}

/** The workspace a synthesized stack names in its `cloud` block. */
export function workspaceOf(stack: JsonObject): string | undefined {
  return text(at(stack, "terraform", "cloud", "workspaces", "name"));
}

/** One Markdown table of inputs per stack; values are never known here, so never shown. */
export function inputsMarkdown(stacks: readonly StackInputs[]): string {
  return stacks
    .map((entry) => {
      const where = entry.workspace === undefined ? "local state only" : `workspace \`${entry.workspace}\``;
      const rows = entry.inputs.map((input) => [
        `\`${input.name}\``,
        input.sensitive ? "yes" : "no",
        requiredLabel(input),
        `\`${localSetting(input)}\``,
        terraformCloudSetting(input),
        input.description,
      ]);
      return [
        `#### \`${entry.stack}\` (${where})`,
        "",
        rows.length === 0
          ? "No inputs."
          : formatTable(
              ["input", "sensitive", "required", "set locally", "set in Terraform Cloud", "description"],
              rows,
            ),
      ].join("\n");
    })
    .join("\n\n");
}

/** The same as JSON, for scripts: `{ stacks: [{ stack, workspace, inputs: [...] }] }`. */
export function inputsJson(stacks: readonly StackInputs[]): string {
  return JSON.stringify(
    {
      stacks: stacks.map((entry) => ({
        stack: entry.stack,
        workspace: entry.workspace ?? null,
        inputs: entry.inputs.map((input) => ({
          ...input,
          setLocally: localSetting(input),
          setInTerraformCloud: terraformCloudSetting(input),
        })),
      })),
    },
    null,
    2,
  );
}

/**
 * The variables the deploy workflow sets in an environment's workspace (see
 * constructs/terraform/deployment-variables.ts): every name the services could use, so the
 * label is right for rolling and blue-green environments alike.
 */
export function deploymentVariableNames(serviceNames: readonly string[]): Set<string> {
  return new Set(
    serviceNames.flatMap((service) => [
      imageVariableName(service),
      ...DEPLOYMENT_COLORS.map((color) => imageVariableName(service, color)),
      activeColorVariableName(service),
    ]),
  );
}
