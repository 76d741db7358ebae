import type { IDeployment } from "kubernetes-models/apps/v1";
import type { INetworkPolicy, IIngress } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IRole, IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import type { IService } from "kubernetes-models/v1";
import { DEPLOYER_NAME, DEPLOYER_VERBS, ENVIRONMENT_API_RESOURCES } from "../../constructs/kubernetes";
import { renderDockerfile } from "../../renderers/container/dockerfile";
import {
  clusterStackId,
  gracefulShutdownSeconds,
  SHUTDOWN_MARGIN_SECONDS,
  type EnvironmentName,
} from "../../lib/domain";
import { configWith, type ConfigEdit } from "../support/config-text";
import { kubernetesObjectsOf, objectsOfKind, type KubernetesObject } from "../support/kubernetes-objects";
import { schemaErrors } from "../support/kubernetes-schemas";
import { stackOf, synthesizeConfig, synthesizeDefaultConfig, type SynthesizedApp, groupOf } from "../support/synth";
import { dataSourcesOf, resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

const app = synthesizeDefaultConfig();
const SERVICE = "orders-api";

/** The Kubernetes objects an environment deploys: its shared stack's and every service stack's. */
function objectsOf(synthesized: SynthesizedApp, environment: EnvironmentName): KubernetesObject[] {
  return kubernetesObjectsOf(groupOf(synthesized, environment)).map(({ object }) => object);
}

function variant(...edits: ConfigEdit[]): SynthesizedApp {
  return synthesizeConfig(configWith(...edits));
}

/** The argv uvicorn is started with in the production image of the first service of a config. */
function uvicornArgs(edits: ConfigEdit[]): string[] {
  const config = configWith(...edits);
  const service = config.services[0];
  if (service === undefined) {
    throw new Error("no service");
  }
  const dockerfile = renderDockerfile({
    serviceName: service.name,
    sourceUrl: "https://github.com/acme/x",
    port: service.port,
    debugPort: service.container.debugPort,
    asgiApp: service.container.asgiApp,
    livenessPath: service.healthPaths.liveness,
    shutdown: service.shutdown,
  });
  const cmd =
    dockerfile
      .split("\n")
      .filter((line) => line.startsWith("CMD "))
      .at(-1) ?? "";
  return JSON.parse(cmd.slice(4)) as string[];
}

describe("shutdown timing", () => {
  it.each([
    [30, 10],
    [60, 15],
    [20, 0],
  ])(
    "with a %i s grace period and a %i s drain: the hook sleeps the drain, uvicorn gets the rest minus the margin",
    (grace, drain) => {
      const edits: ConfigEdit[] = [
        [["services", 0, "shutdown"], { terminationGracePeriodSeconds: grace, drainSeconds: drain }],
      ];
      const synthesized = variant(...edits);
      for (const deployment of objectsOfKind<IDeployment>(
        kubernetesObjectsOf(groupOf(synthesized, "staging")),
        "Deployment",
      )) {
        const pod = deployment.spec?.template.spec;
        expect(pod?.terminationGracePeriodSeconds).toBe(grace);
        const container = pod?.containers[0];
        expect(container?.lifecycle?.preStop).toEqual(
          drain === 0
            ? undefined
            : { exec: { command: ["/app/.venv/bin/python", "-c", `import time; time.sleep(${drain})`] } },
        );
      }
      const args = uvicornArgs(edits);
      const timeout = Number(args[args.indexOf("--timeout-graceful-shutdown") + 1]);
      expect(timeout).toBe(gracefulShutdownSeconds({ terminationGracePeriodSeconds: grace, drainSeconds: drain }));
      // Drain, then uvicorn's own deadline, then the margin: all within the grace period.
      expect(drain + timeout + SHUTDOWN_MARGIN_SECONDS).toBe(grace);
    },
  );

  it("calls an app-implemented drain endpoint only when drainPath opts in, telling it the seconds", () => {
    const synthesized = variant([["services", 0, "shutdown", "drainPath"], "/drain"]);
    const [deployment] = objectsOfKind<IDeployment>(kubernetesObjectsOf(groupOf(synthesized, "staging")), "Deployment");
    expect(deployment?.spec?.template.spec?.containers[0]?.lifecycle?.preStop).toEqual({
      httpGet: {
        path: "/drain",
        port: "http",
        scheme: "HTTP",
        httpHeaders: [{ name: "X-Drain-Seconds", value: "10" }],
      },
    });
  });

  it("trusts forwarded headers, so redirects and OAuth callbacks keep the public https scheme", () => {
    const args = uvicornArgs([]);
    expect(args).toEqual(expect.arrayContaining(["--proxy-headers", "--forwarded-allow-ips", "*"]));
  });
});

describe("availability", () => {
  it.each<EnvironmentName>(["staging", "production"])(
    "lets a drain evict one pod of each Deployment at a time in %s",
    (id) => {
      const budgets = objectsOfKind<IPodDisruptionBudget>(kubernetesObjectsOf(groupOf(app, id)), "PodDisruptionBudget");
      expect(budgets.length).toBeGreaterThan(0);
      for (const budget of budgets) {
        expect(budget.spec).toMatchObject({ maxUnavailable: 1 });
        expect(budget.spec?.minAvailable).toBeUndefined();
      }
    },
  );

  it("requires production pods on distinct nodes and prefers distinct zones; staging only prefers both", () => {
    const spread = (id: EnvironmentName) =>
      objectsOfKind<IDeployment>(kubernetesObjectsOf(groupOf(app, id)), "Deployment").map((deployment) =>
        (deployment.spec?.template.spec?.topologySpreadConstraints ?? []).map((constraint) => [
          constraint.topologyKey,
          constraint.whenUnsatisfiable,
        ]),
      );
    expect([spread("production").length, spread("staging").length]).toEqual([2, 1]);
    for (const constraints of spread("production")) {
      expect(constraints).toEqual([
        ["kubernetes.io/hostname", "DoNotSchedule"],
        ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ]);
    }
    for (const constraints of spread("staging")) {
      expect(constraints).toEqual([
        ["kubernetes.io/hostname", "ScheduleAnyway"],
        ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ]);
    }
  });
});

describe("DNS egress", () => {
  const dnsPeers = (synthesized: SynthesizedApp) =>
    objectsOfKind<INetworkPolicy>(kubernetesObjectsOf(groupOf(synthesized, "production")), "NetworkPolicy").find(
      (policy) => policy.metadata?.name === "allow-dns",
    )?.spec?.egress;

  it("allows CoreDNS pods and NodeLocal DNSCache by default, on port 53 only", () => {
    expect(dnsPeers(app)).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
          { ipBlock: { cidr: "169.254.20.10/32" } },
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
    ]);
  });

  it("allows only a cloud resolver when the cluster resolves there (GKE Cloud DNS)", () => {
    const cloud = variant([
      ["environments", "production", "network", "dns"],
      { kubeDns: false, nodeLocalCache: false, endpoints: ["169.254.169.254/32"] },
    ]);
    expect(dnsPeers(cloud)?.[0]?.to).toEqual([{ ipBlock: { cidr: "169.254.169.254/32" } }]);
  });

  it("follows CoreDNS elsewhere, without NodeLocal DNSCache", () => {
    const custom = variant([
      ["environments", "production", "network", "dns"],
      { kubeDns: { namespace: "dns", podLabels: { app: "coredns" } }, nodeLocalCache: false },
    ]);
    expect(dnsPeers(custom)?.[0]?.to).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dns" } },
        podSelector: { matchLabels: { app: "coredns" } },
      },
    ]);
  });
});

