import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { Construct } from "constructs";
import type { WebServiceWorkload } from "../web-service-workload";
import type {
  Autoscaling,
  HealthPaths,
  ReplicaRange,
  ResourceAmounts,
  Shutdown,
} from "../../../lib/domain/service-defaults";
import { objectLabels } from "../labels";
import { apiResourceNames } from "../resource-amounts";

/** The non-root identity every container runs as (the image's user, uid and gid 1000). */
export const APP_USER_ID = 1000;

/** The container port's name: probes, the Service and the pre-stop hook refer to it. */
export const HTTP_PORT_NAME = "http";

/**
 * Probe timing for a Python web service: imports and settings validation can take tens of seconds
 * on a cold node, so the startup probe allows three minutes before the kubelet gives up; once the
 * app is up, liveness and readiness react within about 30 and 15 seconds.
 */
export const PROBE_TIMING = {
  startup: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 36 },
  readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
  liveness: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
} as const;

/** Evictions a PodDisruptionBudget allows at once. */
export const MAX_UNAVAILABLE = "1";

/** The header that tells an app-implemented drain endpoint how long to hold the pre-stop request. */
export const DRAIN_SECONDS_HEADER = "X-Drain-Seconds";

/** What WebService resolved and validated for one Deployment; every field is required here. */
export interface WebServiceDeploymentProps {
  readonly serviceName: string;
  /** The Deployment's (and its autoscaler's and disruption budget's) name. */
  readonly name: string;
  readonly namespace: string;
  /** The Deployment's selector; immutable once created, so fixed per colour. */
  readonly selector: Readonly<Record<string, string>>;
  readonly image: string;
  /** 1 or 0 (a Terraform expression): whether this Deployment, its autoscaler and budget exist. */
  readonly count?: number;
  readonly port: number;
  readonly healthPaths: HealthPaths;
  readonly resources: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  readonly replicas: ReplicaRange;
  /** The autoscaler's floor; a Terraform expression within `replicas`. @default replicas.min */
  readonly minReplicas?: number;
  /** Spread across nodes required (production) or only preferred. */
  readonly spread: "required" | "preferred";
  readonly autoscaling: Autoscaling;
  readonly shutdown: Shutdown;
  /** The image's Python interpreter, for the pre-stop sleep (the image has no shell and no `sleep`). */
  readonly interpreter: string;
  readonly serviceAccountName: string;
  /** @default no ConfigMap in the environment */
  readonly configMapName?: string;
  /** @default no Secret in the environment */
  readonly secretName?: string;
  /** @default no image pull Secret */
  readonly pullSecretName?: string;
  readonly podAnnotations: Readonly<Record<string, string>>;
}

/**
 * One Deployment of a web service with its HorizontalPodAutoscaler and PodDisruptionBudget: the
 * unit a rolling service has once and a blue-green service has per colour. Internal to WebService,
 * which validates the props.
 */
export class WebServiceDeployment extends Construct implements WebServiceWorkload {
  readonly deployment: DeploymentV1;
  readonly autoscaler: HorizontalPodAutoscalerV2;
  readonly disruptionBudget: PodDisruptionBudgetV1;

  constructor(scope: Construct, id: string, props: WebServiceDeploymentProps) {
    super(scope, id);
    const labels = { ...objectLabels(props.serviceName), ...props.selector };
    const probe = (path: string) => ({ httpGet: { path, port: HTTP_PORT_NAME, scheme: "HTTP" } });
    const spreadOver = (topologyKey: string, whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway") => ({
      topologyKey,
      maxSkew: 1,
      whenUnsatisfiable,
      labelSelector: [{ matchLabels: { ...props.selector } }],
      // Spread each ReplicaSet on its own, so that a rollout's new pods are spread too.
      matchLabelKeys: ["pod-template-hash"],
      // Cordoned and tainted nodes cannot take pods; counting them would block scheduling.
      nodeTaintsPolicy: "Honor",
    });

