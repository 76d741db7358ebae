import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { parseQuantity } from "../../lib/domain/quantity";
import {
  SERVICE_DEFAULTS,
  SERVICE_LIMITS,
  type Autoscaling,
  type HealthPaths,
  type ReplicaRange,
  type Shutdown,
} from "../../lib/domain/service-defaults";
import { DEPLOYMENT_COLORS, type DeploymentColor } from "../../lib/domain/environments";
import {
  gracefulShutdownSeconds,
  PRODUCTION_INTERPRETER,
  SHUTDOWN_MARGIN_SECONDS,
} from "../../lib/domain/python-runtime";
import { ActiveColorVariable } from "./active-color-variable";
import { ServiceRoute, SERVICE_PORT } from "./service-route";
import { COLOR_LABEL, deploymentSelector, NAMESPACE_NAME_LABEL, objectLabels, serviceSelector } from "./labels";
import { requireQuantities, type ResourceAmounts } from "./resource-amounts";
import { WarmStandby } from "./warm-standby";
import { HTTP_PORT_NAME, WebServiceDeployment, type WebServiceDeploymentProps } from "./private/web-service-deployment";
import type { WebServiceWorkload } from "./web-service-workload";

/** The annotation that rolls the pods when the service's non-secret settings change. */
export const SETTINGS_CHECKSUM_ANNOTATION = "delivery-pipeline/settings-checksum";

/**
 * The image a Deployment runs: `repository@sha256:...` (a digest, never a tag), and whether there
 * is one yet. A workload whose image variable is still empty has `count` 0: its Deployment,
 * autoscaler and disruption budget have no instance, and nothing falls back to a tag.
 */
export interface WorkloadImage {
  readonly reference: string;
  /** 1 or 0, usually a Terraform expression. @default 1 */
  readonly count?: number;
}

/** One Deployment, updated in place pod by pod. */
export interface RollingRollout {
  readonly strategy: "rolling";
  /** `repository@sha256:...`: a digest, never a tag. */
  readonly image: string | WorkloadImage;
}

/**
 * Two Deployments, `<name>-blue` and `<name>-green`, both kept ready; the Service routes to one.
 * A release goes to the idle colour; switching and rolling back each change one variable.
 */
export interface BlueGreenRollout {
  readonly strategy: "blue-green";
  /** The image of each colour, `repository@sha256:...`. */
  readonly images: Readonly<Record<DeploymentColor, string | WorkloadImage>>;
  /** The colour that receives traffic while the active-colour variable is empty. */
  readonly defaultActiveColor: DeploymentColor;
}

/**
 * One Deployment released by Flagger (see `CanaryRelease`): Terraform owns it, its autoscaler and
 * budget; Flagger runs it as the canary and generates the Services (`<name>`, `<name>-primary`,
 * `<name>-canary`) itself, rewriting any Service of those names, so none is created here.
 */
export interface CanaryRollout {
  readonly strategy: "canary";
  /** `repository@sha256:...`: a digest, never a tag. */
  readonly image: string | WorkloadImage;
}

export interface WebServiceProps {
  /** The service's name: a DNS label; names the Deployment(s), Service and ServiceAccount. */
  readonly name: string;
  readonly namespace: string;
  readonly rollout: RollingRollout | BlueGreenRollout | CanaryRollout;
  /** The port the app listens on. @default 8000 */
  readonly port?: number;
  /** @default startup `/health`, readiness `/readiness`, liveness `/liveness` */
  readonly healthPaths?: Partial<HealthPaths>;
  /** @default requests 250m / 256Mi / 64Mi, limits 1 / 512Mi / 256Mi (cpu / memory / ephemeral storage) */
  readonly resources?: {
    readonly requests?: Partial<ResourceAmounts>;
    readonly limits?: Partial<ResourceAmounts>;
  };
  /** Autoscaling bounds of each Deployment. @default { min: 2, max: 10 } */
  readonly replicas?: ReplicaRange;
  /** @default CPU 70 %, no memory target (CPU leads for a Python service), scale-down stabilisation 300 s */
  readonly autoscaling?: Partial<Autoscaling>;
  /**
   * @default grace period 30 s, pre-stop drain of 10 s in which the image's interpreter sleeps
   * (no app endpoint needed); `drainPath` opts in to an app-implemented drain endpoint instead
   */
  readonly shutdown?: Partial<Shutdown>;
  /** The production image's interpreter, which runs the pre-stop sleep. @default PRODUCTION_INTERPRETER */
  readonly interpreter?: string;
  /**
   * Spreading a Deployment's pods over nodes: `required` (no two on one node, so a node failure
   * or drain takes at most one) or `preferred`. Zones are always preferred. @default "required"
   */
  readonly spread?: "required" | "preferred";
  /** Where the service's traffic comes from, and the route this project creates for it. */
  readonly routing: ServiceRouting;
  /** A ConfigMap whose entries become environment variables. @default none */
  readonly configMapName?: string;
  /** A Secret whose entries become environment variables. @default none */
  readonly secretName?: string;
  /** Digest of the ConfigMap's content; a change rolls the pods. @default none */
  readonly settingsChecksum?: string;
  /** The image pull Secret. @default none (public images) */
  readonly pullSecretName?: string;
}