describe("routing", () => {
  const httpRoute = (synthesized: SynthesizedApp, id: EnvironmentName) =>
    objectsOf(synthesized, id).find((object) => object.kind === "HTTPRoute") as
      (KubernetesObject & { spec: Record<string, unknown> }) | undefined;

  it.each<[EnvironmentName, string]>([
    ["production", "orders.example.com"],
    ["staging", "orders.staging.example.com"],
  ])("routes the %s URL's host through the configured Gateway to the service's one Service", (id, host) => {
    const route = httpRoute(app, id);
    expect(route?.apiVersion).toBe("gateway.networking.k8s.io/v1");
    expect(route?.spec).toEqual({
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: "public",
          namespace: "gateway-system",
          sectionName: "https",
        },
      ],
      hostnames: [host],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ group: "", kind: "Service", name: SERVICE, port: 80 }],
        },
      ],
    });
    expect(schemaErrors(route as KubernetesObject)).toEqual([]);
  });

  it("sends the route to the Service whose selector the blue-green switch sets, not to a colour", () => {
    const service = objectsOfKind<IService>(kubernetesObjectsOf(groupOf(app, "production")), "Service").find(
      (candidate) => candidate.metadata?.name === SERVICE,
    );
    const raw = resourcesOf(groupOf(app, "production"), "kubernetes_service_v1").find(
      (block) => (block.body.metadata as { name: string }).name === SERVICE,
    );
    expect(service?.spec?.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect((raw?.body.spec as { selector: Record<string, string> }).selector["delivery-pipeline/color"]).toBe(
      '${coalesce(var.orders_api_active_color, "blue")}',
    );
  });

  it("admits only the route controller's pods to the service's port", () => {
    const labelled = variant([
      ["environments", "production", "network", "routing", "controllerPodLabels"],
      { "gateway.networking.k8s.io/gateway-name": "public" },
    ]);
    const policy = objectsOfKind<INetworkPolicy>(
      kubernetesObjectsOf(groupOf(labelled, "production")),
      "NetworkPolicy",
    ).find((candidate) => candidate.metadata?.name === `${SERVICE}-ingress`);
    expect(policy?.spec?.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway-system" } },
            podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "public" } },
          },
        ],
        ports: [{ port: 8000, protocol: "TCP" }],
      },
    ]);
  });

  it("creates no route for a service without a URL in that environment", () => {
    const unrouted = variant([["services", 0, "environments", "staging", "url"], "delete"]);
    expect(httpRoute(unrouted, "staging")).toBeUndefined();
    expect(httpRoute(unrouted, "production")).toBeDefined();
  });

  describe("with an Ingress", () => {
    const ingressApp = variant([
      ["environments", "production", "network", "routing"],
      {
        kind: "ingress",
        ingressClassName: "traefik",
        controllerNamespace: "traefik",
        tls: { clusterIssuer: "letsencrypt" },
      },
    ]);
    const ingress = objectsOfKind<IIngress>(kubernetesObjectsOf(groupOf(ingressApp, "production")), "Ingress")[0];

    it("routes the host with TLS from a cert-manager issuer into the <service>-tls Secret", () => {
      expect(ingress?.metadata?.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt" });
      expect(ingress?.spec).toEqual({
        ingressClassName: "traefik",
        tls: [{ hosts: ["orders.example.com"], secretName: `${SERVICE}-tls` }],
        rules: [
          {
            host: "orders.example.com",
            http: {
              paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: SERVICE, port: { number: 80 } } } }],
            },
          },
        ],
      });
      expect(schemaErrors(ingress as unknown as KubernetesObject)).toEqual([]);
    });

    it("takes TLS from a named Secret", () => {
      const named = variant([
        ["environments", "production", "network", "routing"],
        {
          kind: "ingress",
          ingressClassName: "traefik",
          controllerNamespace: "traefik",
          tls: { secretName: "wildcard" },
        },
      ]);
      const [object] = objectsOfKind<IIngress>(kubernetesObjectsOf(groupOf(named, "production")), "Ingress");
      expect(object?.spec?.tls).toEqual([{ hosts: ["orders.example.com"], secretName: "wildcard" }]);
      expect(object?.metadata?.annotations).toBeUndefined();
    });

    it("admits the ingress controller's namespace and grants the deployer Ingresses instead of HTTPRoutes", () => {
      const policy = objectsOfKind<INetworkPolicy>(
        kubernetesObjectsOf(groupOf(ingressApp, "production")),
        "NetworkPolicy",
      ).find((candidate) => candidate.metadata?.name === `${SERVICE}-ingress`);
      expect(policy?.spec?.ingress?.[0]?.from).toEqual([
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } },
      ]);
      expect(grantedResources(stackOf(ingressApp, clusterStackId("production")))).toEqual(
        writtenResources(groupOf(ingressApp, "production")),
      );
    });
  });
});

