import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { Construct } from "constructs";
import { objectLabels } from "./labels";
import type { HttpRouteSpec, IngressSpec } from "./web-service";

/** The port every service's ClusterIP Service listens on, whatever the app's port. */
export const SERVICE_PORT = 80;

/** The Gateway API release whose HTTPRoute schema the route follows (standard channel, v1). */
export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";

/** The cert-manager annotation that has an Ingress's TLS Secret issued and renewed. */
export const CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

export interface ServiceRouteProps {
  readonly serviceName: string;
  readonly namespace: string;
  /** The Service the route sends traffic to: the one whose selector the blue-green switch flips. */
  readonly backendService: string;
  readonly backendPort: number;
  readonly route: HttpRouteSpec | IngressSpec;
}

/**
 * The route of a service's public URL to its Service: a Gateway API HTTPRoute (the default) or
 * an Ingress. The route always points at the one Service of the service; in blue-green, that
 * Service's selector picks the colour, so the switch and the health checks go through this route.
 *
 * An HTTPRoute has no typed resource in the Kubernetes provider and is a `kubernetes_manifest`,
 * which reads the CRD's schema from the cluster while planning (provider v2.38.0,
 * docs/resources/manifest.md, "This resource requires API access during planning time"): the
 * Gateway API CRDs must be installed, and the cluster reachable, before the first plan.
 */
export class ServiceRoute extends Construct {
  readonly resource: Manifest | IngressV1;

  constructor(scope: Construct, id: string, props: ServiceRouteProps) {
    super(scope, id);
    const route = props.route;
    const labels = objectLabels(props.serviceName);
    if (route.kind === "gateway") {
      // Fields from gateway-api v1.4.1 apis/v1/httproute_types.go (HTTPRouteSpec, HTTPRouteRule,
      // HTTPBackendRef) and apis/v1/shared_types.go (ParentReference).
      this.resource = new Manifest(this, "http-route", {
        manifest: {
          apiVersion: GATEWAY_API_VERSION,
          kind: "HTTPRoute",
          metadata: { name: props.serviceName, namespace: props.namespace, labels },
          spec: {
            parentRefs: [
              {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: route.gatewayName,
                namespace: route.gatewayNamespace,
                ...(route.sectionName === undefined ? {} : { sectionName: route.sectionName }),
              },
            ],
            hostnames: [route.host],
            rules: [
              {
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: [{ group: "", kind: "Service", name: props.backendService, port: props.backendPort }],
              },
            ],
          },
        },
      });
      return;
    }
    const tls = route.tls;
    const secretName = tls === undefined ? undefined : (tls.secretName ?? `${props.serviceName}-tls`);
    this.resource = new IngressV1(this, "ingress", {
      metadata: {
        name: props.serviceName,
        namespace: props.namespace,
        labels,
        ...(tls?.clusterIssuer === undefined
          ? {}
          : { annotations: { [CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION]: tls.clusterIssuer } }),
      },
      spec: {
        ingressClassName: route.className,
        ...(secretName === undefined ? {} : { tls: [{ hosts: [route.host], secretName }] }),
        rule: [
          {
            host: route.host,
            http: {
              path: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: props.backendService, port: { number: props.backendPort } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}
