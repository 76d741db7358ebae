import { DEPLOYMENT_COLORS } from "../domain/environments";
import { localServices } from "../domain/local-services";
import { serviceImageRepository } from "../domain/oci-reference";
import {
  FIXED_TERRAFORM_VARIABLES,
  PIPELINE_ENVIRONMENT_SECRET_NAMES,
  PIPELINE_SECRET_NAMES,
} from "../domain/reserved-names";
import {
  activeColorVariableName,
  imageVariableName,
  replicaFloorVariableName,
  warmUntilVariableName,
  secretVariableName,
} from "../domain/variable-names";
import { formatFieldPath } from "./config-error";
import type { LocatedProblem } from "./development-sources";

/**
 * Names the stacks derive from configured names, checked for collisions: two inputs that map to
 * one Terraform variable, one GitHub repository, one image or one Kubernetes object would share
 * it silently (one service deploying with the other's secret). Each collision names both sources.
 *
 * The derivations are those of the stacks; `__tests__/config/derived-names.test.ts` compares them
 * with the synthesized output so that the two cannot drift apart.
 */

/**
 * Namespaces a cluster creates itself; the environment stacks create their namespace, which fails
 * for these, and `kube-` is reserved for Kubernetes system namespaces:
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces
 */
const RESERVED_NAMESPACES = ["default"];
const RESERVED_NAMESPACE_PREFIX = "kube-";

/** The shape the checks read; every part may be missing or mistyped while other fields have errors. */
export interface NamedConfig {
  readonly github?: { readonly owner?: unknown };
  readonly services?: readonly unknown[];
  readonly environments?: Readonly<Record<string, unknown>>;
  readonly development?: { readonly services?: unknown };
}

interface NameSource {
  readonly path: (string | number)[];
  /** How this source derives the name, for the other source's message. */
  readonly description: string;
  /** Sources with the same key derive the name on purpose (one secret at two levels). */
  readonly key: string;
}

const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;
const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Every collision of derived names and every reserved name in `config`, as far as the fields it
 * needs are well-typed: a mistyped field is reported by the schema and skipped here.
 */
export function reportDerivedNameProblems(config: NamedConfig): LocatedProblem[] {
  const services = (Array.isArray(config.services) ? config.services : []).map((service, index) => ({
    index,
    ...(isRecord(service) ? service : {}),
  }));
  return [
    ...terraformVariableProblems(services),
    ...repositoryProblems(services, config.github?.owner),
    ...kubernetesNameProblems(services),
    ...reservedNameProblems(services, config),
  ];
}

type ServiceEntry = { readonly index: number } & Readonly<Record<string, unknown>>;

function serviceName(service: ServiceEntry): string | undefined {
  return typeof service.name === "string" && SERVICE_NAME.test(service.name) ? service.name : undefined;
}

function secretNames(service: ServiceEntry, level: "repository" | "environment"): [string, number][] {
  const secrets = isRecord(service.secrets) ? service.secrets[level] : undefined;
  if (!Array.isArray(secrets)) return [];
  return secrets.flatMap((name, position): [string, number][] =>
    typeof name === "string" && SECRET_NAME.test(name) ? [[name, position]] : [],
  );
}

/**
 * Terraform variables share one namespace per run: `cdktf deploy` reads every stack's values from
 * the same `TF_VAR_<name>` environment variables.
 */
function terraformVariableProblems(services: readonly ServiceEntry[]): LocatedProblem[] {
  return [...terraformVariableSources(services).entries()].flatMap(([variable, list]) =>
    collisions(list).map(([first, second]) => ({
      path: second.path.length > 0 ? second.path : first.path,
      message: `derives the Terraform variable '${variable}' (TF_VAR_${variable}), which ${describe(second.path.length > 0 ? first : second)} also uses; rename one of them`,
    })),
  );
}

