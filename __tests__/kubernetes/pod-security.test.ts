import type { IPodSpec } from "kubernetes-models/v1";
import { restrictedProfileViolations } from "../support/pod-security";

// The synthesized pod templates are checked with this in api-conformance.test.ts.

describe("the restricted-profile check (the checker checks)", () => {
  const compliant = (): IPodSpec => ({
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "app",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        ports: [{ containerPort: 8000 }],
      },
    ],
    volumes: [{ name: "tmp", emptyDir: {} }],
  });

  it("admits a compliant pod", () => {
    expect(restrictedProfileViolations(compliant())).toEqual([]);
  });

  it("admits NET_BIND_SERVICE as the one added capability and container-level settings instead of pod-level ones", () => {
    const spec = compliant();
    spec.securityContext = {};
    spec.containers[0] = {
      name: "app",
      securityContext: {
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        seccompProfile: { type: "Localhost", localhostProfile: "p.json" },
        capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
      },
    };
    expect(restrictedProfileViolations(spec)).toEqual([]);
  });

  const container = (spec: IPodSpec) => spec.containers[0] as NonNullable<IPodSpec["containers"][0]>;
  it.each<[string, (spec: IPodSpec) => void, string]>([
    ["host networking", (spec) => void (spec.hostNetwork = true), "spec: hostNetwork must not be true"],
    ["the host PID namespace", (spec) => void (spec.hostPID = true), "spec: hostPID must not be true"],
    ["the host IPC namespace", (spec) => void (spec.hostIPC = true), "spec: hostIPC must not be true"],
    [
      "a hostPath volume",
      (spec) => void (spec.volumes = [{ name: "h", hostPath: { path: "/" } }]),
      "volumes[h]: hostPath volumes are not allowed",
    ],
    [
      "a volume type outside the allowed list",
      (spec) => void (spec.volumes = [{ name: "n", nfs: { server: "s", path: "/" } }]),
      "volumes[n]: volume type nfs is not allowed",
    ],
    [
      "a host port",
      (spec) => void (container(spec).ports = [{ containerPort: 80, hostPort: 80 }]),
      "containers[app]: hostPort 80 is not allowed",
    ],
    [
      "a privileged container",
      (spec) => void (container(spec).securityContext = { ...container(spec).securityContext, privileged: true }),
      "containers[app]: privileged must not be true",
    ],
    [
      "privilege escalation left on",
      (spec) => void (container(spec).securityContext = { capabilities: { drop: ["ALL"] } }),
      "containers[app]: allowPrivilegeEscalation must be false",
    ],
    [
      "a pod that may run as root",
      (spec) => void (spec.securityContext = { seccompProfile: { type: "RuntimeDefault" } }),
      "containers[app]: runAsNonRoot must be true",
    ],
    [
      "uid 0",
      (spec) => void (spec.securityContext = { ...spec.securityContext, runAsUser: 0 }),
      "spec.securityContext: runAsUser must not be 0",
    ],
    [
      "no seccomp profile",
      (spec) => void (spec.securityContext = { runAsNonRoot: true }),
      "containers[app]: seccompProfile.type must be RuntimeDefault or Localhost",
    ],
    [
      "an unconfined seccomp profile",
      (spec) => void (spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } }),
      "spec.securityContext: seccompProfile.type must not be Unconfined",
    ],
    [
      "capabilities kept",
      (spec) => void (container(spec).securityContext = { allowPrivilegeEscalation: false }),
      "containers[app]: capabilities must drop ALL",
    ],
    [
      "an added capability other than NET_BIND_SERVICE",
      (spec) =>
        void (container(spec).securityContext = {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
        }),
      "containers[app]: capability SYS_ADMIN must not be added",
    ],
    [
      "an unsafe sysctl",
      (spec) =>
        void (spec.securityContext = { ...spec.securityContext, sysctls: [{ name: "kernel.msgmax", value: "1" }] }),
      "spec.securityContext: sysctl kernel.msgmax is not in the safe set",
    ],
    [
      "a custom SELinux user",
      (spec) => void (spec.securityContext = { ...spec.securityContext, seLinuxOptions: { user: "root" } }),
      "spec.securityContext: seLinuxOptions.user and role must not be set",
    ],
    [
      "an unmasked /proc",
      (spec) => void (container(spec).securityContext = { ...container(spec).securityContext, procMount: "Unmasked" }),
      "containers[app]: procMount must be Default",
    ],
    [
      "an init container that escalates",
      (spec) => void (spec.initContainers = [{ name: "init", securityContext: { capabilities: { drop: ["ALL"] } } }]),
      "initContainers[init]: allowPrivilegeEscalation must be false",
    ],
  ])("rejects %s", (_, mutate, expected) => {
    const spec = compliant();
    mutate(spec);
    expect(restrictedProfileViolations(spec)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it("rejects an unconfined AppArmor annotation", () => {
    expect(
      restrictedProfileViolations(compliant(), { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" }),
    ).toEqual([expect.stringContaining("AppArmor profile unconfined is not allowed")]);
  });
});
