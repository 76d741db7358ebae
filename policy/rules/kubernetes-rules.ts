import { isDigestPinned, unversionedImageProblem } from "../container-images";
import { deploymentCoverage, type DeploymentCoverage } from "../deployment-coverage";
import { podTemplatesOf, type PodContainer, type PodTemplate } from "../pod-templates";
import { checkEach, SOURCES, type PolicyRule, type Violation } from "../rule";
import type { SynthesizedStack } from "../synthesized-stack";
import {
  blocks,
  booleanAt,
  isObject,
  jsonText,
  mapAt,
  nested,
  numberAt,
  stringAt,
  stringsAt,
  type JsonObject,
} from "../../lib/terraform-json/terraform-json";
import { secretValueProblem } from "./github-rules";
import { ALLOWED_SELINUX_TYPES, SAFE_SYSCTLS } from "../pod-security-standards";

/** Runs a check over every pod template; all problems of one workload make one finding. */
function eachPodTemplate(
  check: (template: PodTemplate, stack: SynthesizedStack) => string[],
): (stack: SynthesizedStack) => Violation[] {
  return (stack) =>
    podTemplatesOf(stack).flatMap((template) => {
      const problems = check(template, stack);
      return problems.length === 0 ? [] : [{ address: template.workload.address, message: problems.join("; ") }];
    });
}

/** Runs a check over every container (init containers included) of every pod template. */
function eachContainer(
  check: (container: PodContainer, template: PodTemplate, stack: SynthesizedStack) => string | undefined,
  which: (container: PodContainer, template: PodTemplate) => boolean = () => true,
): (stack: SynthesizedStack) => Violation[] {
  return eachPodTemplate((template, stack) =>
    template.containers
      .filter((container) => which(container, template))
      .flatMap((container) => {
        const problem = check(container, template, stack);
        return problem === undefined ? [] : [`${container.label} ${problem}`];
      }),
  );
}

function eachDeployment(
  check: (coverage: DeploymentCoverage) => string | undefined,
): (stack: SynthesizedStack) => Violation[] {
  return checkEach(
    deploymentCoverage,
    (coverage) => ({ address: coverage.deployment.address, label: coverage.label }),
    check,
  );
}

function securityContextOf(body: JsonObject | undefined): JsonObject | undefined {
  return nested(body, "security_context");
}

/** The container's setting, else the pod's: the container's wins in Kubernetes. */
function effective<T>(
  container: PodContainer,
  template: PodTemplate,
  read: (context: JsonObject | undefined) => T | undefined,
): T | undefined {
  return read(securityContextOf(container.body)) ?? read(securityContextOf(template.spec));
}

const ALLOWED_VOLUME_SOURCES = new Set([
  "config_map",
  "csi",
  "downward_api",
  "empty_dir",
  "ephemeral",
  "persistent_volume_claim",
  "projected",
  "secret",
]);

/** Programs that exist in a shell image but not in the distroless runtime. */
const SHELL_PROGRAMS = new Set(["sh", "bash", "ash", "dash", "zsh", "busybox", "sleep", "curl", "wget"]);

function execCommandsOf(container: PodContainer): { where: string; command: string[] }[] {
  const probes = ["startup_probe", "liveness_probe", "readiness_probe"].map((probe) => ({
    where: probe,
    command: stringsAt(nested(container.body, probe, "exec"), "command"),
  }));
  const hooks = ["post_start", "pre_stop"].map((hook) => ({
    where: `lifecycle ${hook}`,
    command: stringsAt(nested(container.body, "lifecycle", hook, "exec"), "command"),
  }));
  return [{ where: "command", command: stringsAt(container.body, "command") }, ...probes, ...hooks].filter(
    (entry) => entry.command.length > 0,
  );
}

