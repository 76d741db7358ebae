import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { Construct } from "constructs";
import {
  CANARY_DEFAULTS,
  CANARY_METRIC_QUERIES,
  CANARY_WEBHOOK_TYPES,
  FLAGGER_API_VERSION,
  FLAGGER_GATEWAY_PROVIDER,
  flaggerDuration,
  flaggerGeneratedNames,
  type CanaryWebhookType,
} from "../../lib/domain/canary-release";
import { INSTANCE_LABEL, NAME_LABEL, NAMESPACE_NAME_LABEL, objectLabels } from "./labels";
import { HTTP_PORT_NAME, MAX_UNAVAILABLE } from "./private/web-service-deployment";

/** A Gateway the generated HTTPRoute attaches to (a Gateway API `parentRef`). */
export interface GatewayReference {
  readonly name: string;
  readonly namespace: string;
  /** The Gateway's listener. @default every listener that allows the route */
  readonly sectionName?: string;
}

/** A test Flagger calls during a release; a failing call counts as a failed check. */
export interface CanaryWebhook {
  /** Names the check in Flagger's events and the job summary (`smoke-test`). */
  readonly name: string;
  /**
   * `pre-rollout`: once, before the canary gets any traffic (smoke test: a failure rolls back at
   * once); `rollout`: at every analysis step (load test); `post-rollout`: after promotion.
   */
  readonly type: CanaryWebhookType;
  /** The endpoint Flagger posts to, such as the Flagger load tester's. */
  readonly url: string;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** Sent as the webhook's `metadata` (the load tester reads `type` and `cmd`). @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The gates a canary must pass at every step. */
export interface CanaryGates {
  /** Lowest share of non-5xx responses, in %. @default 99 */
  readonly successRatePercent?: number;
  /** Highest 99th-percentile response time, in ms. @default 500 */
  readonly latencyP99Milliseconds?: number;
  /** The window each gate measures. @default 60 */
  readonly intervalSeconds?: number;
}

export interface CanaryReleaseProps {
  /** The Terraform-owned Deployment Flagger releases, and the Service and HTTPRoute names it generates. */
  readonly name: string;
  readonly namespace: string;
  /** 1 or 0 (a Terraform expression): whether the Canary exists, as its Deployment does. @default 1 */
  readonly count?: number;
  /** The HorizontalPodAutoscaler of the Deployment, copied by Flagger for the primary. */
  readonly autoscalerName: string;
  /** The Gateways the generated HTTPRoute attaches to; at least one. */
  readonly gateways: readonly GatewayReference[];
  /** The route's host names. @default every host name of the Gateway's listener */
  readonly hosts?: readonly string[];
  /** The Prometheus the gates query, such as `http://prometheus.monitoring:9090`. */
  readonly prometheusAddress: string;
  /** The namespace Prometheus scrapes from; its pods may reach the app's port. */
  readonly prometheusNamespace: string;
  /** The namespace of the Gateway's proxy pods, the only source of user traffic. */
  readonly ingressNamespace: string;
  /** Labels of those proxy pods. @default every pod of that namespace */
  readonly ingressPodLabels?: Readonly<Record<string, string>>;
  /** The app's container port (named `http`). */
  readonly port: number;
  /** Traffic % to the canary at each step, rising, the last at most 100. @default [10, 25, 50, 100] */
  readonly stepWeights?: readonly number[];
  /** Seconds between analysis steps. @default 60 */
  readonly intervalSeconds?: number;
  /** Failed checks before Flagger rolls back. @default 3 */
  readonly failureThreshold?: number;
  /** @default success rate >= 99 %, p99 latency <= 500 ms, over 60 s */
  readonly gates?: CanaryGates;
  /** @default none */
  readonly webhooks?: readonly CanaryWebhook[];
  /** Namespaces whose pods (the load tester) may call the canary's pods. @default [] */
  readonly testerNamespaces?: readonly string[];
  /** Seconds the canary pods may take to become ready before the release is rolled back. @default 600 */
  readonly progressDeadlineSeconds?: number;
}

/**
 * A canary release of one Deployment by Flagger: the Canary (steps, gates, webhooks), the two
 * MetricTemplates of its gates on the configured Prometheus, and what Flagger does not create for
 * the primary Deployment it generates: a disruption budget and the network policies that let the
 * Gateway, Prometheus and the testers reach its pods.
 */
export class CanaryRelease extends Construct {
  readonly canary: Manifest;
  readonly metricTemplates: Readonly<Record<"successRate" | "latencyP99", Manifest>>;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    const resolved = resolveProps(props);
    const { name, namespace } = props;
    const names = flaggerGeneratedNames(name);
    const labels = objectLabels(name);

