import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IPodSpec } from "kubernetes-models/v1";
import { POD_SECURITY_VERSION } from "../../constructs/kubernetes";
import {
  clusterStackId,
  DEVELOPMENT_STACK_ID,
  ENVIRONMENT_NAMES,
  githubStackId,
  serviceEnvironmentStackId,
} from "../../lib/domain";
import { configWith } from "../support/config-text";
import { KUBERNETES_RESOURCE_KINDS, kubernetesObjectsOf, objectsOfKind } from "../support/kubernetes-objects";
import { schemaErrors } from "../support/kubernetes-schemas";
import { restrictedProfileViolations } from "../support/pod-security";
import { stackOf, synthesizeConfig, synthesizeDefaultConfig, groupOf, type SynthesizedApp } from "../support/synth";

// The other shape of every switch: several services, production rolling and staging blue-green,
// a service without secrets or pre-stop hook, no egress endpoints, no quota.
const variant = synthesizeConfig(
  configWith(
    [["services", 1], { name: "billing-api", shutdown: { drainSeconds: 0 } }],
    [["environments", "production", "strategy"], "rolling"],
    [["environments", "production", "quota"], "delete"],
    [["environments", "production", "limitRange"], "delete"],
    [["environments", "staging", "strategy"], "blue-green"],
    [["environments", "staging", "activeColor"], "green"],
    [["environments", "staging", "network", "egress"], []],
  ),
);

/** Every stack that writes Kubernetes objects: each environment's shared, service and cluster stacks. */
const kubernetesStackIds = (app: SynthesizedApp) =>
  Object.keys(app.stacks).filter((id) => id !== DEVELOPMENT_STACK_ID && !id.startsWith(githubStackId("")));

describe.each([
  ["default", synthesizeDefaultConfig()],
  ["variant", variant],
] as const)("Kubernetes objects of the %s configuration", (_, app) => {
  it("are written by the shared, service and cluster stacks of each environment", () => {
    expect(kubernetesStackIds(app)).toEqual(
      expect.arrayContaining([...ENVIRONMENT_NAMES, ...ENVIRONMENT_NAMES.map(clusterStackId)]),
    );
    expect(kubernetesStackIds(app).length).toBeGreaterThan(2 * ENVIRONMENT_NAMES.length);
  });

  it.each(kubernetesStackIds(app))("validate against the Kubernetes OpenAPI schemas in the %s stack", (id) => {
    const objects = kubernetesObjectsOf(stackOf(app, id));
    expect(objects.length).toBeGreaterThan(0);
    const problems = objects
      .map(({ address, object }) => ({ address, errors: schemaErrors(object) }))
      .filter((entry) => entry.errors.length > 0);
    expect(problems).toEqual([]);
  });

  it.each(ENVIRONMENT_NAMES)(
    "include only pod templates the Pod Security Standards 'restricted' profile admits, in the %s environment",
    (id) => {
      const deployments = objectsOfKind<IDeployment>(kubernetesObjectsOf(groupOf(app, id)), "Deployment");
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) {
        const template = deployment.spec?.template;
        expect({
          deployment: deployment.metadata?.name,
          violations: restrictedProfileViolations(template?.spec as IPodSpec, template?.metadata?.annotations),
        }).toEqual({ deployment: deployment.metadata?.name, violations: [] });
      }
    },
  );

  it.each(ENVIRONMENT_NAMES)(
    "enforce, audit and warn on that profile, at a pinned version, in the %s namespace (its cluster-<environment> stack)",
    (id) => {
      const namespace = kubernetesObjectsOf(stackOf(app, clusterStackId(id))).find(
        ({ object }) => object.kind === "Namespace",
      )?.object;
      expect(namespace?.metadata.labels).toMatchObject({
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
      });
    },
  );

  it.each(kubernetesStackIds(app))("are all of a kind the schema check knows, in the %s stack", (id) => {
    const types = Object.keys(stackOf(app, id).resource ?? {}).filter((type) => type.startsWith("kubernetes_"));
    expect(types.filter((type) => KUBERNETES_RESOURCE_KINDS[type] === undefined)).toEqual([]);
  });
});

describe("the variant configuration", () => {
  it("creates the full set for every service in its own stack of both environments", () => {
    for (const id of ENVIRONMENT_NAMES) {
      for (const name of ["orders-api", "billing-api"]) {
        const kinds = kubernetesObjectsOf(stackOf(variant, serviceEnvironmentStackId(id, name))).map(
          ({ object }) => `${object.kind}/${object.metadata.name ?? ""}`,
        );
        expect(kinds).toEqual(
          expect.arrayContaining([
            `ServiceAccount/${name}`,
            `ConfigMap/${name}-settings`,
            `Service/${name}`,
            `NetworkPolicy/${name}-ingress`,
          ]),
        );
      }
    }
  });

  it("runs production rolling (one Deployment per service) and staging blue-green when so configured", () => {
    const deploymentNames = (id: (typeof ENVIRONMENT_NAMES)[number]) =>
      kubernetesObjectsOf(groupOf(variant, id))
        .filter(({ object }) => object.kind === "Deployment")
        .map(({ object }) => object.metadata.name)
        .sort();
    expect(deploymentNames("production")).toEqual(["billing-api", "orders-api"]);
    expect(deploymentNames("staging")).toEqual([
      "billing-api-blue",
      "billing-api-green",
      "orders-api-blue",
      "orders-api-green",
    ]);
    expect(
      Object.keys(groupOf(variant, "staging").variable ?? {}).filter((name) => name.endsWith("_active_color")),
    ).toEqual(["billing_api_active_color", "orders_api_active_color"]);
  });

  it("gives a service without secrets no Secret, and one with drainSeconds 0 no pre-stop hook", () => {
    const objects = kubernetesObjectsOf(groupOf(variant, "production"));
    expect(objects.map(({ object }) => `${object.kind}/${object.metadata.name ?? ""}`)).not.toContain(
      "Secret/billing-api-secrets",
    );
    const billing = objects.find(
      ({ object }) => object.kind === "Deployment" && object.metadata.name === "billing-api",
    );
    expect(JSON.stringify(billing?.object)).not.toContain("preStop");
    expect(JSON.stringify(billing?.object)).not.toContain("secretRef");
  });

  it("writes no external egress policy when no endpoint is configured", () => {
    const names = kubernetesObjectsOf(groupOf(variant, "staging")).map(({ object }) => object.metadata.name);
    expect(names).not.toContain("allow-external-egress");
    expect(names).toEqual(expect.arrayContaining(["default-deny", "allow-dns"]));
  });
});