export const KUBERNETES_RULES: readonly PolicyRule[] = [
  {
    id: "K8S001",
    severity: "error",
    description: "Every container runs as a non-root user (runAsNonRoot, uid not 0)",
    source: SOURCES.podSecurityRestricted("Running as Non-root"),
    fix: 'set security_context.run_as_non_root = true and run_as_user = "1000" on the pod',
    check: eachContainer((container, template) => {
      if (effective(container, template, (context) => booleanAt(context, "run_as_non_root")) !== true) {
        return "may run as root (run_as_non_root is not true on the container or the pod)";
      }
      return effective(container, template, (context) => numberAt(context, "run_as_user")) === 0
        ? "runs as uid 0"
        : undefined;
    }),
  },
  {
    id: "K8S002",
    severity: "error",
    description: "No container can gain more privileges than its process (allowPrivilegeEscalation: false)",
    source: SOURCES.podSecurityRestricted("Privilege Escalation"),
    fix: "set security_context.allow_privilege_escalation = false on every container",
    check: eachContainer((container) =>
      booleanAt(securityContextOf(container.body), "allow_privilege_escalation") === false
        ? undefined
        : "allows privilege escalation",
    ),
  },
  {
    id: "K8S003",
    severity: "error",
    description: "Every container drops ALL capabilities and adds none but NET_BIND_SERVICE",
    source: SOURCES.podSecurityRestricted("Capabilities"),
    fix: 'set security_context.capabilities { drop = ["ALL"] } on every container',
    check: eachContainer((container) => {
      const capabilities = nested(container.body, "security_context", "capabilities");
      if (!stringsAt(capabilities, "drop").includes("ALL")) {
        return "does not drop ALL capabilities";
      }
      const added = stringsAt(capabilities, "add").filter((capability) => capability !== "NET_BIND_SERVICE");
      return added.length === 0 ? undefined : `adds capabilities ${added.join(", ")}`;
    }),
  },
  {
    id: "K8S004",
    severity: "error",
    description: "Every container runs under the RuntimeDefault (or a Localhost) seccomp profile",
    source: SOURCES.podSecurityRestricted("Seccomp"),
    fix: 'set security_context.seccomp_profile { type = "RuntimeDefault" } on the pod',
    check: eachContainer((container, template) => {
      const type = effective(container, template, (context) => stringAt(nested(context, "seccomp_profile"), "type"));
      return type === "RuntimeDefault" || type === "Localhost"
        ? undefined
        : `has seccomp profile ${type === undefined ? "unset" : `'${type}'`}`;
    }),
  },
  {
    id: "K8S005",
    severity: "error",
    description:
      "Pods share nothing with the node: no host namespaces, host ports, privileged containers or unsafe sysctls",
    source: SOURCES.podSecurityBaseline("Host Namespaces, Privileged, Host Ports"),
    fix: "remove host_network/host_pid/host_ipc, privileged, host_port and unsafe sysctls",
    check: eachPodTemplate((template) => {
      const pod = template.spec;
      const podContext = securityContextOf(pod);
      return [
        ...["host_network", "host_pid", "host_ipc"]
          .filter((setting) => booleanAt(pod, setting) === true)
          .map((setting) => `pod sets ${setting}`),
        ...blocks(podContext?.sysctl)
          .map((sysctl) => stringAt(sysctl, "name") ?? "?")
          .filter((name) => !SAFE_SYSCTLS.has(name))
          .map((name) => `pod sets unsafe sysctl ${name}`),
        ...[podContext, ...template.containers.map((container) => securityContextOf(container.body))]
          .map((context) => stringAt(nested(context, "se_linux_options"), "type"))
          .filter((type): type is string => type !== undefined && !ALLOWED_SELINUX_TYPES.has(type))
          .map((type) => `sets SELinux type ${type}`),
        ...(booleanAt(nested(podContext, "windows_options"), "host_process") === true
          ? ["pod is a Windows host process"]
          : []),
        ...template.containers.flatMap((container) => [
          ...(booleanAt(securityContextOf(container.body), "privileged") === true
            ? [`${container.label} is privileged`]
            : []),
          ...blocks(container.body.port)
            .filter((port) => (numberAt(port, "host_port") ?? 0) !== 0)
            .map((port) => `${container.label} binds host port ${jsonText(port.host_port)}`),
        ]),
      ];
    }),
  },
  {
    id: "K8S006",
    severity: "error",
    description: "Pods mount only restricted volume types (configMap, secret, emptyDir, projected, PVC, CSI, ...)",
    source: SOURCES.podSecurityRestricted("Volume Types"),
    fix: "replace host_path and other node-bound volumes with empty_dir, config_map, secret or a persistent_volume_claim",
    check: eachPodTemplate((template) =>
      blocks(template.spec.volume).flatMap((volume) =>
        Object.keys(volume)
          .filter(
            (key) =>
              key !== "name" && !ALLOWED_VOLUME_SOURCES.has(key) && volume[key] !== undefined && volume[key] !== null,
          )
          .map((key) => `volume '${stringAt(volume, "name") ?? "?"}' is of type ${key}`),
      ),
    ),
  },
  {
    id: "K8S007",
    severity: "error",
    description: "Every container has a read-only root filesystem (writable emptyDir mounts where needed)",
    source: SOURCES.kubeScore("container-security-context-readonlyrootfilesystem"),
    fix: "set security_context.read_only_root_filesystem = true and mount an empty_dir at /tmp if the app writes there",
    check: eachContainer((container) =>
      booleanAt(securityContextOf(container.body), "read_only_root_filesystem") === true
        ? undefined
        : "has a writable root filesystem",
    ),
  },
  {
    id: "K8S008",
    severity: "error",
    description: "Every serving container has startup, liveness and readiness probes",
    source: SOURCES.kubeScore("pod-probes"),
    fix: "add startup_probe (/health), liveness_probe (/liveness) and readiness_probe (/readiness) http_get probes",
    check: eachContainer(
      (container) => {
        const missing = ["startup_probe", "liveness_probe", "readiness_probe"].filter(
          (probe) => nested(container.body, probe) === undefined,
        );
        return missing.length === 0 ? undefined : `has no ${missing.join(", ")}`;
      },
      (container, template) => template.longRunning && !container.init,
    ),
  },
  {
    id: "K8S009",
    severity: "error",
    description: "Every container declares CPU and memory requests and limits",
    source: SOURCES.kubeScore("container-resources"),
    fix: "set resources { requests = { cpu, memory }, limits = { cpu, memory } } (defaults: limits 1 CPU, 512Mi)",
    check: eachContainer((container) => {
      const resources = nested(container.body, "resources");
      const missing = (["limits", "requests"] as const).flatMap((kind) => {
        const amounts = mapAt(resources, kind);
        return ["cpu", "memory"]
          .filter((resource) => amounts[resource] === undefined)
          .map((resource) => `${kind}.${resource}`);
      });
      return missing.length === 0 ? undefined : `has no ${missing.join(", ")}`;
    }),
  },
  {
    id: "K8S010",
    severity: "error",
    description: "No container image is `:latest` or untagged",
    source: SOURCES.kubeScore("container-image-tag"),
    fix: "reference the image by digest (ServiceImage.reference: repository@sha256:...) or at least a version tag",
    check: eachContainer((container) => {
      const image = stringAt(container.body, "image");
      if (image === undefined) {
        return "has no image";
      }
      const problem = unversionedImageProblem(image);
      return problem === undefined ? undefined : `image '${image}' ${problem}`;
    }),
  },
  {
    id: "K8S011",
    severity: "error",
    description: "Production containers run images by digest (repository@sha256:..., literal or resolved by Terraform)",
    source: SOURCES.deliverySpec("production accepts only digest-pinned images"),
    fix: "use the ServiceImage reference (repository@<the pipeline's digest variable>) or repository@sha256:<digest>",
    check: (stack) =>
      stack.production
        ? eachContainer((container) => {
            const image = stringAt(container.body, "image") ?? "";
            return isDigestPinned(image) ? undefined : `image '${image}' is not pinned by digest`;
          })(stack)
        : [],
  },
  {
    id: "K8S012",
    severity: "error",
    description: "Every Deployment is scaled by a HorizontalPodAutoscaler",
    source: SOURCES.deliverySpec("resource limits with horizontal scaling"),
    fix: "add a kubernetes_horizontal_pod_autoscaler_v2 whose scale_target_ref names the Deployment",
    check: eachDeployment((coverage) =>
      coverage.autoscalers.length > 0 ? undefined : "has no HorizontalPodAutoscaler targeting it",
    ),
  },
  {
    id: "K8S013",
    severity: "error",
    description: "Every Deployment's pods are covered by a PodDisruptionBudget",
    source: SOURCES.kubeScore("deployment-has-poddisruptionbudget"),
    fix: "add a kubernetes_pod_disruption_budget_v1 (max_unavailable = 1) whose selector matches the pod labels",
    check: eachDeployment((coverage) =>
      coverage.disruptionBudgets.length > 0 ? undefined : "has no PodDisruptionBudget selecting its pods",
    ),
  },
  {
    id: "K8S014",
    severity: "error",
    description: "Every Deployment's pods are isolated by NetworkPolicies for both ingress and egress",
    source: SOURCES.kubeScore("pod-networkpolicy"),
    fix: "add a default-deny kubernetes_network_policy_v1 (pod_selector {}, policy_types Ingress and Egress) and explicit allows",
    check: eachDeployment((coverage) => {
      const open = [
        ...(coverage.ingressPolicies.length === 0 ? ["ingress"] : []),
        ...(coverage.egressPolicies.length === 0 ? ["egress"] : []),
      ];
      return open.length === 0 ? undefined : `has no NetworkPolicy restricting ${open.join(" and ")}`;
    }),
  },
  {
    id: "K8S015",
    severity: "warning",
    description: "A Deployment scaled by an autoscaler sets no static replica count",
    source: SOURCES.kubeScore("deployment-targeted-by-hpa-does-not-have-replicas-configured"),
    fix: "leave spec.replicas unset: every apply would otherwise reset the autoscaler's scale",
    check: eachDeployment((coverage) => {
      const replicas = nested(coverage.deployment.body, "spec")?.replicas;
      return coverage.autoscalers.length > 0 && replicas !== undefined && replicas !== null
        ? `sets replicas = ${jsonText(replicas)} although ${coverage.autoscalers.map((block) => block.address).join(", ")} scales it`
        : undefined;
    }),
  },
  {
    id: "K8S016",
    severity: "warning",
    description: "Pods do not mount a service account token",
    source: SOURCES.kubernetesChecklist("service account tokens"),
    fix: "set automount_service_account_token = false on the pod spec (the provider's default is true)",
    check: eachPodTemplate((template) =>
      booleanAt(template.spec, "automount_service_account_token") === false
        ? []
        : ["pod mounts a service account token (automount_service_account_token is not false)"],
    ),
  },
  {
    id: "K8S017",
    severity: "warning",
    description: "Commands, probes and hooks need no shell or shell tools (the distroless image has none)",
    source: SOURCES.deliverySpec("distroless runtime without shell"),
    fix: "use http_get/tcp_socket probes and exec-form commands of the app itself, not sh, sleep or curl",
    check: eachContainer((container) => {
      const shelled = execCommandsOf(container).filter((entry) =>
        SHELL_PROGRAMS.has((entry.command[0] ?? "").split("/").pop() ?? ""),
      );
      return shelled.length === 0
        ? undefined
        : shelled.map((entry) => `${entry.where} runs '${entry.command[0] ?? ""}'`).join(", ");
    }),
  },
  {
    id: "K8S018",
    severity: "error",
    description: "Every namespace enforces the Pod Security Standards `restricted` profile",
    source: SOURCES.podSecurityAdmission(),
    fix: "label the namespace pod-security.kubernetes.io/enforce=restricted (RestrictedNamespace does)",
    check: (stack) =>
      stack.resources("kubernetes_namespace", "kubernetes_namespace_v1").flatMap((namespace) => {
        const enforce = mapAt(nested(namespace.body, "metadata"), "labels")["pod-security.kubernetes.io/enforce"];
        return enforce === "restricted"
          ? []
          : [
              {
                address: namespace.address,
                message: `namespace enforces ${enforce === undefined ? "no Pod Security level" : `'${enforce}'`}`,
              },
            ];
      }),
  },
  {
    id: "K8S019",
    severity: "error",
    description: "Kubernetes Secret values come only from sensitive Terraform variables",
    source: SOURCES.kubernetesSecrets(),
    fix: "take every value from SensitiveVariable.of(...).stringValue (or a jsonencode() of such variables)",
    check: (stack) =>
      stack.resources("kubernetes_secret", "kubernetes_secret_v1").flatMap((secret) =>
        ["data", "binary_data", "data_wo", "binary_data_wo"].flatMap((attribute) => {
          const values = isObject(secret.body[attribute]) ? mapAt(secret.body, attribute) : {};
          return Object.entries(values).flatMap(([key, value]) => {
            const problem = value === "" ? undefined : secretValueProblem(stack, value, false);
            return problem === undefined
              ? []
              : [{ address: secret.address, message: `${attribute}.${key} ${problem}` }];
          });
        }),
      ),
  },
  {
    id: "K8S020",
    severity: "error",
    description:
      "No production container falls back to a registry lookup of a tag (a moving tag would move the live colour)",
    source: SOURCES.deliverySpec("production accepts only digest-pinned images"),
    fix: "take the digest from the deploy pipeline's image variable (ServiceImage: a digest or no pods), never from data.docker_registry_image",
    check: (stack) =>
      stack.production
        ? eachContainer((container) => {
            const image = stringAt(container.body, "image") ?? "";
            const lookups = [...image.matchAll(/data\.docker_registry_image\.([A-Za-z0-9_-]+)/g)].map(
              (match) =>
                stringAt(stack.block(`data.docker_registry_image.${match[1] ?? ""}`)?.body, "name") ?? match[0],
            );
            return lookups.length === 0
              ? undefined
              : `image '${image}' follows the registry lookup of ${lookups.map((name) => `'${name}'`).join(", ")}, which resolves again on every plan`;
          })(stack)
        : [],
  },
  {
    id: "K8S021",
    severity: "error",
    description:
      "Every service URL of an environment has a route (HTTPRoute or Ingress) for its host in that stack, with TLS for https",
    source: SOURCES.gatewayApi(),
    fix: "give the service a route (WebService routing.route): health checks and the blue-green switch go through it",
    check: (stack) => {
      const routes = routedHosts(stack);
      const hosts = new Set(routes.map((route) => route.host));
      return stack
        .resources("github_actions_environment_variable")
        .filter((variable) => stringAt(variable.body, "variable_name") === "APP_URL")
        .flatMap((variable) => {
          const url = stringAt(variable.body, "value") ?? "";
          const [, scheme, host] = /^(https?):\/\/([^/:]+)/.exec(url) ?? [];
          if (host === undefined) {
            return [];
          }
          if (!hosts.has(host)) {
            return [
              { address: variable.address, message: `URL '${url}' has no HTTPRoute or Ingress for host '${host}'` },
            ];
          }
          // A Gateway terminates TLS at its listener; an Ingress needs its own tls entry.
          const secured = routes.some((route) => route.host === host && route.tls);
          return scheme === "https" && !secured
            ? [
                {
                  address: variable.address,
                  message: `URL '${url}' is https, but the Ingress for '${host}' has no TLS`,
                },
              ]
            : [];
        });
    },
  },
  {
    id: "K8S022",
    severity: "error",
    description: "Disruption budgets bound evictions with maxUnavailable, not minAvailable",
    source: SOURCES.kubernetesDisruptions(),
    fix: 'set max_unavailable = "1" (or a percentage): min_available lets a drain evict all but that many pods at once',
    check: (stack) =>
      stack.resources("kubernetes_pod_disruption_budget", "kubernetes_pod_disruption_budget_v1").flatMap((budget) => {
        const spec = nested(budget.body, "spec");
        const maxUnavailable = spec?.max_unavailable;
        return maxUnavailable === undefined || maxUnavailable === null
          ? [
              {
                address: budget.address,
                message: `sets no max_unavailable${spec?.min_available === undefined ? "" : ` (min_available = ${jsonText(spec.min_available)})`}`,
              },
            ]
          : [];
      }),
  },
  {
    id: "K8S023",
    severity: "error",
    description:
      "A stack that runs workloads writes no cluster-scoped object (namespaces, cluster RBAC) and no RBAC of its own",
    source: SOURCES.kubernetesRbac(),
    fix: "create namespaces, quotas, limit ranges and Roles in the environment's cluster stack, with its cluster-level credential",
    check: (stack) =>
      podTemplatesOf(stack).length === 0
        ? []
        : stack.resources(...PRIVILEGED_RESOURCE_TYPES).map((block) => ({
            address: block.address,
            message: `a stack with workloads writes ${block.type}: its credential would need rights beyond its namespace`,
          })),
  },
];

