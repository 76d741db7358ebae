import { App, Aspects, type TerraformStack } from "cdktf";
import { Guardrails } from "../../policy";
import { ClusterStack } from "../../stacks/cluster-stack";
import { DevelopmentStack } from "../../stacks/development-stack";
import { EnvironmentStack, ServiceEnvironmentStack } from "../../stacks/environment-stack";
import { GithubStack } from "../../stacks/github-stack";
import type { StateBackend } from "../../stacks/state-backend";
import { markTokenRegistry } from "./token-map-release";
import type { DeliveryConfig, ServiceConfig } from "../config";
import {
  clusterStackId,
  DEVELOPMENT_STACK_ID,
  ENVIRONMENT_NAMES,
  environmentStackId,
  githubStackId,
  serviceEnvironmentStackId,
  type EnvironmentName,
} from "../domain";

/** What a stack holds, which says who applies it and with which credential. */
export type StackKind =
  /** One service's repository, applied by the pipeline with the GitHub credential. */
  | "github"
  /** What one environment's services share in its namespace, applied with the environment's credential. */
  | "environment"
  /** One service in one environment, applied by that service's deploy jobs and the pipeline. */
  | "service-environment"
  /** An environment's namespace and deployer Role, applied by a cluster administrator. */
  | "cluster"
  /** The local Docker environment on a developer's machine. */
  | "development";

/** One stack of the app: its id (a contract: folder, `cdktf deploy <id>`, workspace, state file). */
export interface StackEntry {
  readonly id: string;
  readonly kind: StackKind;
  readonly environment?: EnvironmentName;
  readonly service?: string;
  /** Stacks applied before this one (cdktf deploy orders by them; no Terraform references). */
  readonly dependencies: readonly string[];
}

/**
 * Every stack of a config, in an order that deploys: the cluster stacks (namespaces first), each
 * environment's shared stack, then service by service its repository and its stack in each
 * environment, then `development`. Each service's stacks are adjacent, so a synth can write one
 * service at a time and let it go (`stageDeliveryApp`). `services` narrows the per-service stacks
 * to those services; the shared stacks are always there, built from the whole config, so a
 * narrowed synth writes them exactly as a full one does.
 */
export function stackEntries(config: DeliveryConfig, services?: readonly string[]): StackEntry[] {
  const selected = selectedServices(config, services);
  return [
    ...ENVIRONMENT_NAMES.map((environment) => ({
      id: clusterStackId(environment),
      kind: "cluster" as const,
      environment,
      dependencies: [],
    })),
    ...ENVIRONMENT_NAMES.map((environment) => ({
      id: environmentStackId(environment),
      kind: "environment" as const,
      environment,
      dependencies: [],
    })),
    ...selected.flatMap((service) => [
      { id: githubStackId(service.name), kind: "github" as const, service: service.name, dependencies: [] },
      ...ENVIRONMENT_NAMES.map((environment) => ({
        id: serviceEnvironmentStackId(environment, service.name),
        kind: "service-environment" as const,
        environment,
        service: service.name,
        dependencies: [environmentStackId(environment), githubStackId(service.name)],
      })),
    ]),
    { id: DEVELOPMENT_STACK_ID, kind: "development" as const, dependencies: [] },
  ];
}

/** The configured services a synth builds stacks for: all, or those named, in config order. */
function selectedServices(config: DeliveryConfig, names: readonly string[] | undefined): ServiceConfig[] {
  if (names === undefined) {
    return [...config.services];
  }
  const unknown = unknownServiceNames(config, names);
  if (unknown.length > 0) {
    throw new ServiceSelectionError(
      `DELIVERY_SERVICES names no configured service: ${unknown.join(", ")} (configured: ${config.services.map((service) => service.name).join(", ")})`,
    );
  }
  return config.services.filter((service) => names.includes(service.name));
}

/** The names of a service selection that the config has no service of, in selection order. */
export function unknownServiceNames(
  config: { readonly services: readonly { readonly name: string }[] },
  names: readonly string[],
): string[] {
  const known = new Set(config.services.map((service) => service.name));
  return names.filter((name) => !known.has(name));
}

/** The service selection names a service the config does not have. */
export class ServiceSelectionError extends Error {
  override readonly name = "ServiceSelectionError";
}

/** Stacks whose workloads deploy production: digest-pinned and approval-gated (guardrails). */
function isProductionStack(entry: StackEntry): boolean {
  return entry.environment === "production";
}

export interface DeliveryAppOptions {
  /** Where `synth()` writes. @default "cdktf.out" (or `CDKTF_OUTDIR`, which the cdktf CLI sets) */
  readonly outdir?: string;
  /** Terraform Cloud settings; local state files when absent. @default local state */
  readonly terraformCloud?: {
    readonly organization: string;
    /** @default "app.terraform.io" */
    readonly hostname?: string;
  };
  /**
   * Only these services' stacks (`DELIVERY_SERVICES`); the shared stacks are always built.
   * @default every configured service
   */
  readonly services?: readonly string[];
}

