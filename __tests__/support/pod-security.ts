import type { IContainer, IPodSpec, ISecurityContext } from "kubernetes-models/v1";
import { ALLOWED_SELINUX_TYPES, SAFE_SYSCTLS } from "../../policy/pod-security-standards";

/**
 * The Pod Security Standards `restricted` profile (which includes `baseline`), as Pod Security
 * Admission enforces it in Kubernetes 1.33: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * Returns one line per violation; [] when the pod would be admitted to a restricted namespace.
 */
export function restrictedProfileViolations(
  spec: IPodSpec,
  annotations: Readonly<Record<string, string>> = {},
): string[] {
  const violations: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers: { label: string; container: IContainer }[] = [
    ...(spec.initContainers ?? []).map((container) => ({ label: `initContainers[${container.name}]`, container })),
    ...spec.containers.map((container) => ({ label: `containers[${container.name}]`, container })),
    ...(spec.ephemeralContainers ?? []).map((container) => ({
      label: `ephemeralContainers[${container.name}]`,
      container: container,
    })),
  ];
  const report = (where: string, rule: string) => violations.push(`${where}: ${rule}`);

  // baseline: host namespaces, host processes, privileged containers, host paths and ports
  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (spec[field] === true) {
      report("spec", `${field} must not be true`);
    }
  }
  if (pod.windowsOptions?.hostProcess === true) {
    report("spec.securityContext", "windowsOptions.hostProcess must not be true");
  }
  for (const volume of spec.volumes ?? []) {
    if (volume.hostPath !== undefined) {
      report(`volumes[${volume.name}]`, "hostPath volumes are not allowed");
    }
    const types = Object.keys(volume).filter((key) => key !== "name");
    for (const type of types.filter((key) => !RESTRICTED_VOLUME_TYPES.has(key))) {
      report(
        `volumes[${volume.name}]`,
        `volume type ${type} is not allowed (only ${[...RESTRICTED_VOLUME_TYPES].join(", ")})`,
      );
    }
  }
  for (const sysctl of pod.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) {
      report("spec.securityContext", `sysctl ${sysctl.name} is not in the safe set`);
    }
  }
  checkProfiles("spec.securityContext", pod, report);
  if (pod.runAsUser === 0) {
    report("spec.securityContext", "runAsUser must not be 0");
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith("container.apparmor.security.beta.kubernetes.io/") && !isAllowedAppArmor(value)) {
      report(`annotations[${key}]`, `AppArmor profile ${value} is not allowed`);
    }
  }

  for (const { label, container } of containers) {
    const context: ISecurityContext = container.securityContext ?? {};
    if (context.privileged === true) {
      report(label, "privileged must not be true");
    }
    if (context.windowsOptions?.hostProcess === true) {
      report(label, "windowsOptions.hostProcess must not be true");
    }
    for (const port of container.ports ?? []) {
      if (port.hostPort !== undefined && port.hostPort !== 0) {
        report(label, `hostPort ${port.hostPort} is not allowed`);
      }
    }
    if (context.procMount !== undefined && context.procMount !== "Default") {
      report(label, "procMount must be Default");
    }
    checkProfiles(label, context, report);

    // restricted
    if (context.allowPrivilegeEscalation !== false) {
      report(label, "allowPrivilegeEscalation must be false");
    }
    if (context.runAsNonRoot === false || (context.runAsNonRoot !== true && pod.runAsNonRoot !== true)) {
      report(label, "runAsNonRoot must be true (on the pod or the container)");
    }
    if (context.runAsUser === 0) {
      report(label, "runAsUser must not be 0");
    }
    const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
      report(label, "seccompProfile.type must be RuntimeDefault or Localhost (on the pod or the container)");
    }
    if (!(context.capabilities?.drop ?? []).includes("ALL")) {
      report(label, "capabilities must drop ALL");
    }
    for (const added of (context.capabilities?.add ?? []).filter((capability) => capability !== "NET_BIND_SERVICE")) {
      report(label, `capability ${added} must not be added (only NET_BIND_SERVICE)`);
    }
  }
  return violations;
}

/** Checks shared by the pod's and each container's security context (baseline). */
function checkProfiles(
  where: string,
  context: Pick<ISecurityContext, "seccompProfile" | "seLinuxOptions" | "appArmorProfile">,
  report: (where: string, rule: string) => void,
): void {
  if (context.seccompProfile?.type === "Unconfined") {
    report(where, "seccompProfile.type must not be Unconfined");
  }
  if (context.appArmorProfile?.type === "Unconfined") {
    report(where, "appArmorProfile.type must not be Unconfined");
  }
  const selinux = context.seLinuxOptions;
  if (selinux?.type !== undefined && !ALLOWED_SELINUX_TYPES.has(selinux.type)) {
    report(where, `seLinuxOptions.type ${selinux.type} is not allowed`);
  }
  if ((selinux?.user ?? "") !== "" || (selinux?.role ?? "") !== "") {
    report(where, "seLinuxOptions.user and role must not be set");
  }
}

function isAllowedAppArmor(value: string): boolean {
  return value === "runtime/default" || value.startsWith("localhost/");
}

const RESTRICTED_VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
