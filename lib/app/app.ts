import { App, Aspects, TerraformStack } from "cdktf";
import { Guardrails } from "../../policy";
import { ClusterStack } from "../../stacks/cluster-stack";
import { DevelopmentStack } from "../../stacks/development-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { GithubStack } from "../../stacks/github-stack";
import type { StateBackend } from "../../stacks/state-backend";
import type { DeliveryConfig } from "../config";
import { ENVIRONMENT_NAMES } from "../domain";

/**
 * The stacks a pipeline or Terraform Cloud deploys, in deployment order. Their ids name workspaces
 * and `cdktf deploy <id>`: a contract.
 */
export const DEPLOYED_STACK_IDS = ["github", ...ENVIRONMENT_NAMES] as const;

/**
 * The stacks a cluster administrator applies with a cluster-level credential, one per environment,
 * before that environment's first deploy: its namespace and the Role the pipeline deploys with.
 */
export const CLUSTER_STACK_IDS = ["staging-cluster", "production-cluster"] as const;

/**
 * Every stack: the deployed ones, the cluster ones, and `development`, which runs on a
 * developer's machine with local state.
 */
export const STACK_IDS = [...DEPLOYED_STACK_IDS, ...CLUSTER_STACK_IDS, "development"] as const;
export type StackId = (typeof STACK_IDS)[number];

export interface DeliveryAppOptions {
  /** Where `synth()` writes. @default "cdktf.out" (or `CDKTF_OUTDIR`, which the cdktf CLI sets) */
  readonly outdir?: string;
  /** Terraform Cloud settings; local state files when absent. @default local state */
  readonly terraformCloud?: {
    readonly organization: string;
    /** @default "app.terraform.io" */
    readonly hostname?: string;
  };
}

/** Builds every stack from a validated configuration. Reads no file and no environment variable. */
export function buildDeliveryApp(config: DeliveryConfig, options: DeliveryAppOptions = {}): App {
  // skipBackendValidation: cdktf would otherwise warn about local state; the backend is explicit.
  // stackTraces: annotations are copied into manifest.json, and traces hold this machine's paths.
  const app = new App({ outdir: options.outdir, skipBackendValidation: true, stackTraces: false });
  const backend: StateBackend = options.terraformCloud
    ? { kind: "cloud", ...options.terraformCloud, workspacePrefix: config.terraformCloud.workspacePrefix }
    : { kind: "local" };

  new GithubStack(app, "github", { config, backend });
  for (const environment of ENVIRONMENT_NAMES) {
    new EnvironmentStack(app, environment, { config, environment, backend });
  }
  for (const environment of ENVIRONMENT_NAMES) {
    new ClusterStack(app, `${environment}-cluster`, { config, environment, backend });
  }
  new DevelopmentStack(app, "development", { config });

  // The guardrails check every stack's synthesized JSON; an error finding fails synth.
  const guardrails = new Guardrails({
    suppressions: config.policy.suppressions,
    productionStacks: ["production", "production-cluster"],
  });
  for (const stack of app.node.children.filter((child) => TerraformStack.isStack(child))) {
    Aspects.of(stack).add(guardrails);
  }
  return app;
}