/**
 * How traffic reaches the service: the controller whose pods alone may connect (the
 * NetworkPolicy admits exactly them), and the route to create for the public URL.
 */
export interface ServiceRouting {
  /** The namespace of the controller's proxy pods (for Gateway API: the data plane's). */
  readonly controllerNamespace: string;
  /** Labels of the proxy pods. @default every pod of the namespace */
  readonly controllerPodLabels?: Readonly<Record<string, string>>;
  /** The route of the public URL. @default none: no route, the service is reached inside the cluster only */
  readonly route?: HttpRouteSpec | IngressSpec;
}

/** A Gateway API HTTPRoute attached to a Gateway the platform runs; TLS terminates at its listener. */
export interface HttpRouteSpec {
  readonly kind: "gateway";
  /** The host name of the public URL. */
  readonly host: string;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** The Gateway listener (for example the HTTPS one). @default every listener that admits the route */
  readonly sectionName?: string;
}

/** A networking.k8s.io/v1 Ingress with TLS from a named Secret or a cert-manager issuer. */
export interface IngressSpec {
  readonly kind: "ingress";
  readonly host: string;
  readonly className: string;
  /** @default no TLS (only for http:// URLs) */
  readonly tls?: {
    /** The Secret holding the certificate. @default `<service>-tls` (written by cert-manager when an issuer is set) */
    readonly secretName?: string;
    /** A cert-manager ClusterIssuer (`cert-manager.io/cluster-issuer`). @default none */
    readonly clusterIssuer?: string;
  };
}

/**
 * A hardened, autoscaled HTTP service: a ServiceAccount without API token, the Deployment(s)
 * with probes, non-root read-only containers and graceful shutdown, a ClusterIP Service on the
 * named port, the route of its public URL, and the NetworkPolicy that lets the route's controller
 * (and nothing else) reach it.
 */
export class WebService extends Construct {
  readonly serviceAccount: ServiceAccountV1;
  /** The ClusterIP Service `<name>`; none with a canary rollout (Flagger generates it). */
  readonly service?: ServiceV1;
  /** The Deployments by colour; a rolling service has one, under "main". */
  readonly deployments: Readonly<Record<string, WebServiceWorkload>>;
  /** Per-colour Services for verifying a colour before it takes traffic (blue-green only). */
  readonly previewServices: Readonly<Record<string, ServiceV1>>;
  /** The route of the public URL, when there is one. */
  readonly route?: ServiceRoute;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const resolved = resolveProps(props);
    const { name, namespace } = props;
    const port = resolved.port;