/** `group/resource` of every object an environment's stacks write, from their resource types. */
function writtenResources(stack: TerraformJson): string[] {
  const types = Object.keys(stack.resource ?? {}).filter((type) => type.startsWith("kubernetes_"));
  const kinds = types.flatMap((type) =>
    type === "kubernetes_manifest"
      ? resourcesOf(stack, type).map((block) => String((block.body.manifest as { kind: string }).kind))
      : [type],
  );
  return [...new Set(kinds)]
    .map((kind) => {
      const api = ENVIRONMENT_API_RESOURCES[kind];
      if (api === undefined) {
        throw new Error(`the environment stack writes ${kind}, which the deployer Role does not know`);
      }
      return `${api.apiGroup}/${api.resource}`;
    })
    .sort();
}

/** `group/resource` of every rule of the deployer Role in a cluster stack. */
function grantedResources(stack: TerraformJson): string[] {
  const [role] = objectsOfKind<IRole>(kubernetesObjectsOf(stack), "Role");
  return (role?.rules ?? [])
    .flatMap((rule) =>
      (rule.apiGroups ?? []).flatMap((group) => (rule.resources ?? []).map((resource) => `${group}/${resource}`)),
    )
    .sort();
}

describe("least privilege in the cluster", () => {
  it.each<EnvironmentName>(["staging", "production"])(
    "grants the %s deployer, in its cluster-<environment> stack, exactly the objects the environment's shared and service stacks write, with Terraform's verbs",
    (id) => {
      const cluster = stackOf(app, clusterStackId(id));
      expect(grantedResources(cluster)).toEqual(writtenResources(groupOf(app, id)));
      const [role] = objectsOfKind<IRole>(kubernetesObjectsOf(cluster), "Role");
      for (const rule of role?.rules ?? []) {
        expect(rule.verbs).toEqual(["create", "delete", "get", "list", "patch", "update", "watch"]);
      }
      expect([...DEPLOYER_VERBS]).toEqual(role?.rules?.[0]?.verbs);
    },
  );

  it.each<EnvironmentName>(["staging", "production"])(
    "binds the %s Role to the deployer ServiceAccount of that namespace, which mounts no token",
    (id) => {
      const objects = kubernetesObjectsOf(stackOf(app, clusterStackId(id)));
      const [binding] = objectsOfKind<IRoleBinding>(objects, "RoleBinding");
      const namespace = id === "production" ? "orders-production" : "orders-staging";
      expect(binding?.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: DEPLOYER_NAME });
      expect(binding?.subjects).toEqual([{ kind: "ServiceAccount", name: DEPLOYER_NAME, namespace }]);
      expect(objects.map(({ object }) => `${object.kind}/${object.metadata.name ?? ""}`).sort()).toEqual(
        [
          `Namespace/${namespace}`,
          `Role/${DEPLOYER_NAME}`,
          `RoleBinding/${DEPLOYER_NAME}`,
          `ServiceAccount/${DEPLOYER_NAME}`,
          ...(id === "production" ? ["LimitRange/containers", "ResourceQuota/workloads"] : []),
        ].sort(),
      );
    },
  );

  it("grants no namespace, quota, limit range or RBAC object, so the deployer cannot loosen its own limits", () => {
    const granted = (["staging", "production"] as const).flatMap((id) =>
      grantedResources(stackOf(app, clusterStackId(id))),
    );
    for (const forbidden of [
      "/namespaces",
      "/resourcequotas",
      "/limitranges",
      "rbac.authorization.k8s.io/roles",
      "rbac.authorization.k8s.io/rolebindings",
    ]) {
      expect(granted).not.toContain(forbidden);
    }
  });

  it("lets the production deployer list the Deployments its plan reads for the live size, in its own namespace only", () => {
    const lookups = dataSourcesOf(stackOf(app, "production-orders-api"), "kubernetes_resources").map(({ body }) => body);
    expect(lookups.map((body) => [body.api_version, body.kind, body.namespace])).toEqual([
      ["apps/v1", "Deployment", "orders-production"],
    ]);
    // A kubernetes_resources lookup is a List call (provider v2.38.0 manifest/provider/datasource.go:159).
    const [role] = objectsOfKind<IRole>(kubernetesObjectsOf(stackOf(app, clusterStackId("production"))), "Role");
    expect(role?.metadata?.namespace).toBe("orders-production");
    const rule = role?.rules?.find((candidate) => candidate.apiGroups?.includes("apps"));
    expect(rule?.resources).toContain("deployments");
    expect(rule?.verbs).toContain("list");
    expect(dataSourcesOf(stackOf(app, "staging-orders-api"), "kubernetes_resources")).toEqual([]);
  });

  it("authenticates the cluster stacks with their own cluster-level variables, never the environment's token", () => {
    for (const id of [clusterStackId("staging"), clusterStackId("production")]) {
      expect(Object.keys(stackOf(app, id).variable ?? {}).sort()).toEqual([
        "cluster_admin_kubernetes_cluster_ca_certificate",
        "cluster_admin_kubernetes_host",
        "cluster_admin_kubernetes_token",
      ]);
    }
  });
});