    const template = (templateId: string, templateName: string, query: string) =>
      new Manifest(this, templateId, {
        manifest: {
          apiVersion: FLAGGER_API_VERSION,
          kind: "MetricTemplate",
          metadata: { name: templateName, namespace, labels },
          spec: { provider: { type: "prometheus", address: props.prometheusAddress }, query },
        },
      });
    this.metricTemplates = {
      successRate: template("success-rate", `${name}-success-rate`, CANARY_METRIC_QUERIES.successRate),
      latencyP99: template("latency-p99", `${name}-latency-p99`, CANARY_METRIC_QUERIES.latencyP99),
    };
    const metricInterval = flaggerDuration(resolved.gates.intervalSeconds);

    this.canary = new Manifest(this, "canary", {
      manifest: {
        apiVersion: FLAGGER_API_VERSION,
        kind: "Canary",
        metadata: { name, namespace, labels },
        spec: {
          provider: FLAGGER_GATEWAY_PROVIDER,
          targetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
          autoscalerRef: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: props.autoscalerName },
          progressDeadlineSeconds: resolved.progressDeadlineSeconds,
          service: {
            // Port 80 in front of the named container port, as the rolling and blue-green Services.
            port: 80,
            targetPort: HTTP_PORT_NAME,
            portName: HTTP_PORT_NAME,
            gatewayRefs: props.gateways.map((gateway) => ({
              name: gateway.name,
              namespace: gateway.namespace,
              ...(gateway.sectionName === undefined ? {} : { sectionName: gateway.sectionName }),
            })),
            ...(props.hosts === undefined || props.hosts.length === 0 ? {} : { hosts: [...props.hosts] }),
          },
          analysis: {
            interval: flaggerDuration(resolved.intervalSeconds),
            threshold: resolved.failureThreshold,
            stepWeights: [...resolved.stepWeights],
            metrics: [
              {
                name: "request-success-rate",
                templateRef: { name: `${name}-success-rate`, namespace },
                thresholdRange: { min: resolved.gates.successRatePercent },
                interval: metricInterval,
              },
              {
                name: "request-duration-p99",
                templateRef: { name: `${name}-latency-p99`, namespace },
                thresholdRange: { max: resolved.gates.latencyP99Milliseconds },
                interval: metricInterval,
              },
            ],
            webhooks: resolved.webhooks.map((webhook) => ({
              name: webhook.name,
              type: webhook.type,
              url: webhook.url,
              timeout: flaggerDuration(webhook.timeoutSeconds ?? CANARY_DEFAULTS.webhookTimeoutSeconds),
              ...(webhook.metadata === undefined ? {} : { metadata: { ...webhook.metadata } }),
            })),
          },
        },
      },
      // The Canary references its templates by name: create them first, delete them last.
      dependsOn: [this.metricTemplates.successRate, this.metricTemplates.latencyP99],
      ...(props.count === undefined ? {} : { count: props.count }),
    });

    // Flagger gives the primary's pods `app.kubernetes.io/name: <name>-primary` (the selector
    // label with the suffix, `makePrimaryLabels` in pkg/canary/util.go) and copies every other
    // label, so `app.kubernetes.io/instance: <name>` selects the canary's and the primary's pods.
    const primaryPods = { [NAME_LABEL]: names.primary };
    const releasePods = { [INSTANCE_LABEL]: name };
    new PodDisruptionBudgetV1(this, "primary-disruption-budget", {
      metadata: { name: names.primary, namespace, labels },
      spec: {
        selector: { matchLabels: primaryPods },
        // One eviction at a time, as for every Deployment of the project (`minAvailable: 1`
        // would let a drain evict all pods but one).
        maxUnavailable: MAX_UNAVAILABLE,
      },
    });
    const from = (sourceNamespace: string) => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: sourceNamespace } },
    });
    const ports = [{ port: String(props.port), protocol: "TCP" }];
    new NetworkPolicyV1(this, "primary-ingress-policy", {
      metadata: { name: `${names.primary}-ingress`, namespace, labels },
      spec: {
        podSelector: { matchLabels: primaryPods },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              {
                ...from(props.ingressNamespace),
                ...(props.ingressPodLabels === undefined
                  ? {}
                  : { podSelector: { matchLabels: { ...props.ingressPodLabels } } }),
              },
            ],
            ports,
          },
        ],
      },
    });
    // The gates have nothing to measure unless Prometheus scrapes the canary's pods.
    new NetworkPolicyV1(this, "metrics-policy", {
      metadata: { name: `${name}-metrics`, namespace, labels },
      spec: {
        podSelector: { matchLabels: releasePods },
        policyTypes: ["Ingress"],
        ingress: [{ from: [from(props.prometheusNamespace)], ports }],
      },
    });
    if (resolved.testerNamespaces.length > 0) {
      new NetworkPolicyV1(this, "tester-policy", {
        metadata: { name: `${name}-testers`, namespace, labels },
        spec: {
          podSelector: { matchLabels: releasePods },
          policyTypes: ["Ingress"],
          ingress: [{ from: resolved.testerNamespaces.map(from), ports }],
        },
      });
    }
  }
}