    this.serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name, namespace, labels: objectLabels(name) },
      automountServiceAccountToken: false,
    });

    const podAnnotations: Record<string, string> =
      props.settingsChecksum === undefined ? {} : { [SETTINGS_CHECKSUM_ANNOTATION]: props.settingsChecksum };
    const deploymentProps = (
      deploymentName: string,
      selector: Record<string, string>,
      image: WorkloadImage,
      minReplicas?: number,
    ): WebServiceDeploymentProps => ({
      serviceName: name,
      name: deploymentName,
      namespace,
      selector,
      image: image.reference,
      count: image.count,
      port,
      healthPaths: resolved.healthPaths,
      resources: resolved.resources,
      replicas: resolved.replicas,
      minReplicas,
      spread: resolved.spread,
      autoscaling: resolved.autoscaling,
      shutdown: resolved.shutdown,
      interpreter: resolved.interpreter,
      serviceAccountName: this.serviceAccount.metadata.name,
      configMapName: props.configMapName,
      secretName: props.secretName,
      pullSecretName: props.pullSecretName,
      podAnnotations,
    });

    // Port 80 in front of the named container port: routes need not know the app's port.
    const servicePorts = [{ name: HTTP_PORT_NAME, port: SERVICE_PORT, targetPort: HTTP_PORT_NAME, protocol: "TCP" }];
    const clusterService = (serviceId: string, serviceName: string, selector: Record<string, string>) =>
      new ServiceV1(this, serviceId, {
        metadata: { name: serviceName, namespace, labels: objectLabels(name) },
        spec: { type: "ClusterIP", selector, port: servicePorts },
      });

    const rollout = props.rollout;
    if (rollout.strategy !== "blue-green") {
      const selector = deploymentSelector(name);
      this.deployments = {
        main: new WebServiceDeployment(
          this,
          "deployment",
          deploymentProps(name, selector, workloadImage(rollout.image)),
        ),
      };
      this.previewServices = {};
      if (rollout.strategy === "rolling") {
        this.service = clusterService("service", name, serviceSelector(name));
      }
    } else {
      const deployments: Record<string, WebServiceDeployment> = {};
      const previews: Record<string, ServiceV1> = {};
      // Both colours share one floor: the configured minimum, held at the live size during a
      // deployment and its rollback window (so the new colour takes the traffic at the same size
      // and the previous one stays warm).
      const floor = new WarmStandby(this, "warm-standby", { serviceName: name, namespace }).floorWithin(
        resolved.replicas.min,
        resolved.replicas.max,
      );
      for (const color of DEPLOYMENT_COLORS) {
        const selector = deploymentSelector(name, color);
        deployments[color] = new WebServiceDeployment(
          this,
          color,
          deploymentProps(`${name}-${color}`, selector, workloadImage(rollout.images[color]), floor),
        );
        previews[color] = clusterService(`preview-${color}`, `${name}-${color}`, selector);
      }
      this.deployments = deployments;
      this.previewServices = previews;
      // The live colour changes only here, by the active-colour variable: an image variable
      // changes what one colour runs, never which colour serves.
      const activeColor = ActiveColorVariable.of(this, name).colorOr(rollout.defaultActiveColor);
      this.service = clusterService("service", name, { ...serviceSelector(name), [COLOR_LABEL]: activeColor });
    }

    const routing = props.routing;
    // A canary's HTTPRoute is Flagger's: it generates `<name>` with the canary's weights.
    if (routing.route !== undefined && rollout.strategy !== "canary") {
      // The route sends traffic to the one Service whose selector the blue-green switch flips.
      this.route = new ServiceRoute(this, "route", {
        serviceName: name,
        namespace,
        backendService: name,
        backendPort: SERVICE_PORT,
        route: routing.route,
      });
    }

    // Egress is listed without a rule: the pods are isolated for egress by this policy alone, so
    // they are never open while the namespace's baseline is missing (it is another stack's), and
    // that baseline's allowances (DNS, the listed destinations) still add up with this one:
    // https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
    new NetworkPolicyV1(this, "ingress-policy", {
      metadata: { name: `${name}-ingress`, namespace, labels: objectLabels(name) },
      spec: {
        podSelector: { matchLabels: serviceSelector(name) },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: routing.controllerNamespace } },
                ...(routing.controllerPodLabels === undefined
                  ? {}
                  : { podSelector: { matchLabels: { ...routing.controllerPodLabels } } }),
              },
            ],
            ports: [{ port: String(port), protocol: "TCP" }],
          },
        ],
      },
    });
  }
}

function workloadImage(image: string | WorkloadImage): WorkloadImage {
  return typeof image === "string" ? { reference: image } : image;
}

