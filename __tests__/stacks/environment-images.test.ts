import { configWith } from "../support/config-text";
import { stackOf, synthesizeConfig, synthesizeDefaultConfig, groupOf } from "../support/synth";
import { stringsIn } from "../../lib/terraform-json/terraform-json";
import { evaluateWorkload } from "../support/workload-evaluation";

const DIGEST = `sha256:${"d".repeat(64)}`;
const PASSED = `sha256:${"e".repeat(64)}`;

describe("images in the environment stacks", () => {
  const app = synthesizeDefaultConfig();

  it("gives staging one image variable and production one per colour", () => {
    expect(Object.keys(groupOf(app, "staging").variable ?? {}).filter((name) => name.includes("image"))).toEqual([
      "orders_api_image",
    ]);
    expect(Object.keys(groupOf(app, "production").variable ?? {}).filter((name) => name.includes("image"))).toEqual([
      "orders_api_image_blue",
      "orders_api_image_green",
    ]);
  });

  it("asks no registry at plan time: no registry lookup and no Docker provider in the environment stacks", () => {
    for (const id of ["staging", "production"]) {
      const stack = stackOf(app, id);
      expect(stack.data?.docker_registry_image).toBeUndefined();
      expect(stack.provider?.docker).toBeUndefined();
    }
  });

  it("pulls with registry credentials from sensitive variables only", () => {
    for (const id of ["staging", "production"]) {
      const stack = stackOf(app, id);
      const secret = stack.resource?.kubernetes_secret_v1 ?? {};
      const pull = Object.values(secret).find((body) => (body.type as string) === "kubernetes.io/dockerconfigjson");
      const variables = stringsIn(pull).flatMap((entry) =>
        [...entry.value.matchAll(/var\.([a-z0-9_]+)/g)].map((m) => m[1]),
      );
      expect(variables.length).toBeGreaterThan(0);
      for (const name of variables) {
        expect(stack.variable?.[name ?? ""]).toMatchObject({ sensitive: true });
      }
    }
  });
});

describe("a bootstrap digest in the configuration", () => {
  const app = synthesizeConfig(
    configWith(
      [["services", 0, "environments", "production", "image"], { digest: DIGEST }],
      [["services", 0, "environments", "staging", "image"], { digest: DIGEST }],
    ),
  );

  it("runs on both colours while their variables are empty, and a passed digest replaces it on one colour only", () => {
    const production = groupOf(app, "production");
    expect(evaluateWorkload(production, "orders-api", {})).toMatchObject({
      deployments: {
        blue: { exists: true, image: `ghcr.io/acme-platform/orders-api@${DIGEST}` },
        green: { exists: true, image: `ghcr.io/acme-platform/orders-api@${DIGEST}` },
      },
    });
    expect(evaluateWorkload(production, "orders-api", { orders_api_image_green: PASSED })).toMatchObject({
      deployments: {
        blue: { image: `ghcr.io/acme-platform/orders-api@${DIGEST}` },
        green: { image: `ghcr.io/acme-platform/orders-api@${PASSED}` },
      },
    });
  });

  it("runs in staging while its variable is empty", () => {
    expect(evaluateWorkload(groupOf(app, "staging"), "orders-api", {})).toMatchObject({
      deployments: { main: { exists: true, image: `ghcr.io/acme-platform/orders-api@${DIGEST}` } },
    });
  });
});
