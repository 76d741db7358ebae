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
import { ActiveColorVariable } from "./active-color-variable";
import { COLOR_LABEL, deploymentSelector, NAMESPACE_NAME_LABEL, objectLabels, serviceSelector } from "./labels";
import { requireQuantities, type ResourceAmounts } from "./resource-amounts";
import { HTTP_PORT_NAME, WebServiceDeployment, type WebServiceDeploymentProps } from "./private/web-service-deployment";
import type { WebServiceWorkload } from "./web-service-workload";

/** The annotation that rolls the pods when the service's non-secret settings change. */
export const SETTINGS_CHECKSUM_ANNOTATION = "delivery-pipeline/settings-checksum";

/** One Deployment, updated in place pod by pod. */
export interface RollingRollout {
  readonly strategy: "rolling";
  /** `repository@sha256:...`: a digest, never a tag. */
  readonly image: string;
}

/**
 * Two Deployments, `<name>-blue` and `<name>-green`, both kept ready; the Service routes to one.
 * A release goes to the idle colour; switching and rolling back each change one variable.
 */
export interface BlueGreenRollout {
  readonly strategy: "blue-green";
  /** The image of each colour, `repository@sha256:...`. */
  readonly images: Readonly<Record<DeploymentColor, string>>;
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
  readonly image: string;
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
  /** @default CPU 70 %, memory 80 %, scale-down stabilisation 300 s */
  readonly autoscaling?: Partial<Autoscaling>;
  /** @default grace period 30 s, pre-stop drain of 10 s through `GET /drain` */
  readonly shutdown?: Partial<Shutdown>;
  /** The namespace of the ingress controller, the only source of traffic. @default "ingress-nginx" */
  readonly ingressNamespace?: string;
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
 * A hardened, autoscaled HTTP service: a ServiceAccount without API token, the Deployment(s)
 * with probes, non-root read-only containers and graceful shutdown, a ClusterIP Service on the
 * named port, and the NetworkPolicy that lets the ingress controller (and nothing else) reach it.
 */
export class WebService extends Construct {
  readonly serviceAccount: ServiceAccountV1;
  /** The ClusterIP Service `<name>`; none with a canary rollout (Flagger generates it). */
  readonly service?: ServiceV1;
  /** The Deployments by colour; a rolling service has one, under "main". */
  readonly deployments: Readonly<Record<string, WebServiceWorkload>>;
  /** Per-colour Services for verifying a colour before it takes traffic (blue-green only). */
  readonly previewServices: Readonly<Record<string, ServiceV1>>;

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
      image: string,
    ): WebServiceDeploymentProps => ({
      serviceName: name,
      name: deploymentName,
      namespace,
      selector,
      image,
      port,
      healthPaths: resolved.healthPaths,
      resources: resolved.resources,
      replicas: resolved.replicas,
      autoscaling: resolved.autoscaling,
      shutdown: resolved.shutdown,
      serviceAccountName: this.serviceAccount.metadata.name,
      configMapName: props.configMapName,
      secretName: props.secretName,
      pullSecretName: props.pullSecretName,
      podAnnotations,
    });

    // Port 80 in front of the named container port: ingress rules need not know the app's port.
    const servicePorts = [{ name: HTTP_PORT_NAME, port: 80, targetPort: HTTP_PORT_NAME, protocol: "TCP" }];
    const clusterService = (serviceId: string, serviceName: string, selector: Record<string, string>) =>
      new ServiceV1(this, serviceId, {
        metadata: { name: serviceName, namespace, labels: objectLabels(name) },
        spec: { type: "ClusterIP", selector, port: servicePorts },
      });

    const rollout = props.rollout;
    if (rollout.strategy !== "blue-green") {
      const selector = deploymentSelector(name);
      this.deployments = {
        main: new WebServiceDeployment(this, "deployment", deploymentProps(name, selector, rollout.image)),
      };
      this.previewServices = {};
      if (rollout.strategy === "rolling") {
        this.service = clusterService("service", name, serviceSelector(name));
      }
    } else {
      const deployments: Record<string, WebServiceDeployment> = {};
      const previews: Record<string, ServiceV1> = {};
      // Both colours keep the full replica floor: a rollback is instant only if the idle colour can
      // take all traffic the moment the selector flips back, and the floor is what it starts with.
      for (const color of DEPLOYMENT_COLORS) {
        const selector = deploymentSelector(name, color);
        deployments[color] = new WebServiceDeployment(
          this,
          color,
          deploymentProps(`${name}-${color}`, selector, rollout.images[color]),
        );
        previews[color] = clusterService(`preview-${color}`, `${name}-${color}`, selector);
      }
      this.deployments = deployments;
      this.previewServices = previews;
      const activeColor = ActiveColorVariable.of(this, name).colorOr(rollout.defaultActiveColor);
      this.service = clusterService("service", name, { ...serviceSelector(name), [COLOR_LABEL]: activeColor });
    }

    new NetworkPolicyV1(this, "ingress-policy", {
      metadata: { name: `${name}-ingress`, namespace, labels: objectLabels(name) },
      spec: {
        podSelector: { matchLabels: serviceSelector(name) },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: resolved.ingressNamespace } } }],
            ports: [{ port: String(port), protocol: "TCP" }],
          },
        ],
      },
    });
  }
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
    ["shutdown.drainPath", shutdown.drainPath] as const,
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
  if (shutdown.drainSeconds >= shutdown.terminationGracePeriodSeconds) {
    fail(
      "shutdown.drainSeconds",
      shutdown.drainSeconds,
      `below shutdown.terminationGracePeriodSeconds (${shutdown.terminationGracePeriodSeconds})`,
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
    if (!within(autoscaling[key], utilization)) {
      fail(`autoscaling.${key}`, autoscaling[key], `a whole percentage from ${utilization.min} to ${utilization.max}`);
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
  const images: [string, string][] =
    rollout.strategy === "blue-green"
      ? DEPLOYMENT_COLORS.map((color) => [`rollout.images.${color}`, rollout.images[color]])
      : [["rollout.image", rollout.image]];
  for (const [field, image] of images) {
    requireDigest(field, image, fail);
  }
  return {
    port,
    healthPaths,
    shutdown,
    resources,
    replicas,
    autoscaling,
    ingressNamespace: props.ingressNamespace ?? SERVICE_DEFAULTS.ingressNamespace,
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