/** Builds every stack from a validated configuration. Reads no file and no environment variable. */
export function buildDeliveryApp(config: DeliveryConfig, options: DeliveryAppOptions = {}): App {
  const staged = stageDeliveryApp(config, { ...options, release: false });
  // Building every stack; each stays in the tree.
  Array.from(staged.stacks);
  return staged.app;
}

/** An app whose stacks are built one at a time, as they are iterated. */
export interface StagedDeliveryApp {
  readonly app: App;
  /** How many stacks `stacks` yields. */
  readonly count: number;
  /**
   * Builds and yields each stack in `stackEntries` order. With `release`, when iteration moves on
   * from a service's last stack, that service's stacks leave the tree and their tokens are
   * forgotten: synthesize each stack before asking for the next.
   */
  readonly stacks: Iterable<TerraformStack>;
}

export interface StagedDeliveryAppOptions extends DeliveryAppOptions {
  /** Let each service's stacks go once iteration has moved past them. @default true */
  readonly release?: boolean;
}

/**
 * The app of `buildDeliveryApp`, built lazily. The synth command writes each stack as it is
 * built and releases each service once written, so memory holds the shared stacks and one
 * service, whatever the size of the fleet; the output is byte-identical to a synth of the whole
 * tree (`__tests__/app/staged-synth.test.ts`).
 */
export function stageDeliveryApp(config: DeliveryConfig, options: StagedDeliveryAppOptions = {}): StagedDeliveryApp {
  // skipBackendValidation: cdktf would otherwise warn about local state; the backend is explicit.
  // stackTraces: annotations are copied into manifest.json, and traces hold this machine's paths.
  const app = new App({ outdir: options.outdir, skipBackendValidation: true, stackTraces: false });
  const backend: StateBackend = options.terraformCloud
    ? { kind: "cloud", ...options.terraformCloud, workspacePrefix: config.terraformCloud.workspacePrefix }
    : { kind: "local" };
  const entries = stackEntries(config, options.services);
  // The guardrails check every stack's synthesized JSON; an error finding fails synth.
  const guardrails = new Guardrails({
    suppressions: config.policy.suppressions,
    productionStacks: entries.filter(isProductionStack).map((entry) => entry.id),
    stackCount: entries.length,
    // A narrowed synth does not see the stacks other services' suppressions are for.
    reportUnusedSuppressions: options.services === undefined,
  });
  const services = new Map(config.services.map((service) => [service.name, service]));
  const release = options.release ?? true;

  function* build(): Generator<TerraformStack, void, undefined> {
    const shared = new Map<string, TerraformStack>();
    let current: { service: string; stacks: Map<string, TerraformStack>; forget: () => void } | undefined;
    const releaseCurrent = () => {
      if (current === undefined || !release) return;
      for (const id of current.stacks.keys()) app.node.tryRemoveChild(id);
      current.forget();
      current = undefined;
    };
    for (const entry of entries) {
      if (entry.service !== current?.service) {
        releaseCurrent();
        if (entry.service !== undefined) {
          current = { service: entry.service, stacks: new Map(), forget: markTokenRegistry() };
        }
      }
      const service = entry.service === undefined ? undefined : services.get(entry.service);
      const stack = buildStack(app, entry, { config, service, backend });
      for (const dependency of entry.dependencies) {
        const before = current?.stacks.get(dependency) ?? shared.get(dependency);
        // Recorded in manifest.json for `cdktf deploy` ordering; no Terraform reference between them.
        if (before !== undefined) stack.addDependency(before);
      }
      (entry.service === undefined ? shared : (current?.stacks ?? shared)).set(entry.id, stack);
      Aspects.of(stack).add(guardrails);
      yield stack;
    }
    releaseCurrent();
  }
  return { app, count: entries.length, stacks: { [Symbol.iterator]: build } };
}

function buildStack(
  app: App,
  entry: StackEntry,
  { config, service, backend }: { config: DeliveryConfig; service?: ServiceConfig; backend: StateBackend },
): TerraformStack {
  const environment = entry.environment ?? "staging";
  switch (entry.kind) {
    case "github":
      return new GithubStack(app, entry.id, { config, service: required(service, entry), backend });
    case "environment":
      return new EnvironmentStack(app, entry.id, { config, environment, backend });
    case "service-environment":
      return new ServiceEnvironmentStack(app, entry.id, {
        config,
        environment,
        service: required(service, entry),
        backend,
      });
    case "cluster":
      return new ClusterStack(app, entry.id, { config, environment, backend });
    case "development":
      return new DevelopmentStack(app, entry.id, { config });
  }
}

function required(service: ServiceConfig | undefined, entry: StackEntry): ServiceConfig {
  if (service === undefined) {
    throw new Error(`stack ${entry.id}: no configured service '${entry.service ?? ""}'`);
  }
  return service;
}

/** The ids of `stackEntries(config, services)`, in deployment order. */
export function stackIdsOf(config: DeliveryConfig, services?: readonly string[]): string[] {
  return stackEntries(config, services).map((entry) => entry.id);
}
