import { DataDockerRegistryImage } from "@cdktf/provider-docker/lib/data-docker-registry-image";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Fn, type TerraformStack } from "cdktf";
import { SensitiveVariable } from "../../constructs/terraform";
import { canaryRuleCases } from "../support/canary-fixtures";
import { describeRuleCases, findingsOf, guardrailsReport, type RuleCase } from "../support/policy";
import { restrictedNamespace, secureSecret, secureWorkload } from "../support/policy-fixtures";

const POD = "spec.template.spec";
const APP = `${POD}.container.0`;

/** The secure workload `web` with Terraform-level overrides of its Deployment. */
function webWith(overrides: Record<string, unknown>, options: Parameters<typeof secureWorkload>[2] = {}) {
  return (stack: TerraformStack) => {
    const { deployment } = secureWorkload(stack, "web", options);
    for (const [path, value] of Object.entries(overrides)) {
      deployment.addOverride(path, value);
    }
  };
}

const DEPLOYMENT = "kubernetes_deployment_v1.web";

/** The APP_URL variable an environment stack writes for a service. */
function appUrl(stack: TerraformStack, url: string): void {
  new ActionsEnvironmentVariable(stack, "app-url", {
    repository: "web",
    environment: "production",
    variableName: "APP_URL",
    value: url,
  });
}

