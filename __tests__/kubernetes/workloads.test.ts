import { createHash } from "node:crypto";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IConfigMap, IContainer, IPodSpec, IService, IServiceAccount } from "kubernetes-models/v1";
import { clusterStackId, ENVIRONMENT_NAMES, environmentStackId, serviceEnvironmentStackId } from "../../lib/domain";
import { kubernetesObjectsOf, objectsOfKind } from "../support/kubernetes-objects";
import { groupOf, loadDefaultConfig, stackOf, synthesizeDefaultConfig } from "../support/synth";
import { onlyResourceOf, resourcesOf, stringsIn, type Block } from "../../lib/terraform-json/terraform-json";
import { secretVariableName } from "../../lib/domain";

const app = synthesizeDefaultConfig();
const config = loadDefaultConfig();
const [service] = config.services;
if (service === undefined) {
  throw new Error("the default config lists a service");
}
const serviceName = service.name;

/**
 * The API objects an environment deploys (its shared stack and the service's stack together), the
 * raw Terraform of their resources, and the two real stacks, for what one of them declares itself.
 */
function environment(id: (typeof ENVIRONMENT_NAMES)[number]) {
  const stack = groupOf(app, id);
  const shared = stackOf(app, environmentStackId(id));
  const own = stackOf(app, serviceEnvironmentStackId(id, serviceName));
  const objects = kubernetesObjectsOf(stack);
  const deployments = objectsOfKind<IDeployment>(objects, "Deployment");
  const podSpecs = deployments.map((deployment) => deployment.spec?.template.spec as IPodSpec);
  const containers = podSpecs.flatMap((spec) => spec.containers);
  return { stack, shared, own, objects, deployments, podSpecs, containers };
}

function onlyContainer(deployment: IDeployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0] as IContainer;
}