/** Fills the defaults and checks every value, naming the prop, the value and what is allowed. */
function resolveProps(props: WebServiceProps) {
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new Error(`WebService ${props.name}: ${field} must be ${allowed} (got ${JSON.stringify(value)})`);
  };
  const within = (value: number, range: { readonly min: number; readonly max: number }) =>
    Number.isInteger(value) && value >= range.min && value <= range.max;
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(props.name) || props.name.length > SERVICE_LIMITS.nameLength) {
    fail("name", props.name, `a DNS-1123 label of at most ${SERVICE_LIMITS.nameLength} characters`);
  }
  const port = props.port ?? SERVICE_DEFAULTS.port;
  if (!within(port, SERVICE_LIMITS.port)) {
    fail("port", port, `an integer from ${SERVICE_LIMITS.port.min} to ${SERVICE_LIMITS.port.max}`);
  }
  const healthPaths = { ...SERVICE_DEFAULTS.healthPaths, ...props.healthPaths };
  const shutdown: Shutdown = { ...SERVICE_DEFAULTS.shutdown, ...props.shutdown };
  for (const [field, path] of [
    ...Object.entries(healthPaths).map(([key, value]) => [`healthPaths.${key}`, value] as const),
    ...(shutdown.drainPath === undefined ? [] : [["shutdown.drainPath", shutdown.drainPath] as const]),
  ]) {
    if (!/^\/\S*$/.test(path)) {
      fail(field, path, "an HTTP path starting with '/'");
    }
  }
  for (const key of ["terminationGracePeriodSeconds", "drainSeconds"] as const) {
    const range = SERVICE_LIMITS[key];
    if (!within(shutdown[key], range)) {
      fail(`shutdown.${key}`, shutdown[key], `a whole number of seconds from ${range.min} to ${range.max}`);
    }
  }
  if (gracefulShutdownSeconds(shutdown) < 1) {
    fail(
      "shutdown.drainSeconds",
      shutdown.drainSeconds,
      `at most shutdown.terminationGracePeriodSeconds - ${SHUTDOWN_MARGIN_SECONDS + 1} (${shutdown.terminationGracePeriodSeconds - SHUTDOWN_MARGIN_SECONDS - 1}), leaving the app at least one second after SIGTERM and a ${SHUTDOWN_MARGIN_SECONDS} s margin`,
    );
  }

  const resources = {
    requests: { ...SERVICE_DEFAULTS.resources.requests, ...props.resources?.requests },
    limits: { ...SERVICE_DEFAULTS.resources.limits, ...props.resources?.limits },
  };
  requireQuantities(`WebService ${props.name}: resources.requests`, resources.requests);
  requireQuantities(`WebService ${props.name}: resources.limits`, resources.limits);
  for (const key of ["cpu", "memory", "ephemeralStorage"] as const) {
    if ((parseQuantity(resources.limits[key]) ?? 0) < (parseQuantity(resources.requests[key]) ?? 0)) {
      fail(`resources.limits.${key}`, resources.limits[key], `at least the request (${resources.requests[key]})`);
    }
  }

  const replicas: ReplicaRange = props.replicas ?? SERVICE_DEFAULTS.replicas;
  const ceiling = SERVICE_LIMITS.replicas.max;
  if (!within(replicas.min, { min: SERVICE_LIMITS.replicas.min, max: ceiling })) {
    fail("replicas.min", replicas.min, `a whole number from ${SERVICE_LIMITS.replicas.min} to ${ceiling}`);
  }
  if (!within(replicas.max, { min: replicas.min, max: ceiling })) {
    fail("replicas.max", replicas.max, `a whole number from replicas.min (${replicas.min}) to ${ceiling}`);
  }
  const autoscaling: Autoscaling = { ...SERVICE_DEFAULTS.autoscaling, ...props.autoscaling };
  const utilization = SERVICE_LIMITS.targetUtilizationPercent;
  for (const key of ["targetCpuUtilizationPercent", "targetMemoryUtilizationPercent"] as const) {
    const target = autoscaling[key];
    if (target !== undefined && !within(target, utilization)) {
      fail(`autoscaling.${key}`, target, `a whole percentage from ${utilization.min} to ${utilization.max}`);
    }
  }
  const window = autoscaling.scaleDownStabilizationSeconds;
  const stabilization = SERVICE_LIMITS.scaleDownStabilizationSeconds;
  if (!within(window, stabilization)) {
    fail(
      "autoscaling.scaleDownStabilizationSeconds",
      window,
      `a whole number of seconds from ${stabilization.min} to ${stabilization.max}`,
    );
  }

  const rollout = props.rollout;
  const images: [string, string | WorkloadImage][] =
    rollout.strategy === "blue-green"
      ? DEPLOYMENT_COLORS.map((color) => [`rollout.images.${color}`, rollout.images[color]])
      : [["rollout.image", rollout.image]];
  for (const [field, image] of images) {
    requireDigest(field, workloadImage(image).reference, fail);
  }
  const route = props.routing.route;
  if (
    route !== undefined &&
    !/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(route.host)
  ) {
    fail("routing.route.host", route.host, "a lowercase DNS host name such as 'orders.example.com'");
  }
  return {
    port,
    healthPaths,
    shutdown,
    resources,
    replicas,
    autoscaling,
    spread: props.spread ?? "required",
    interpreter: props.interpreter ?? PRODUCTION_INTERPRETER,
  };
}

/**
 * Images are referenced by digest: a tag (and `:latest` above all) can point to other content
 * tomorrow. A digest resolved at plan time (a token, or a Terraform interpolation such as the
 * one `ServiceImage` writes) is accepted.
 */
function requireDigest(field: string, image: string, fail: (field: string, value: unknown, allowed: string) => never) {
  const at = image.lastIndexOf("@");
  const digest = at < 0 ? "" : image.slice(at + 1);
  const resolvedAtPlanTime = Token.isUnresolved(digest) || /^\$\{[^]+\}$/.test(digest);
  if (at <= 0 || !(resolvedAtPlanTime || /^sha256:[0-9a-f]{64}$/.test(digest))) {
    fail(field, image, "an image referenced by digest, 'repository@sha256:<64 hex digits>'");
  }
}