const cases: RuleCase[] = [
  {
    rule: "K8S001",
    accepts: "run_as_non_root on every container instead of the pod",
    pass: webWith({
      [`${POD}.security_context.run_as_non_root`]: undefined,
      [`${APP}.security_context.run_as_non_root`]: true,
    }),
    rejects: "a container that runs as uid 0",
    fail: webWith({ [`${APP}.security_context.run_as_user`]: "0" }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S002",
    accepts: "privilege escalation disabled",
    pass: webWith({}),
    rejects: "a container that allows privilege escalation",
    fail: webWith({ [`${APP}.security_context.allow_privilege_escalation`]: true }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S003",
    accepts: "NET_BIND_SERVICE added back after dropping ALL",
    pass: webWith({ [`${APP}.security_context.capabilities.add`]: ["NET_BIND_SERVICE"] }),
    rejects: "a container that keeps its capabilities",
    fail: webWith({ [`${APP}.security_context.capabilities.drop.0`]: "NET_RAW" }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S004",
    accepts: "a Localhost seccomp profile on the container",
    pass: webWith({
      [`${APP}.security_context.seccomp_profile`]: { type: "Localhost", localhost_profile: "profiles/app.json" },
    }),
    rejects: "a container that opts out of seccomp",
    fail: webWith({ [`${APP}.security_context.seccomp_profile`]: { type: "Unconfined" } }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S005",
    accepts: "a namespaced, safe sysctl",
    pass: webWith({ [`${POD}.security_context.sysctl`]: [{ name: "net.ipv4.tcp_syncookies", value: "1" }] }),
    rejects: "a pod on the host network",
    fail: webWith({ [`${POD}.host_network`]: true }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S006",
    accepts: "secret and config map volumes",
    pass: webWith({
      [`${POD}.volume.1`]: { name: "config", config_map: { name: "web" } },
      [`${POD}.volume.2`]: { name: "tls", secret: { secret_name: "web-tls" } },
    }),
    rejects: "a hostPath volume",
    fail: webWith({ [`${POD}.volume.1`]: { name: "docker", host_path: { path: "/var/run/docker.sock" } } }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S007",
    accepts: "a read-only root filesystem with an emptyDir at /tmp",
    pass: webWith({}),
    rejects: "a writable root filesystem",
    fail: webWith({ [`${APP}.security_context.read_only_root_filesystem`]: false }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S008",
    accepts: "a scheduled job without probes (it runs to completion)",
    pass: (stack) => {
      new CronJobV1(stack, "cleanup", {
        metadata: { name: "cleanup", namespace: "shop" },
        spec: {
          schedule: "0 3 * * *",
          jobTemplate: {
            metadata: {},
            spec: {
              template: {
                metadata: {},
                spec: {
                  automountServiceAccountToken: false,
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: "1000",
                    seccompProfile: { type: "RuntimeDefault" },
                  },
                  container: [
                    {
                      name: "cleanup",
                      image: "ghcr.io/acme/cleanup:1.2.0@sha256:" + "c".repeat(64),
                      securityContext: {
                        allowPrivilegeEscalation: false,
                        readOnlyRootFilesystem: true,
                        capabilities: { drop: ["ALL"] },
                      },
                      resources: {
                        requests: { cpu: "100m", memory: "64Mi" },
                        limits: { cpu: "500m", memory: "128Mi" },
                      },
                    },
                  ],
                },
              },
            },
          },
        },
      });
    },
    rejects: "a serving container without a readiness probe",
    fail: webWith({ [`${APP}.readiness_probe`]: undefined }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S009",
    accepts: "requests and limits for CPU and memory",
    pass: webWith({}),
    rejects: "a container without a memory limit",
    fail: webWith({ [`${APP}.resources.limits.memory`]: undefined }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S010",
    accepts: "a version tag outside production",
    pass: webWith({ [`${APP}.image`]: "ghcr.io/acme/web:1.4.2" }),
    stackId: "staging",
    rejects: "a container on :latest",
    fail: webWith({ [`${APP}.image`]: "ghcr.io/acme/web:latest" }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S011",
    accepts: "a digest from a Terraform variable",
    pass: (stack) => secureWorkload(stack, "web", { image: "ghcr.io/acme/web@${var.web_image}" }),
    rejects: "a production container by tag",
    fail: webWith({ [`${APP}.image`]: "ghcr.io/acme/web:1.4.2" }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S012",
    accepts: "an autoscaler naming its target literally",
    pass: (stack) => secureWorkload(stack).autoscaler.addOverride("spec.scale_target_ref.name", "web"),
    rejects: "a Deployment no autoscaler targets",
    fail: (stack) => secureWorkload(stack).autoscaler.addOverride("spec.scale_target_ref.name", "webb"),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S013",
    accepts: "a disruption budget selecting by expression",
    pass: (stack) => {
      secureWorkload(stack).budget.addOverride("spec.selector", {
        match_expressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["web", "api"] }],
      });
    },
    rejects: "a disruption budget that selects other pods",
    fail: (stack) =>
      secureWorkload(stack).budget.addOverride("spec.selector.match_labels", { "app.kubernetes.io/name": "api" }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S014",
    accepts: "ingress isolated by one policy and egress by another with egress rules",
    pass: (stack) => {
      const { policy } = secureWorkload(stack);
      policy.addOverride("spec.policy_types", undefined);
      // Without policy_types, Kubernetes isolates egress because the policy has egress rules.
      new NetworkPolicyV1(stack, "web-egress", {
        metadata: { name: "web-egress", namespace: "shop" },
        spec: {
          podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } },
          egress: [{ ports: [{ port: "53", protocol: "UDP" }] }],
          policyTypes: [],
        },
      }).addOverride("spec.policy_types", undefined);
    },
    rejects: "a Deployment whose egress is open",
    fail: (stack) => secureWorkload(stack).policy.addOverride("spec.policy_types", undefined),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S015",
    accepts: "replicas left to the autoscaler",
    pass: webWith({}),
    rejects: "a static replica count under an autoscaler",
    fail: webWith({ "spec.replicas": "3" }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S016",
    accepts: "no service account token in the pod",
    pass: webWith({}),
    rejects: "a pod that mounts the service account token",
    fail: webWith({ [`${POD}.automount_service_account_token`]: undefined }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S017",
    accepts: "a pre-stop hook run by the app's own interpreter",
    pass: webWith({ [`${APP}.lifecycle.pre_stop.exec.command`]: ["python", "-c", "import time; time.sleep(5)"] }),
    rejects: "a pre-stop hook that needs a shell",
    fail: webWith({ [`${APP}.lifecycle.pre_stop.exec.command`]: ["/bin/sh", "-c", "sleep 5"] }),
    address: DEPLOYMENT,
  },
  {
    rule: "K8S018",
    accepts: "a namespace enforcing restricted",
    pass: (stack) => restrictedNamespace(stack),
    rejects: "a namespace enforcing only baseline",
    fail: (stack) =>
      restrictedNamespace(stack).addOverride("metadata.labels", { "pod-security.kubernetes.io/enforce": "baseline" }),
    address: "kubernetes_namespace_v1.shop",
  },
  {
    rule: "K8S019",
    accepts: "a registry pull secret built from sensitive variables",
    pass: (stack) => {
      const user = SensitiveVariable.of(stack, "registry_username", { description: "user" });
      const password = SensitiveVariable.of(stack, "registry_password", { description: "password" });
      new SecretV1(stack, "pull-secret", {
        metadata: { name: "pull-secret", namespace: "shop" },
        type: "kubernetes.io/dockerconfigjson",
        data: {
          ".dockerconfigjson": Fn.jsonencode({
            auths: { "ghcr.io": { username: user.stringValue, password: password.stringValue } },
          }),
        },
      });
    },
    rejects: "a Secret with a literal value",
    fail: (stack) => secureSecret(stack).addOverride("data.DATABASE_URL", "postgres://app:hunter2@db/app"),
    address: "kubernetes_secret_v1.database",
  },
  {
    rule: "K8S020",
    accepts: "a production image whose digest the pipeline's variable chooses",
    pass: webWith({ [`${APP}.image`]: "ghcr.io/acme/web@${var.web_image_blue}" }),
    rejects: "a production image that falls back to a registry lookup of the main tag",
    fail: (stack) => {
      const lookup = new DataDockerRegistryImage(stack, "web-main", { name: "ghcr.io/acme/web:main" });
      webWith({
        [`${APP}.image`]: `ghcr.io/acme/web@\${var.web_image_blue == "" ? ${lookup.fqn}.sha256_digest : var.web_image_blue}`,
      })(stack);
    },
    address: DEPLOYMENT,
  },
  {
    rule: "K8S021",
    accepts: "a service URL with an HTTPRoute for its host",
    pass: (stack) => {
      appUrl(stack, "https://shop.example.com/");
      new Manifest(stack, "route", {
        manifest: {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: "web", namespace: "shop" },
          spec: { hostnames: ["shop.example.com"], rules: [] },
        },
      });
    },
    rejects: "a service URL whose host no route or Ingress serves",
    fail: (stack) => {
      appUrl(stack, "https://shop.example.com");
      new IngressV1(stack, "other", {
        metadata: { name: "other", namespace: "shop" },
        spec: { rule: [{ host: "other.example.com" }] },
      });
    },
    address: "github_actions_environment_variable.app-url",
  },
  {
    rule: "K8S021",
    accepts: "an https URL whose Ingress carries TLS for its host",
    pass: (stack) => {
      appUrl(stack, "https://shop.example.com");
      new IngressV1(stack, "shop", {
        metadata: { name: "shop", namespace: "shop" },
        spec: { tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }], rule: [{ host: "shop.example.com" }] },
      });
    },
    rejects: "an https URL whose Ingress has no TLS",
    fail: (stack) => {
      appUrl(stack, "https://shop.example.com");
      new IngressV1(stack, "shop", {
        metadata: { name: "shop", namespace: "shop" },
        spec: { rule: [{ host: "shop.example.com" }] },
      });
    },
    address: "github_actions_environment_variable.app-url",
  },
  {
    rule: "K8S022",
    accepts: "a disruption budget that allows one eviction at a time",
    pass: webWith({}),
    rejects: "a disruption budget with minAvailable only",
    fail: (stack) => {
      const { budget } = secureWorkload(stack);
      budget.addOverride("spec.max_unavailable", undefined);
      budget.addOverride("spec.min_available", "1");
    },
    address: "kubernetes_pod_disruption_budget_v1.web-budget",
  },
  {
    rule: "K8S023",
    accepts: "a namespace in a stack without workloads (the cluster stack)",
    pass: (stack) => restrictedNamespace(stack),
    rejects: "a namespace in the stack that deploys the workloads",
    fail: (stack) => {
      restrictedNamespace(stack);
      secureWorkload(stack);
    },
    address: "kubernetes_namespace_v1.shop",
  },
  ...canaryRuleCases(),
];

describe("Kubernetes rules", () => {
  describeRuleCases("K8S", cases);

  it("resolves namespaces given by reference when relating a Deployment to its objects", () => {
    const report = guardrailsReport((stack) => {
      const namespace = restrictedNamespace(stack, "shop");
      secureWorkload(stack, "web", { namespace: namespace.metadata.name });
    });
    // Only the namespace's place is wrong (it belongs in the cluster stack); the coverage holds.
    expect(findingsOf(report)).toEqual(["error K8S023 kubernetes_namespace_v1.shop"]);
  });

  it("requires autoscaler, budget and policies in the Deployment's own namespace", () => {
    const report = guardrailsReport((stack) => {
      const { autoscaler, budget, policy } = secureWorkload(stack);
      for (const object of [autoscaler, budget, policy]) {
        object.addOverride("metadata.namespace", "other");
      }
    });
    expect(findingsOf(report)).toEqual([
      `error K8S012 ${DEPLOYMENT}`,
      `error K8S013 ${DEPLOYMENT}`,
      `error K8S014 ${DEPLOYMENT}`,
    ]);
  });

  it("fails an untagged image, and reports every problem of a workload in one line", () => {
    const report = guardrailsReport(
      webWith({
        [`${APP}.image`]: "ghcr.io/acme/web",
        [`${POD}.init_container`]: [{ name: "migrate", image: "ghcr.io/acme/web:latest" }],
      }),
      { stackId: "staging" },
    );
    const line = report.find((finding) => finding.rule === "K8S010")?.line ?? "";
    expect(line).toContain("init container 'migrate' image 'ghcr.io/acme/web:latest' uses the mutable tag 'latest'; ");
    expect(line).toContain("container 'app' image 'ghcr.io/acme/web' has no tag or digest");
    // The init container has no security context or resources: those rules report it too.
    expect(findingsOf(report)).toEqual(
      expect.arrayContaining([
        `error K8S002 ${DEPLOYMENT}`,
        `error K8S009 ${DEPLOYMENT}`,
        `error K8S010 ${DEPLOYMENT}`,
      ]),
    );
  });

  it("accepts production images whose digest is chosen by a Terraform expression", () => {
    const report = guardrailsReport(
      webWith({
        [`${APP}.image`]:
          'ghcr.io/acme/web@${var.web_image_blue == "" ? "sha256:${"a".repeat(64)}" : var.web_image_blue}',
      }),
    );
    expect(findingsOf(report)).toEqual([]);
  });

  it("fails a production image that only a variable names, and a privileged container with a host port", () => {
    const report = guardrailsReport(
      webWith({
        [`${APP}.image`]: "${var.web_image}",
        [`${APP}.security_context.privileged`]: true,
        [`${APP}.port.0.host_port`]: 8080,
      }),
    );
    expect(findingsOf(report)).toEqual([`error K8S005 ${DEPLOYMENT}`, `error K8S011 ${DEPLOYMENT}`]);
  });

  it("also checks pods and other workload kinds, and Secrets without sensitive variables", () => {
    const report = guardrailsReport((stack) => {
      secureWorkload(stack).deployment.addOverride(`${POD}.container.0.security_context.run_as_non_root`, false);
      new PodDisruptionBudgetV1(stack, "unused", {
        metadata: { name: "unused" },
        spec: { maxUnavailable: "1", selector: {} },
      }).addOverride("spec.selector", undefined);
      const secret = secureSecret(stack, "api");
      secret.addOverride("data.TOKEN", "${var.token}");
    });
    expect(findingsOf(report)).toEqual([`error K8S001 ${DEPLOYMENT}`, "error K8S019 kubernetes_secret_v1.api"]);
  });
});