describe.each(ENVIRONMENT_NAMES)("the %s workloads", (id) => {
  const { stack, shared, own, objects, deployments, podSpecs, containers } = environment(id);
  const replicas = service.environments[id].replicas;

  it("have at least one Deployment per service, each running one container", () => {
    expect(deployments.length).toBeGreaterThanOrEqual(1);
    for (const deployment of deployments) {
      expect(onlyContainer(deployment).name).toBe(service.name);
    }
  });

  it("run as uid and gid 1000, never root, with the runtime's default seccomp profile", () => {
    for (const spec of podSpecs) {
      expect(spec.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      });
    }
  });

  it("keep containers unprivileged: no privilege escalation, a read-only root filesystem, every capability dropped", () => {
    for (const container of containers) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(container.securityContext?.capabilities?.add).toBeUndefined();
    }
  });

  it("write only to /tmp, an emptyDir bounded by the ephemeral storage limit", () => {
    for (const spec of podSpecs) {
      expect(spec.volumes).toEqual([
        { name: "tmp", emptyDir: { sizeLimit: service.resources.limits.ephemeralStorage } },
      ]);
      expect(spec.containers.flatMap((container) => container.volumeMounts ?? [])).toEqual([
        { name: "tmp", mountPath: "/tmp" },
      ]);
    }
  });

  it("expose the configured port as 'http' and probe it: startup /health, readiness /readiness, liveness /liveness", () => {
    for (const container of containers) {
      expect(container.ports).toEqual([{ name: "http", containerPort: service.port, protocol: "TCP" }]);
      expect(container.startupProbe?.httpGet).toMatchObject({ path: service.healthPaths.startup, port: "http" });
      expect(container.readinessProbe?.httpGet).toMatchObject({ path: service.healthPaths.readiness, port: "http" });
      expect(container.livenessProbe?.httpGet).toMatchObject({ path: service.healthPaths.liveness, port: "http" });
    }
  });

  it("give a Python app at least two minutes to start before liveness applies, and react to a hang within a minute", () => {
    for (const container of containers) {
      const startup = container.startupProbe ?? {};
      expect((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3)).toBeGreaterThanOrEqual(120);
      const liveness = container.livenessProbe ?? {};
      expect((liveness.periodSeconds ?? 10) * (liveness.failureThreshold ?? 3)).toBeLessThanOrEqual(60);
      expect(container.readinessProbe?.periodSeconds).toBeLessThanOrEqual(liveness.periodSeconds ?? 10);
    }
  });

  it("request and limit cpu, memory and ephemeral storage as configured (limits 1 CPU and 512Mi by default)", () => {
    for (const container of containers) {
      expect(container.resources).toEqual({
        requests: {
          cpu: service.resources.requests.cpu,
          memory: service.resources.requests.memory,
          "ephemeral-storage": service.resources.requests.ephemeralStorage,
        },
        limits: {
          cpu: service.resources.limits.cpu,
          memory: service.resources.limits.memory,
          "ephemeral-storage": service.resources.limits.ephemeralStorage,
        },
      });
    }
    expect(service.resources.limits).toMatchObject({ cpu: "1", memory: "512Mi" });
  });

  it("drain before SIGTERM without a shell or app code: the image's interpreter sleeps in an exec pre-stop hook", () => {
    for (const spec of podSpecs) {
      expect(spec.terminationGracePeriodSeconds).toBe(service.shutdown.terminationGracePeriodSeconds);
      for (const container of spec.containers) {
        expect(container.lifecycle?.preStop).toEqual({
          exec: {
            command: ["/app/.venv/bin/python", "-c", `import time; time.sleep(${service.shutdown.drainSeconds})`],
          },
        });
        expect(service.shutdown.drainSeconds).toBeLessThan(spec.terminationGracePeriodSeconds ?? 30);
      }
    }
    expect(containers.every((container) => container.command === undefined && container.args === undefined)).toBe(true);
  });

  it("roll out one extra pod at a time and never below the current count", () => {
    for (const deployment of deployments) {
      expect(deployment.spec?.strategy).toEqual({
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
      });
    }
  });

  it("spread each Deployment's pods over nodes (required in production, preferred in staging) and zones (preferred)", () => {
    for (const deployment of deployments) {
      const selector = deployment.spec?.selector;
      expect(deployment.spec?.template.spec?.topologySpreadConstraints).toEqual([
        expect.objectContaining({
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: id === "production" ? "DoNotSchedule" : "ScheduleAnyway",
          maxSkew: 1,
          labelSelector: selector,
        }),
        expect.objectContaining({
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          maxSkew: 1,
          labelSelector: selector,
        }),
      ]);
    }
  });

  it("pin every image to the digest in the pipeline's variable, and run no pods while it is empty; never a tag", () => {
    for (const block of resourcesOf(stack, "kubernetes_deployment_v1")) {
      const images = stringsIn(block.body).filter((entry) => entry.path.endsWith(".image"));
      expect(images.length).toBe(1);
      const variable = /^[^@]+@\$\{var\.(\w+_image(?:_blue|_green)?)\}$/.exec(images[0]?.value ?? "")?.[1];
      expect({ image: images[0]?.value, pinned: variable !== undefined }).toEqual({
        image: images[0]?.value,
        pinned: true,
      });
      expect(block.body.count).toBe(`\${var.${variable ?? ""} == "" ? 0 : 1}`);
    }
  });

  it("leave the replica count to the autoscaler and fail the apply when a rollout does not become ready", () => {
    for (const block of resourcesOf(stack, "kubernetes_deployment_v1")) {
      const spec = block.body.spec as Record<string, unknown>;
      expect(spec.replicas).toBeUndefined();
      expect(block.body.wait_for_rollout).toBe(true);
    }
  });

  it("run under the service's own ServiceAccount, which mounts no API token", () => {
    const [account] = objectsOfKind<IServiceAccount>(objects, "ServiceAccount");
    expect(account).toMatchObject({ metadata: { name: service.name }, automountServiceAccountToken: false });
    for (const spec of podSpecs) {
      expect(spec).toMatchObject({ serviceAccountName: service.name, automountServiceAccountToken: false });
    }
  });

  it("read settings from the ConfigMap and secrets from the Secret, with no service-link variables", () => {
    for (const spec of podSpecs) {
      expect(spec.enableServiceLinks).toBe(false);
      expect(spec.imagePullSecrets).toEqual([{ name: "registry-credentials" }]);
      for (const container of spec.containers) {
        expect(container.envFrom).toEqual([
          { configMapRef: { name: `${service.name}-settings` } },
          { secretRef: { name: `${service.name}-secrets` } },
        ]);
        expect(container.env).toBeUndefined();
      }
    }
  });

  it("give the app APP_ENV, PORT and its environment's non-secret variables, and no secret", () => {
    const [settings] = objectsOfKind<IConfigMap>(objects, "ConfigMap");
    expect(settings?.data).toEqual({
      ...service.variables.environment,
      ...service.environments[id].variables,
      APP_ENV: id,
      PORT: String(service.port),
    });
    expect(Object.keys(settings?.data ?? {})).not.toEqual(expect.arrayContaining(service.secrets.environment));
  });

  it("roll the pods when the settings change: the pod template carries the settings' digest", () => {
    const configMap = onlyResourceOf(stack, "kubernetes_config_map_v1").body.data;
    const digest = createHash("sha256").update(JSON.stringify(configMap)).digest("hex");
    for (const deployment of deployments) {
      expect(deployment.spec?.template.metadata?.annotations).toEqual({
        "delivery-pipeline/settings-checksum": digest,
      });
    }
  });

  it("fill the Secret only from sensitive variables named <service>_<secret>, declared by the service's stack", () => {
    const secret = resourcesOf(own, "kubernetes_secret_v1").find(
      (block) => (block.body.metadata as { name: string }).name === `${service.name}-secrets`,
    );
    const expected = Object.fromEntries(
      service.secrets.environment.map((name) => [name, `\${var.${secretVariableName(service.name, name)}}`]),
    );
    expect(secret?.body.data).toEqual(expected);
    for (const name of service.secrets.environment) {
      expect(own.variable?.[secretVariableName(service.name, name)]).toMatchObject({
        sensitive: true,
        type: "string",
      });
    }
  });

  it("build the registry pull secret in the environment's shared stack from its sensitive registry variables, with no credential in the output", () => {
    const pull = resourcesOf(shared, "kubernetes_secret_v1").find(
      (block) => (block.body.metadata as { name: string }).name === "registry-credentials",
    ) as Block;
    expect(pull.body.type).toBe("kubernetes.io/dockerconfigjson");
    const value = (pull.body.data as Record<string, string>)[".dockerconfigjson"];
    expect(value).toBe(
      '${jsonencode({"auths" = {"ghcr.io" = {"username" = var.registry_username, "password" = var.registry_password, ' +
        '"auth" = base64encode(join("", [var.registry_username, ":", var.registry_password]))}}})}',
    );
    for (const name of ["registry_username", "registry_password"]) {
      expect(shared.variable?.[name]).toMatchObject({ sensitive: true });
    }
    expect(
      resourcesOf(own, "kubernetes_secret_v1").map((block) => (block.body.metadata as { name: string }).name),
    ).toEqual([`${service.name}-secrets`]);
  });

  it("autoscale every Deployment between the configured bounds on CPU only (memory is opt-in), with the scale-down window", () => {
    const autoscalers = objectsOfKind<IHorizontalPodAutoscaler>(objects, "HorizontalPodAutoscaler");
    expect(autoscalers.map((autoscaler) => autoscaler.spec?.scaleTargetRef.name).sort()).toEqual(
      deployments.map((deployment) => deployment.metadata?.name).sort(),
    );
    for (const autoscaler of autoscalers) {
      expect(autoscaler.spec).toMatchObject({
        // Blue-green floors are an expression of the replica-floor variable (see the lifecycle test).
        ...(id === "staging" ? { minReplicas: replicas.min } : {}),
        maxReplicas: replicas.max,
        metrics: [
          {
            type: "Resource",
            resource: {
              name: "cpu",
              target: { type: "Utilization", averageUtilization: service.autoscaling.targetCpuUtilizationPercent },
            },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: service.autoscaling.scaleDownStabilizationSeconds } },
      });
    }
  });

  it("protect each Deployment with a disruption budget that lets a drain evict one pod at a time", () => {
    const budgets = objectsOfKind<IPodDisruptionBudget>(objects, "PodDisruptionBudget");
    expect(budgets.map((budget) => budget.spec?.selector)).toEqual(deployments.map((d) => d.spec?.selector));
    for (const budget of budgets) {
      expect(budget.spec?.maxUnavailable).toBe(1);
      expect(budget.spec?.minAvailable).toBeUndefined();
    }
  });

  it("offer a ClusterIP Service that sends port 80 to the named container port", () => {
    const main = objectsOfKind<IService>(objects, "Service").find((s) => s.metadata?.name === service.name);
    expect(main?.spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    });
  });

  describe("network policies", () => {
    const policies = objectsOfKind<INetworkPolicy>(objects, "NetworkPolicy");
    const network = config.environments[id].network;

    it("deny all ingress and egress of every pod by default", () => {
      const deny = policies.find((policy) => policy.metadata?.name === "default-deny");
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("never contain an empty rule, peer list or port list (each would allow everything)", () => {
      for (const policy of policies) {
        for (const rule of [...(policy.spec?.ingress ?? []), ...(policy.spec?.egress ?? [])]) {
          const peers = "from" in rule ? rule.from : "to" in rule ? rule.to : undefined;
          expect(peers?.length).toBeGreaterThan(0);
          expect(rule.ports?.length).toBeGreaterThan(0);
          for (const peer of peers ?? []) {
            expect(Object.keys(peer).length).toBeGreaterThan(0);
          }
        }
      }
    });

    it("allow DNS to the cluster DNS pods and NodeLocal DNSCache only, over UDP and TCP port 53", () => {
      const dns = policies.find((policy) => policy.metadata?.name === "allow-dns");
      expect(dns?.spec).toEqual({
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
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
        ],
      });
    });

    it("allow egress to each configured endpoint on its own port only", () => {
      const external = policies.find((policy) => policy.metadata?.name === "allow-external-egress");
      expect(network.egress.length).toBeGreaterThan(0);
      expect(external?.spec?.egress).toEqual(
        network.egress.map((endpoint) => ({
          to: [{ ipBlock: { cidr: endpoint.cidr } }],
          ports: [{ port: endpoint.port, protocol: endpoint.protocol }],
        })),
      );
    });

    it("allow ingress to the service's port from the route controller's namespace only, and isolate its pods for egress", () => {
      const ingress = policies.find((policy) => policy.metadata?.name === `${service.name}-ingress`);
      // Egress without a rule adds no allowance: the pods' egress is the union of the namespace
      // baseline's rules (DNS, the configured endpoints), and nothing while that baseline is absent.
      expect(ingress?.spec).toEqual({
        podSelector: { matchLabels: { "app.kubernetes.io/name": service.name } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { "kubernetes.io/metadata.name": network.routing.controllerNamespace },
                },
              },
            ],
            ports: [{ port: service.port, protocol: "TCP" }],
          },
        ],
      });
    });

    it("are the only policies: default deny, DNS, external egress, and one ingress rule per service", () => {
      expect(policies.map((policy) => policy.metadata?.name).sort()).toEqual(
        ["allow-dns", "allow-external-egress", "default-deny", `${service.name}-ingress`].sort(),
      );
    });

    it(`keep the namespace baseline in the shared ${id} stack and the service's ingress rule in ${serviceEnvironmentStackId(id, service.name)}`, () => {
      const names = (of: typeof stack) =>
        objectsOfKind<INetworkPolicy>(kubernetesObjectsOf(of), "NetworkPolicy")
          .map((policy) => policy.metadata?.name)
          .sort();
      expect(names(shared)).toEqual(["allow-dns", "allow-external-egress", "default-deny"]);
      expect(names(own)).toEqual([`${service.name}-ingress`]);
    });
  });

  it("place every object in the environment's namespace, which the environment's cluster stack creates", () => {
    const namespace = config.environments[id].namespace;
    for (const { object, type } of objects) {
      expect({ type, namespace: object.metadata.namespace }).toEqual({ type, namespace });
    }
    expect(stack.resource?.kubernetes_namespace_v1).toBeUndefined();
  });
});

