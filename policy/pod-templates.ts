import type { SynthesizedStack, TerraformBlock } from "./synthesized-stack";
import { blocks, mapAt, nested, stringAt, type JsonObject } from "../lib/terraform-json/terraform-json";

/** A container of a pod template. */
export interface PodContainer {
  /** `container 'app'` or `init container 'migrate'`, for messages. */
  readonly label: string;
  readonly init: boolean;
  readonly body: JsonObject;
}

/** The pod template of a workload resource. */
export interface PodTemplate {
  readonly workload: TerraformBlock;
  /** The pod spec (`spec.template.spec` of a Deployment). */
  readonly spec: JsonObject;
  /** The labels its pods get. */
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly PodContainer[];
  /** Whether its pods serve until replaced (Deployments, ...), rather than run to completion (Jobs). */
  readonly longRunning: boolean;
}

/** Where each workload type of the Kubernetes provider keeps its pod template. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, { path: readonly string[]; longRunning: boolean }>> = {
  kubernetes_deployment: { path: ["spec", "template"], longRunning: true },
  kubernetes_deployment_v1: { path: ["spec", "template"], longRunning: true },
  kubernetes_stateful_set: { path: ["spec", "template"], longRunning: true },
  kubernetes_stateful_set_v1: { path: ["spec", "template"], longRunning: true },
  kubernetes_daemonset: { path: ["spec", "template"], longRunning: true },
  kubernetes_daemon_set_v1: { path: ["spec", "template"], longRunning: true },
  kubernetes_replication_controller: { path: ["spec", "template"], longRunning: true },
  kubernetes_replication_controller_v1: { path: ["spec", "template"], longRunning: true },
  kubernetes_job: { path: ["spec", "template"], longRunning: false },
  kubernetes_job_v1: { path: ["spec", "template"], longRunning: false },
  kubernetes_cron_job: { path: ["spec", "job_template", "spec", "template"], longRunning: false },
  kubernetes_cron_job_v1: { path: ["spec", "job_template", "spec", "template"], longRunning: false },
  // A bare pod has no template: its metadata and spec are the pod's own.
  kubernetes_pod: { path: [], longRunning: true },
  kubernetes_pod_v1: { path: [], longRunning: true },
};

export const DEPLOYMENT_TYPES = ["kubernetes_deployment", "kubernetes_deployment_v1"] as const;

/** Every pod template the stack's workload resources declare, in address order. */
export function podTemplatesOf(stack: SynthesizedStack): PodTemplate[] {
  return stack.resources(...Object.keys(POD_TEMPLATE_PATHS)).flatMap((workload) => {
    const { path, longRunning } = POD_TEMPLATE_PATHS[workload.type] ?? { path: [], longRunning: true };
    const template = path.length === 0 ? workload.body : nested(workload.body, ...path);
    const spec = nested(template, "spec");
    if (spec === undefined) {
      return [];
    }
    const containers = [
      ...blocks(spec.init_container).map((body) => ({
        label: `init container '${stringAt(body, "name") ?? "?"}'`,
        init: true,
        body,
      })),
      ...blocks(spec.container).map((body) => ({
        label: `container '${stringAt(body, "name") ?? "?"}'`,
        init: false,
        body,
      })),
    ];
    return [{ workload, spec, labels: mapAt(nested(template, "metadata"), "labels"), containers, longRunning }];
  });
}
