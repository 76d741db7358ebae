import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { ILimitRange, IResourceQuota, ISecret, IService, IServiceAccount } from "kubernetes-models/v1";
import {
  DIGEST_PLACEHOLDER,
  EXPRESSION_PLACEHOLDER,
  kubernetesObjectsOf,
  referenceResolver,
  substituteExpressions,
  toKubernetesObject,
} from "./kubernetes-objects";
import { schemaErrors } from "./kubernetes-schemas";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";

// The expected objects are typed with kubernetes-models' API interfaces, so the compiler rejects
// a misspelt or misplaced API field in them: these tests pin the converter's field names.
describe("converting Terraform resources to Kubernetes API objects", () => {
  it("turns a deployment's snake_case blocks into the camelCase API shape, plural lists and numbers included", () => {
    const body = {
      "//": { metadata: { path: "x" } },
      wait_for_rollout: true,
      metadata: { name: "web", namespace: "apps", labels: { "app.kubernetes.io/name": "web" } },
      spec: {
        selector: { match_labels: { app: "web" } },
        strategy: { type: "RollingUpdate", rolling_update: { max_surge: "25%", max_unavailable: "0" } },
        template: {
          metadata: { labels: { app: "web" }, annotations: { "example.com/hash": "abc" } },
          spec: {
            automount_service_account_token: false,
            security_context: { run_as_user: "1000", fs_group: "1000", seccomp_profile: { type: "RuntimeDefault" } },
            image_pull_secrets: [{ name: "pull" }],
            topology_spread_constraint: [
              {
                topology_key: "kubernetes.io/hostname",
                max_skew: 1,
                when_unsatisfiable: "DoNotSchedule",
                label_selector: [{ match_labels: { app: "web" } }],
                match_label_keys: ["pod-template-hash"],
              },
            ],
            container: [
              {
                name: "web",
                image: "ghcr.io/acme/web@${data.docker_registry_image.web.sha256_digest}",
                port: [{ name: "http", container_port: 8000 }],
                env_from: [{ config_map_ref: { name: "settings" } }],
                resources: { limits: { "ephemeral-storage": "1Gi" }, requests: { cpu: "250m" } },
                liveness_probe: { http_get: { path: "/liveness", port: "http" }, period_seconds: 10 },
                lifecycle: {
                  pre_stop: [{ http_get: { path: "/drain", port: "8000", http_header: [{ name: "X", value: "1" }] } }],
                },
                security_context: { allow_privilege_escalation: false, capabilities: { drop: ["ALL"] } },
                volume_mount: [{ name: "tmp", mount_path: "/tmp" }],
              },
            ],
            volume: [{ name: "tmp", empty_dir: { size_limit: "64Mi" } }],
          },
        },
      },
    };
    const expected: IDeployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apps", labels: { "app.kubernetes.io/name": "web" } },
      spec: {
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: "web" }, annotations: { "example.com/hash": "abc" } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
            imagePullSecrets: [{ name: "pull" }],
            topologySpreadConstraints: [
              {
                topologyKey: "kubernetes.io/hostname",
                maxSkew: 1,
                whenUnsatisfiable: "DoNotSchedule",
                labelSelector: { matchLabels: { app: "web" } },
                matchLabelKeys: ["pod-template-hash"],
              },
            ],
            containers: [
              {
                name: "web",
                image: `ghcr.io/acme/web@${DIGEST_PLACEHOLDER}`,
                ports: [{ name: "http", containerPort: 8000 }],
                envFrom: [{ configMapRef: { name: "settings" } }],
                resources: { limits: { "ephemeral-storage": "1Gi" }, requests: { cpu: "250m" } },
                livenessProbe: { httpGet: { path: "/liveness", port: "http" }, periodSeconds: 10 },
                lifecycle: {
                  preStop: { httpGet: { path: "/drain", port: 8000, httpHeaders: [{ name: "X", value: "1" }] } },
                },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
          },
        },
      },
    };
    const converted = toKubernetesObject("kubernetes_deployment_v1", body);
    expect(converted).toEqual(expected);
    expect(schemaErrors(converted)).toEqual([]);
  });

  it("keeps a service's selector as a label map and turns its numeric target port into a number", () => {
    const expected: IService = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: {
        type: "ClusterIP",
        clusterIP: "None",
        selector: { "app.kubernetes.io/name": "web", some_label: "x" },
        ports: [{ name: "http", port: 80, targetPort: 8000 }],
      },
    };
    expect(
      toKubernetesObject("kubernetes_service_v1", {
        metadata: { name: "web" },
        wait_for_load_balancer: true,
        spec: {
          type: "ClusterIP",
          cluster_ip: "None",
          selector: { "app.kubernetes.io/name": "web", some_label: "x" },
          port: [{ name: "http", port: 80, target_port: "8000" }],
        },
      }),
    ).toEqual(expected);
  });

  it("keeps map keys as they are (environment variable names, quota names) and base64-encodes secret data", () => {
    const secret: ISecret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      type: "Opaque",
      data: { DATABASE_URL: Buffer.from(EXPRESSION_PLACEHOLDER).toString("base64") },
    };
    expect(
      toKubernetesObject("kubernetes_secret_v1", {
        metadata: { name: "s" },
        type: "Opaque",
        data: { DATABASE_URL: "${var.database_url}" },
      }),
    ).toEqual(secret);

    const quota: IResourceQuota = {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q" },
      spec: { hard: { "requests.cpu": "4", "limits.ephemeral-storage": "8Gi", pods: "20" } },
    };
    expect(
      toKubernetesObject("kubernetes_resource_quota_v1", {
        metadata: { name: "q" },
        spec: { hard: { "requests.cpu": "4", "limits.ephemeral-storage": "8Gi", pods: "20" } },
      }),
    ).toEqual(quota);
  });

  it("renames the provider's singular repeated blocks (limit, metric, policy, image_pull_secret) to the API's lists", () => {
    const limitRange: ILimitRange = {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "l" },
      spec: { limits: [{ type: "Container", max: { cpu: "2" }, defaultRequest: { memory: "64Mi" } }] },
    };
    expect(
      toKubernetesObject("kubernetes_limit_range_v1", {
        metadata: { name: "l" },
        spec: { limit: [{ type: "Container", max: { cpu: "2" }, default_request: { memory: "64Mi" } }] },
      }),
    ).toEqual(limitRange);

    const autoscaler: IHorizontalPodAutoscaler = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
          },
        },
      },
    };
    expect(
      toKubernetesObject("kubernetes_horizontal_pod_autoscaler_v2", {
        metadata: { name: "h" },
        spec: {
          scale_target_ref: { api_version: "apps/v1", kind: "Deployment", name: "web" },
          min_replicas: 2,
          max_replicas: 4,
          metric: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } },
          ],
          behavior: {
            scale_down: [
              { stabilization_window_seconds: 300, policy: [{ type: "Percent", value: 100, period_seconds: 15 }] },
            ],
          },
        },
      }),
    ).toEqual(autoscaler);

    const account: IServiceAccount = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "a" },
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: "pull" }],
    };
    expect(
      toKubernetesObject("kubernetes_service_account_v1", {
        metadata: { name: "a" },
        automount_service_account_token: false,
        image_pull_secret: [{ name: "pull" }],
      }),
    ).toEqual(account);
  });

  it("converts network policy peers and ports, and keeps an empty pod selector empty (it selects every pod)", () => {
    const expected: INetworkPolicy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "n" },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ port: 5432, protocol: "TCP" }] }],
      },
    };
    expect(
      toKubernetesObject("kubernetes_network_policy_v1", {
        metadata: { name: "n" },
        spec: {
          pod_selector: {},
          policy_types: ["Egress"],
          egress: [{ to: [{ ip_block: { cidr: "10.0.0.0/24" } }], ports: [{ port: "5432", protocol: "TCP" }] }],
        },
      }),
    ).toEqual(expected);

    const budget: IPodDisruptionBudget = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "p" },
      spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
    };
    expect(
      toKubernetesObject("kubernetes_pod_disruption_budget_v1", {
        metadata: { name: "p" },
        spec: { min_available: "1", selector: { match_labels: { app: "web" } } },
      }),
    ).toEqual(budget);
  });

  it("rejects a resource type it has no kind for, and a list of blocks where the API has one object", () => {
    expect(() => toKubernetesObject("kubernetes_job_v1", { metadata: {} })).toThrow(
      "no Kubernetes kind known for resource type kubernetes_job_v1",
    );
    expect(() =>
      toKubernetesObject("kubernetes_deployment_v1", {
        metadata: {},
        spec: { strategy: [{ type: "a" }, { type: "b" }] },
      }),
    ).toThrow("spec.strategy: expected one block for the API object field strategy, got 2");
  });
});