/** Every Terraform variable name the stacks declare for `config`, in any stack. */
export function derivedTerraformVariableNames(config: NamedConfig): string[] {
  const services = (Array.isArray(config.services) ? config.services : []).map((service, index) => ({
    index,
    ...(isRecord(service) ? service : {}),
  }));
  return [...terraformVariableSources(services).keys()].sort();
}

function terraformVariableSources(services: readonly ServiceEntry[]): Map<string, NameSource[]> {
  const sources = new Map<string, NameSource[]>();
  const add = (name: string, source: NameSource) => sources.set(name, [...(sources.get(name) ?? []), source]);
  for (const [name, description] of Object.entries(FIXED_TERRAFORM_VARIABLES)) {
    add(name, { path: [], description, key: `fixed:${name}` });
  }
  for (const service of services) {
    const name = serviceName(service);
    if (name === undefined) continue;
    const namePath = ["services", service.index, "name"];
    for (const variable of [
      imageVariableName(name),
      ...DEPLOYMENT_COLORS.map((color) => imageVariableName(name, color)),
      activeColorVariableName(name),
      replicaFloorVariableName(name),
      warmUntilVariableName(name),
    ]) {
      add(variable, {
        path: namePath,
        description: `the image, colour, replica-floor or warm-until variable of service '${name}'`,
        key: variable,
      });
    }
    for (const level of ["repository", "environment"] as const) {
      for (const [secret, position] of secretNames(service, level)) {
        add(secretVariableName(name, secret), {
          path: ["services", service.index, "secrets", level, position],
          description: `secret ${secret} of service '${name}'`,
          key: `secret:${name}:${secret}`,
        });
      }
    }
    for (const secret of PIPELINE_SECRET_NAMES) {
      add(secretVariableName(name, secret), {
        path: namePath,
        description: `the pipeline's secret ${secret} of service '${name}'`,
        key: `secret:${name}:${secret}`,
      });
    }
  }
  return sources;
}

/** GitHub repository names are case-insensitive, and each repository gets its own image. */
function repositoryProblems(services: readonly ServiceEntry[], owner: unknown): LocatedProblem[] {
  const repositories = new Map<string, NameSource>();
  const images = new Map<string, NameSource>();
  const problems: LocatedProblem[] = [];
  for (const service of services) {
    const name = serviceName(service);
    const repository = typeof service.repository === "string" ? service.repository : name;
    if (repository === undefined) continue;
    const repositoryPath = ["services", service.index, typeof service.repository === "string" ? "repository" : "name"];
    const source = { path: repositoryPath, description: `repository '${repository}'`, key: repository };
    const existing = repositories.get(repository.toLowerCase());
    // Exact duplicates are reported by the schema; differences in case only are reported here.
    if (existing !== undefined && existing.key !== repository) {
      problems.push({
        path: repositoryPath,
        message: `names the same GitHub repository as ${describe(existing)}: GitHub compares repository names without regard to case; rename one of them`,
      });
    }
    repositories.set(repository.toLowerCase(), existing ?? source);

    const image =
      typeof service.image === "string" || typeof owner === "string"
        ? serviceImageRepository(
            typeof service.image === "string" ? service.image : undefined,
            String(owner),
            repository,
          )
        : undefined;
    if (image === undefined) continue;
    const imagePath = [
      "services",
      service.index,
      typeof service.image === "string" ? "image" : (repositoryPath[2] ?? "name"),
    ];
    const imageSource = {
      path: imagePath,
      description: `the image of ${formatFieldPath(["services", service.index])}`,
      key: image,
    };
    const previous = images.get(image);
    if (previous !== undefined && existing?.path.join() !== previous.path.join()) {
      problems.push({
        path: imagePath,
        message: `gives the image repository '${image}', which ${formatFieldPath(previous.path.slice(0, 2))} also uses: each deploy would push over the other service's images; set services[].image to differ`,
      });
    }
    images.set(image, previous ?? imageSource);
  }
  return problems;
}

/**
 * Kubernetes object names are unique per kind within a namespace. A blue-green environment gives
 * each service a Service `<name>` and one per colour, `<name>-blue` and `<name>-green`; another
 * service named `<name>-blue` then claims the same Service name. The colour names are kept free in
 * every environment, so that switching an environment to blue-green cannot create the collision.
 */