describe("rolling updates in staging", () => {
  const { stack, deployments, objects } = environment("staging");

  it("run one Deployment per service, named after it, without colours", () => {
    expect(deployments.map((deployment) => deployment.metadata?.name)).toEqual([service.name]);
    expect(deployments[0]?.spec?.selector).toEqual({
      matchLabels: { "app.kubernetes.io/name": service.name, "app.kubernetes.io/instance": service.name },
    });
  });

  it("route the Service to every pod of the service, with no active-colour variable", () => {
    const services = objectsOfKind<IService>(objects, "Service");
    expect(services.map((s) => [s.metadata?.name, s.spec?.selector])).toEqual([
      [service.name, { "app.kubernetes.io/name": service.name }],
    ]);
    expect(Object.keys(stack.variable ?? {}).filter((name) => name.endsWith("_active_color"))).toEqual([]);
  });

  it("have no quota or limit range unless configured", () => {
    expect(resourcesOf(stack, "kubernetes_resource_quota_v1")).toEqual([]);
    expect(resourcesOf(stack, "kubernetes_limit_range_v1")).toEqual([]);
  });
});

describe("blue-green in production", () => {
  const { stack, own, deployments, objects } = environment("production");
  const variable = "orders_api_active_color";

  it("runs two Deployments, blue and green, with fixed selectors per colour", () => {
    expect(deployments.map((d) => [d.metadata?.name, d.spec?.selector.matchLabels])).toEqual([
      [
        `${service.name}-blue`,
        {
          "app.kubernetes.io/name": service.name,
          "app.kubernetes.io/instance": `${service.name}-blue`,
          "delivery-pipeline/color": "blue",
        },
      ],
      [
        `${service.name}-green`,
        {
          "app.kubernetes.io/name": service.name,
          "app.kubernetes.io/instance": `${service.name}-green`,
          "delivery-pipeline/color": "green",
        },
      ],
    ]);
  });

  it("gives each colour its own image variable, so a release can go to the idle colour alone", () => {
    const images = resourcesOf(stack, "kubernetes_deployment_v1").map(
      (block) => stringsIn(block.body).find((entry) => entry.path.endsWith(".image"))?.value,
    );
    expect(images).toEqual([
      `${service.image}@\${var.orders_api_image_blue}`,
      `${service.image}@\${var.orders_api_image_green}`,
    ]);
  });

  it("routes the Service to the colour in orders_api_active_color, or to the configured colour while it is empty", () => {
    const main = objectsOfKind<IService>(objects, "Service");
    const raw = resourcesOf(stack, "kubernetes_service_v1").find(
      (block) => (block.body.metadata as { name: string }).name === service.name,
    );
    expect((raw?.body.spec as { selector: unknown }).selector).toEqual({
      "app.kubernetes.io/name": service.name,
      "delivery-pipeline/color": `\${coalesce(var.${variable}, "${config.environments.production.activeColor}")}`,
    });
    expect(main.map((s) => s.metadata?.name).sort()).toEqual(
      [service.name, `${service.name}-blue`, `${service.name}-green`].sort(),
    );
    // Declared by the stack whose Service reads it.
    const declared = own.variable?.[variable] as { type: string; default: string; validation: unknown[] };
    expect([declared.type, declared.default]).toEqual(["string", ""]);
    expect(declared.validation).toEqual([
      {
        condition: `\${contains(["", "blue", "green"], var.${variable})}`,
        error_message: `${variable} must be "", "blue" or "green".`,
      },
    ]);
  });

  it("lets the active-colour variable change nothing but the main Service's selector (a switch touches one object)", () => {
    const uses = stringsIn(stack.resource)
      .filter((entry) => entry.value.includes(`var.${variable}`))
      .map((entry) => entry.path);
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatch(/^kubernetes_service_v1\.[^.]+\.spec\.selector\.delivery-pipeline\/color$/);
  });

  it("offers a preview Service per colour that selects only that colour's pods", () => {
    for (const color of ["blue", "green"]) {
      const preview = objectsOfKind<IService>(objects, "Service").find(
        (s) => s.metadata?.name === `${service.name}-${color}`,
      );
      expect(preview?.spec?.selector).toEqual({
        "app.kubernetes.io/name": service.name,
        "app.kubernetes.io/instance": `${service.name}-${color}`,
        "delivery-pipeline/color": color,
      });
    }
  });

  it("keeps both colours ready for an instant rollback: each has its own autoscaler at the shared floor and its own budget", () => {
    const { min, max } = service.environments.production.replicas;
    const floors = resourcesOf(stack, "kubernetes_horizontal_pod_autoscaler_v2").map(
      (block) => (block.body.spec as { min_replicas: unknown }).min_replicas,
    );
    // One floor for both colours: the configured bounds around the hand-set floor and, while the
    // colours are held warm, the live size (evaluated in blue-green-lifecycle.test.ts).
    expect(floors).toHaveLength(2);
    expect(floors[1]).toBe(floors[0]);
    expect(floors[0]).toEqual(
      expect.stringMatching(new RegExp(`^\\$\\{min\\(${max}, max\\(${min}, var\\.orders_api_min_replicas, `)),
    );
    expect(service.environments.production.replicas.min).toBeGreaterThanOrEqual(2);
    expect(objectsOfKind<IPodDisruptionBudget>(objects, "PodDisruptionBudget")).toHaveLength(2);
  });

  it("sets the namespace's quota and limit range from the config, in the cluster-production stack", () => {
    const cluster = stackOf(app, clusterStackId("production"));
    const quota = onlyResourceOf(cluster, "kubernetes_resource_quota_v1").body.spec;
    expect(quota).toEqual({
      hard: {
        "requests.cpu": "8",
        "requests.memory": "16Gi",
        "requests.ephemeral-storage": "8Gi",
        "limits.cpu": "32",
        "limits.memory": "32Gi",
        "limits.ephemeral-storage": "16Gi",
        pods: "60",
      },
    });
    expect(onlyResourceOf(cluster, "kubernetes_limit_range_v1").body.spec).toEqual({
      limit: [
        {
          type: "Container",
          default_request: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
          default: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "128Mi" },
          max: { cpu: "2", memory: "2Gi", "ephemeral-storage": "1Gi" },
        },
      ],
    });
  });
});