    // Objects of a workload without an image yet have no instance; their names are literal,
    // because an attribute reference to a counted resource would need an index.
    const count = props.count;
    this.deployment = new DeploymentV1(this, "deployment", {
      count,
      metadata: { name: props.name, namespace: props.namespace, labels },
      // Fail the apply when the new pods do not become ready (their probes fail) in time.
      waitForRollout: true,
      spec: {
        // No `replicas`: the autoscaler owns the count. The provider's `replicas` is optional and
        // computed, so leaving it out neither resets the count on apply nor shows a diff.
        selector: { matchLabels: { ...props.selector } },
        strategy: {
          type: "RollingUpdate",
          // Never below the current count during a rollout: one extra pod at a time instead.
          rollingUpdate: { maxUnavailable: "0", maxSurge: "1" },
        },
        template: {
          metadata: { labels, annotations: { ...props.podAnnotations } },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            // Service links would add `<SERVICE>_PORT=tcp://...` variables that the app's
            // settings loader could mistake for its own configuration.
            enableServiceLinks: false,
            terminationGracePeriodSeconds: props.shutdown.terminationGracePeriodSeconds,
            ...(props.pullSecretName === undefined ? {} : { imagePullSecrets: [{ name: props.pullSecretName }] }),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(APP_USER_ID),
              runAsGroup: String(APP_USER_ID),
              fsGroup: String(APP_USER_ID),
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraint: [
              // Required: two pods of a Deployment never share a node, so a node failure or drain
              // takes one. Preferred (staging): a small cluster still schedules every pod.
              spreadOver("kubernetes.io/hostname", props.spread === "required" ? "DoNotSchedule" : "ScheduleAnyway"),
              // Zones are preferred, not required: clusters with one zone must still schedule.
              spreadOver("topology.kubernetes.io/zone", "ScheduleAnyway"),
            ],
            container: [
              {
                name: props.serviceName,
                image: props.image,
                // Digest-pinned references never change content, so a cached image is the same image.
                imagePullPolicy: "IfNotPresent",
                port: [{ name: HTTP_PORT_NAME, containerPort: props.port, protocol: "TCP" }],
                envFrom: [
                  ...(props.configMapName === undefined ? [] : [{ configMapRef: { name: props.configMapName } }]),
                  ...(props.secretName === undefined ? [] : [{ secretRef: { name: props.secretName } }]),
                ],
                resources: {
                  requests: apiResourceNames(props.resources.requests),
                  limits: apiResourceNames(props.resources.limits),
                },
                startupProbe: { ...probe(props.healthPaths.startup), ...PROBE_TIMING.startup },
                readinessProbe: { ...probe(props.healthPaths.readiness), ...PROBE_TIMING.readiness },
                livenessProbe: { ...probe(props.healthPaths.liveness), ...PROBE_TIMING.liveness },
                ...(props.shutdown.drainSeconds === 0 ? {} : { lifecycle: { preStop: [preStop(props)] } }),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  privileged: false,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            // The only writable path; bounded so a runaway temp file evicts the pod, not the node.
            volume: [{ name: "tmp", emptyDir: { sizeLimit: props.resources.limits.ephemeralStorage } }],
          },
        },
      },
    });

    const memoryTarget = props.autoscaling.targetMemoryUtilizationPercent;
    this.autoscaler = new HorizontalPodAutoscalerV2(this, "autoscaler", {
      count,
      dependsOn: [this.deployment],
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: props.name },
        minReplicas: props.minReplicas ?? props.replicas.min,
        maxReplicas: props.replicas.max,
        // CPU leads: a Python process's memory grows with its caches and rarely falls back, so a
        // memory target would hold the Deployment at its maximum. Memory only where configured.
        metric: [
          utilization("cpu", props.autoscaling.targetCpuUtilizationPercent),
          ...(memoryTarget === undefined ? [] : [utilization("memory", memoryTarget)]),
        ],
        behavior: {
          scaleDown: [
            {
              stabilizationWindowSeconds: props.autoscaling.scaleDownStabilizationSeconds,
              // Kubernetes' default policy; the provider requires one to set the window.
              selectPolicy: "Max",
              policy: [{ type: "Percent", value: 100, periodSeconds: 15 }],
            },
          ],
        },
      },
    });

    // `unhealthyPodEvictionPolicy: AlwaysAllow` (evict running-but-unready pods even when the
    // budget is exhausted) is not in provider 2.38's schema; Kubernetes' default IfHealthyBudget
    // applies, so a Deployment whose pods are all unready can hold up a node drain.
    this.disruptionBudget = new PodDisruptionBudgetV1(this, "disruption-budget", {
      count,
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        selector: { matchLabels: { ...props.selector } },
        // At most one pod of the Deployment is evicted at a time, whatever its size: a node
        // drain waits for the replacement to be ready before the next eviction. (`minAvailable:
        // 1` would let a drain evict all pods but one.) With a single replica this lets that pod
        // move instead of blocking the drain forever.
        maxUnavailable: MAX_UNAVAILABLE,
      },
    });
  }
}

/**
 * Without an app-implemented drain endpoint, the image's own interpreter sleeps (exec form, no
 * shell). An `httpGet` answered with 404 would count as success and SIGTERM would follow at once.
 */
function preStop(props: WebServiceDeploymentProps) {
  const seconds = props.shutdown.drainSeconds;
  if (props.shutdown.drainPath !== undefined) {
    return {
      httpGet: {
        path: props.shutdown.drainPath,
        port: HTTP_PORT_NAME,
        scheme: "HTTP",
        httpHeader: [{ name: DRAIN_SECONDS_HEADER, value: String(seconds) }],
      },
    };
  }
  return { exec: { command: [props.interpreter, "-c", `import time; time.sleep(${seconds})`] } };
}

function utilization(resource: "cpu" | "memory", averageUtilization: number) {
  return { type: "Resource", resource: { name: resource, target: { type: "Utilization", averageUtilization } } };
}
