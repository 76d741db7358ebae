/**
 * Facts of canary releases driven by Flagger (https://github.com/fluxcd/flagger), the
 * progressive-delivery engine a `canary` environment expects in its cluster. Every Flagger
 * behaviour named here is read from its sources at this release.
 */
export const FLAGGER_RELEASE = "v1.44.0";

/** The API group/version of Flagger's Canary and MetricTemplate (`pkg/apis/flagger/v1beta1`). */
export const FLAGGER_API_VERSION = "flagger.app/v1beta1";

/**
 * Flagger routes through the Gateway API HTTPRoute it generates for each Canary
 * (`pkg/router/gateway_api.go`); `gatewayapi:v1` selects that router per Canary, whatever the
 * installation's default mesh provider (`cmd/flagger/main.go`, `-mesh-provider`).
 */
export const FLAGGER_GATEWAY_PROVIDER = "gatewayapi:v1";

/**
 * Flagger names what it generates after the target Deployment (`pkg/canary/deployment_controller.go`):
 * `<name>-primary` serves the promoted release; the target itself (scaled to zero between
 * releases) runs the canary. Services `<name>`, `<name>-primary` and `<name>-canary` and the
 * HTTPRoute `<name>` are generated too (`pkg/router/kubernetes_default.go`, `gateway_api.go`).
 */
export const PRIMARY_SUFFIX = "-primary";
export const CANARY_SUFFIX = "-canary";

/** The names Flagger creates for a Canary whose target Deployment and service are `name`. */
export function flaggerGeneratedNames(name: string): { primary: string; canary: string; apex: string } {
  return { apex: name, primary: `${name}${PRIMARY_SUFFIX}`, canary: `${name}${CANARY_SUFFIX}` };
}

/**
 * Defaults of a canary release: traffic to the new release in steps of 10, 25, 50 and 100 %
 * (GitLab Auto DevOps' incremental rollout), one analysis per minute, and Flagger's built-in gates
 * (`docs/gitbook/usage/metrics.md`): request success rate of at least 99 % and p99 latency of at
 * most 500 ms, each over the last minute.
 */
export const CANARY_DEFAULTS = {
  stepWeights: [10, 25, 50, 100],
  intervalSeconds: 60,
  /**
   * Failed checks before Flagger rolls back. Three at one-minute intervals: one noisy minute
   * does not abort a release, and a bad one is rolled back within three minutes.
   */
  failureThreshold: 3,
  successRatePercent: 99,
  latencyP99Milliseconds: 500,
  metricIntervalSeconds: 60,
  /** Flagger's own default (`pkg/apis/flagger/v1beta1/canary.go`): how long the canary pods may take to become ready. */
  progressDeadlineSeconds: 600,
  /** How long Flagger waits for a webhook's answer before the call counts as a failed check. */
  webhookTimeoutSeconds: 60,
} as const;

/**
 * The queries of Flagger's built-in gates for the Gateway API and Kubernetes providers
 * (`pkg/metrics/observers/http.go` at v1.44.0): the app's own `http_request_duration_seconds`
 * histogram, scraped with the `kubernetes_namespace` and `kubernetes_pod_name` labels, over the
 * canary's pods only (`{{ target }}-<replicaset>-<pod>`; the primary's `<target>-primary-...` pods
 * do not match the anchored pattern). As MetricTemplates they read the Prometheus the config names;
 * the latency is in milliseconds (the built-in check multiplies by 1000 the same way).
 */
export const CANARY_METRIC_QUERIES = {
  successRate: `sum(
  rate(
    http_request_duration_seconds_count{
      kubernetes_namespace="{{ namespace }}",
      kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",
      status!~"5.*"
    }[{{ interval }}]
  )
)
/
sum(
  rate(
    http_request_duration_seconds_count{
      kubernetes_namespace="{{ namespace }}",
      kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
    }[{{ interval }}]
  )
)
* 100`,
  latencyP99: `histogram_quantile(
  0.99,
  sum(
    rate(
      http_request_duration_seconds_bucket{
        kubernetes_namespace="{{ namespace }}",
        kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
      }[{{ interval }}]
    )
  ) by (le)
)
* 1000`,
} as const;

/** The webhook types that test a release: before any traffic, or at every analysis step. */
export const CANARY_WEBHOOK_TYPES = ["pre-rollout", "rollout", "post-rollout"] as const;
export type CanaryWebhookType = (typeof CANARY_WEBHOOK_TYPES)[number];

/** A Flagger duration (`^[0-9]+(m|s)` in the CRD): whole minutes as `Nm`, else seconds. */
export function flaggerDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}