describe("kubernetes_manifest", () => {
  it("is its manifest, with the expressions in its strings resolved", () => {
    const manifest = { apiVersion: "x/v1", kind: "Thing", metadata: { name: "${var.name}", namespace: "apps" } };
    expect(toKubernetesObject("kubernetes_manifest", { manifest }, (expression) => `<${expression}>`)).toEqual({
      apiVersion: "x/v1",
      kind: "Thing",
      metadata: { name: "<var.name>", namespace: "apps" },
    });
  });
});

describe("Terraform expressions in converted values", () => {
  const upper = (expression: string) => `<${expression.toUpperCase()}>`;

  it("replaces each expression, including nested braces and braces inside quoted strings", () => {
    expect(substituteExpressions("a-${var.x}-b", upper)).toBe("a-<VAR.X>-b");
    expect(substituteExpressions('${jsonencode({a = {b = "}"}})}', upper)).toBe('<JSONENCODE({A = {B = "}"}})>');
    expect(substituteExpressions('${coalesce(var.c, "blue")}', upper)).toBe('<COALESCE(VAR.C, "BLUE")>');
  });

  it("turns the escapes $${ and %%{ back into literal text", () => {
    expect(substituteExpressions("echo $${{ github.sha }} %%{x}", upper)).toBe("echo ${{ github.sha }} %{x}");
  });

  it("rejects an unterminated expression", () => {
    expect(() => substituteExpressions("${var.x", upper)).toThrow("unterminated Terraform expression");
  });

  it("resolves references to literal attributes of the stack's resources and gives placeholders otherwise", () => {
    const stack: TerraformJson = {
      terraform: {},
      resource: {
        kubernetes_namespace_v1: { ns: { metadata: { name: "orders-staging" } } },
        kubernetes_secret_v1: { s: { metadata: [{ name: "listed" }] } },
        kubernetes_config_map_v1: { c: { metadata: { name: "${var.name}" } } },
      },
    };
    const resolve = referenceResolver(stack);
    expect(resolve("kubernetes_namespace_v1.ns.metadata[0].name")).toBe("orders-staging");
    expect(resolve("kubernetes_secret_v1.s.metadata[0].name")).toBe("listed");
    expect(resolve("kubernetes_config_map_v1.c.metadata[0].name")).toBe(EXPRESSION_PLACEHOLDER);
    expect(resolve("kubernetes_service_v1.missing.metadata[0].name")).toBe(EXPRESSION_PLACEHOLDER);
    expect(resolve("data.docker_registry_image.web.sha256_digest")).toBe(DIGEST_PLACEHOLDER);
  });

  it("converts every kubernetes_* resource of a stack, with references resolved", () => {
    const stack: TerraformJson = {
      terraform: {},
      resource: {
        github_repository: { r: { name: "x" } },
        kubernetes_namespace_v1: { ns: { metadata: { name: "apps" } } },
        kubernetes_config_map_v1: {
          c: {
            metadata: { name: "c", namespace: "${kubernetes_namespace_v1.ns.metadata[0].name}" },
            data: { A_B: "1" },
          },
        },
      },
    };
    expect(kubernetesObjectsOf(stack)).toEqual([
      {
        type: "kubernetes_config_map_v1",
        address: "kubernetes_config_map_v1.c",
        object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "apps" }, data: { A_B: "1" } },
      },
      {
        type: "kubernetes_namespace_v1",
        address: "kubernetes_namespace_v1.ns",
        object: { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } },
      },
    ]);
  });
});

describe("the schema check", () => {
  it("reports what the Kubernetes schema rejects (the checker checks)", () => {
    expect(
      schemaErrors({ apiVersion: "apps/v1", kind: "Deployment", metadata: {}, spec: { selector: {}, template: 3 } }),
    ).toEqual([expect.stringContaining("template")]);
    expect(
      schemaErrors({
        apiVersion: "v1",
        kind: "Service",
        metadata: {},
        spec: { ports: [{ port: "eighty" }] },
      }),
    ).toEqual([expect.stringContaining("port")]);
    expect(schemaErrors({ apiVersion: "v9", kind: "Widget", metadata: {} })).toEqual(["no schema known for v9 Widget"]);
  });
});