/**
 * What a namespaced deployer must not be able to write: cluster-scoped objects, the namespace's
 * own limits, and RBAC (with which it could grant itself more).
 */
const PRIVILEGED_RESOURCE_TYPES = [
  "kubernetes_namespace",
  "kubernetes_namespace_v1",
  "kubernetes_resource_quota",
  "kubernetes_resource_quota_v1",
  "kubernetes_limit_range",
  "kubernetes_limit_range_v1",
  "kubernetes_cluster_role",
  "kubernetes_cluster_role_v1",
  "kubernetes_cluster_role_binding",
  "kubernetes_cluster_role_binding_v1",
  "kubernetes_role",
  "kubernetes_role_v1",
  "kubernetes_role_binding",
  "kubernetes_role_binding_v1",
];

/** The hosts the stack's HTTPRoutes and Ingresses route, and whether TLS covers each. */
function routedHosts(stack: SynthesizedStack): { host: string; tls: boolean }[] {
  const routes = stack
    .resources("kubernetes_manifest")
    .map((block) => nested(block.body, "manifest"))
    .filter((manifest) => stringAt(manifest, "kind") === "HTTPRoute")
    .flatMap((manifest) => stringsAt(nested(manifest, "spec"), "hostnames"))
    .map((host) => ({ host, tls: true }));
  // A Flagger Canary's hosts become the hostnames of the HTTPRoute Flagger generates
  // (pkg/router/gateway_api.go at v1.44.0, Reconcile).
  const canaries = stack
    .resources("kubernetes_manifest")
    .map((block) => nested(block.body, "manifest"))
    .filter((manifest) => stringAt(manifest, "kind") === "Canary")
    .flatMap((manifest) => stringsAt(nested(manifest, "spec", "service"), "hosts"))
    .map((host) => ({ host, tls: true }));
  const ingresses = stack.resources("kubernetes_ingress", "kubernetes_ingress_v1").flatMap((block) => {
    const spec = nested(block.body, "spec");
    const secured = new Set(blocks(spec?.tls).flatMap((entry) => stringsAt(entry, "hosts")));
    return blocks(spec?.rule).flatMap((rule) => {
      const host = stringAt(rule, "host");
      return host === undefined ? [] : [{ host, tls: secured.has(host) }];
    });
  });
  return [...routes, ...canaries, ...ingresses];
}