/** Fills the defaults and checks every value, naming the prop, the value and what is allowed. */
function resolveProps(props: CanaryReleaseProps) {
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new Error(`CanaryRelease ${props.name}: ${field} must be ${allowed} (got ${JSON.stringify(value)})`);
  };
  const wholeIn = (field: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      fail(field, value, `a whole number from ${min} to ${max}`);
    }
  };
  const stepWeights = props.stepWeights ?? CANARY_DEFAULTS.stepWeights;
  if (stepWeights.length === 0) {
    fail("stepWeights", stepWeights, "at least one traffic percentage");
  }
  stepWeights.forEach((weight, index) => {
    wholeIn(`stepWeights[${index}]`, weight, 1, 100);
    const previous = stepWeights[index - 1];
    if (previous !== undefined && weight <= previous) {
      fail(`stepWeights[${index}]`, weight, `above the step before it (${previous})`);
    }
  });
  const intervalSeconds = props.intervalSeconds ?? CANARY_DEFAULTS.intervalSeconds;
  // Flagger runs an analysis at most every 10 seconds (GetAnalysisInterval, canary.go).
  wholeIn("intervalSeconds", intervalSeconds, 10, 3600);
  const failureThreshold = props.failureThreshold ?? CANARY_DEFAULTS.failureThreshold;
  wholeIn("failureThreshold", failureThreshold, 1, 100);
  const gates = {
    successRatePercent: props.gates?.successRatePercent ?? CANARY_DEFAULTS.successRatePercent,
    latencyP99Milliseconds: props.gates?.latencyP99Milliseconds ?? CANARY_DEFAULTS.latencyP99Milliseconds,
    intervalSeconds: props.gates?.intervalSeconds ?? CANARY_DEFAULTS.metricIntervalSeconds,
  };
  if (!(gates.successRatePercent > 0 && gates.successRatePercent <= 100)) {
    fail("gates.successRatePercent", gates.successRatePercent, "a percentage above 0 and at most 100");
  }
  if (!(gates.latencyP99Milliseconds > 0)) {
    fail("gates.latencyP99Milliseconds", gates.latencyP99Milliseconds, "a number of milliseconds above 0");
  }
  wholeIn("gates.intervalSeconds", gates.intervalSeconds, 10, 3600);
  const progressDeadlineSeconds = props.progressDeadlineSeconds ?? CANARY_DEFAULTS.progressDeadlineSeconds;
  wholeIn("progressDeadlineSeconds", progressDeadlineSeconds, 60, 3600);
  if (props.gateways.length === 0) {
    fail("gateways", props.gateways, "at least one Gateway for the generated HTTPRoute");
  }
  if (!/^https?:\/\/[^\s/]+/.test(props.prometheusAddress)) {
    fail("prometheusAddress", props.prometheusAddress, "an http(s) URL such as 'http://prometheus.monitoring:9090'");
  }
  const webhooks = props.webhooks ?? [];
  const seen = new Set<string>();
  webhooks.forEach((webhook, index) => {
    if (!(CANARY_WEBHOOK_TYPES as readonly string[]).includes(webhook.type)) {
      fail(`webhooks[${index}].type`, webhook.type, `one of ${CANARY_WEBHOOK_TYPES.join(", ")}`);
    }
    if (!/^https?:\/\/\S+$/.test(webhook.url)) {
      fail(`webhooks[${index}].url`, webhook.url, "an http(s) URL");
    }
    if (seen.has(webhook.name)) {
      fail(`webhooks[${index}].name`, webhook.name, "unique among the webhooks");
    }
    seen.add(webhook.name);
    wholeIn(
      `webhooks[${index}].timeoutSeconds`,
      webhook.timeoutSeconds ?? CANARY_DEFAULTS.webhookTimeoutSeconds,
      1,
      3600,
    );
  });
  return {
    stepWeights,
    intervalSeconds,
    failureThreshold,
    gates,
    progressDeadlineSeconds,
    webhooks,
    testerNamespaces: [...new Set(props.testerNamespaces ?? [])].sort(),
  };
}