function kubernetesNameProblems(services: readonly ServiceEntry[]): LocatedProblem[] {
  const byName = new Map(
    services.flatMap((service) => {
      const name = serviceName(service);
      return name === undefined ? [] : [[name, service] as const];
    }),
  );
  const problems: LocatedProblem[] = [];
  for (const service of services) {
    const name = serviceName(service);
    if (name === undefined) continue;
    for (const color of DEPLOYMENT_COLORS) {
      const other = byName.get(`${name}-${color}`);
      if (other !== undefined) {
        problems.push({
          path: ["services", other.index, "name"],
          message: `is the name of the ${color} Kubernetes Service of ${formatFieldPath(["services", service.index])} ('${name}') in a blue-green environment; rename one of them`,
        });
      }
    }
  }
  return problems;
}

function reservedNameProblems(services: readonly ServiceEntry[], config: NamedConfig): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const environments = isRecord(config.environments) ? config.environments : {};
  for (const [environment, settings] of Object.entries(environments)) {
    const namespace = isRecord(settings) ? settings.namespace : undefined;
    if (typeof namespace !== "string") continue;
    if (RESERVED_NAMESPACES.includes(namespace) || namespace.startsWith(RESERVED_NAMESPACE_PREFIX)) {
      problems.push({
        path: ["environments", environment, "namespace"],
        message: `must not be 'default' or start with 'kube-': the cluster owns those namespaces, and the ${environment} stack creates its own`,
      });
    }
  }
  for (const service of services) {
    const repository = typeof service.repository === "string" ? service.repository : undefined;
    // `.github` holds an account's default community health files (SECURITY.md, issue templates)
    // for all its repositories; managing it as a service repository would replace them:
    // https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/creating-a-default-community-health-file
    if (repository?.toLowerCase() === ".github") {
      problems.push({
        path: ["services", service.index, "repository"],
        message: `must not be '.github': that repository holds the default community health files of every repository of the owner`,
      });
    }
  }
  const pipelineSecrets = new Set<string>(PIPELINE_SECRET_NAMES);
  const environmentOnly = new Set<string>(PIPELINE_ENVIRONMENT_SECRET_NAMES);
  for (const service of services) {
    for (const [secret, position] of secretNames(service, "environment")) {
      if (pipelineSecrets.has(secret)) {
        problems.push({
          path: ["services", service.index, "secrets", "environment", position],
          message: `is a secret the pipeline manages (${[...pipelineSecrets].join(", ")}); a configured secret of that name would replace it in deploy jobs: choose another name`,
        });
      }
    }
    for (const [secret, position] of secretNames(service, "repository")) {
      if (environmentOnly.has(secret)) {
        problems.push({
          path: ["services", service.index, "secrets", "repository", position],
          message: `can change an environment, so the pipeline keeps it as a secret of each environment (${[...environmentOnly].join(", ")}): a repository secret is readable by a workflow run on any branch; remove it here`,
        });
      }
    }
  }
  const local = new Set(localServices(() => "", "database").map((service) => service.name as string));
  const developmentServices = isRecord(config.development?.services) ? config.development.services : {};
  for (const name of Object.keys(developmentServices).filter((key) => local.has(key))) {
    problems.push({
      path: ["development", "services", name],
      message: `is the name of a backing service of local development (${[...local].join(", ")}): its container and host name would be the same; rename the service`,
    });
  }
  return problems;
}

/** Pairs of sources that derive one name without meaning to: the first source, then each later one. */
function collisions(list: readonly NameSource[]): [NameSource, NameSource][] {
  const [first, ...rest] = list;
  if (first === undefined) return [];
  return rest.filter((source) => source.key !== first.key).map((source) => [first, source]);
}

function describe(source: NameSource): string {
  return source.path.length === 0 ? source.description : `${formatFieldPath(source.path)} (${source.description})`;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
