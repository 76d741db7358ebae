import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import type { DeliveryConfig } from "../../lib/config";
import type { EnvironmentName } from "../../lib/domain";
import { deployableImages } from "../../stacks/service-images";
import { configWith } from "../support/config-text";
import { deployImage, RESOLVED_DIGEST } from "../support/image-deployment";
import { stackOf, synthesizeDefaultConfig } from "../support/synth";
import { jsonText, dataSourcesOf, stringsIn, type TerraformJson } from "../../lib/terraform-json/terraform-json";

const DIGEST = `sha256:${"d".repeat(64)}`;
const PASSED = `sha256:${"e".repeat(64)}`;

/** The images of the first service in one environment, in a stack of their own, with their references. */
function imagesOf(config: DeliveryConfig, environment: EnvironmentName) {
  const stack = new TerraformStack(new App(), environment);
  new DockerProvider(stack, "docker", {});
  const service = config.services[0];
  if (service === undefined) {
    throw new Error("no service");
  }
  const images = deployableImages(stack, config, service, environment);
  images.forEach(({ color, image }) => {
    new TerraformOutput(stack, `image_${color ?? "rolling"}`, { value: image.reference });
  });
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  return images.map(({ color, image }) => ({
    color,
    variable: image.overrideVariable?.friendlyUniqueId ?? "",
    reference: jsonText(json.output?.[`image_${color ?? "rolling"}`]?.value),
    json,
  }));
}

describe("images in the environment stacks", () => {
  const app = synthesizeDefaultConfig();

  it("gives staging one image variable and production one per colour", () => {
    expect(Object.keys(stackOf(app, "staging").variable ?? {}).filter((name) => name.includes("image"))).toEqual([
      "orders_api_image",
    ]);
    expect(Object.keys(stackOf(app, "production").variable ?? {}).filter((name) => name.includes("image"))).toEqual([
      "orders_api_image_blue",
      "orders_api_image_green",
    ]);
  });

  it("looks up the configured tag of each image in the registry, only when no digest is selected", () => {
    for (const [id, tag] of [
      ["staging", "develop"],
      ["production", "main"],
    ] as const) {
      for (const lookup of dataSourcesOf(stackOf(app, id), "docker_registry_image")) {
        expect(lookup.body.name).toMatch(
          new RegExp(
            `^ghcr\\.io/acme-platform/orders-api:\\$\\{coalesce\\(var\\.orders_api_image(_blue|_green)?, "${tag}"\\)\\}$`,
          ),
        );
        expect(lookup.body.count).toMatch(/^\$\{startswith\(coalesce\(.*\), "sha256:"\) \? 0 : 1\}$/);
      }
    }
  });

  it("authenticates to registries only with sensitive variables, in every stack", () => {
    for (const [id, stack] of Object.entries(app.stacks)) {
      for (const provider of stack.provider?.docker ?? []) {
        const credentials = stringsIn(provider).filter((entry) =>
          /(username|password|auth|config_file_content|identity_token|registry_token)$/.test(entry.path),
        );
        for (const credential of credentials) {
          const variable = /^\$\{var\.([a-z0-9_]+)\}$/.exec(credential.value)?.[1];
          expect({ id, path: credential.path, fromVariable: variable !== undefined }).toEqual({
            id,
            path: credential.path,
            fromVariable: true,
          });
          expect(stack.variable?.[variable ?? ""]).toMatchObject({ sensitive: true });
        }
      }
    }
    expect(stackOf(app, "development").provider?.docker).toEqual([{}]);
  });
});

describe("digest pinning in production (every configuration production accepts, every variable value)", () => {
  const selections: [string, Record<string, unknown>][] = [
    ["the default (branch tag, resolved)", {}],
    ["a released tag", { tag: "1.4.2" }],
    ["a configured digest", { digest: DIGEST }],
    ["a configured digest without resolution", { digest: DIGEST, resolveDigest: false }],
  ];

  it.each(selections)("deploys only image@sha256 references with %s", (_, selection) => {
    const config = configWith([["services", 0, "environments", "production", "image"], selection]);
    const images = imagesOf(config, "production");
    expect(images.map((image) => image.color)).toEqual(["blue", "green"]);
    // The colours share one code path; the other colour is covered below.
    for (const image of images.slice(0, 1)) {
      for (const value of ["", "1.5.0", PASSED]) {
        const deployment = deployImage(image.json, image.reference, { [image.variable]: value });
        if ("error" in deployment) {
          // Refused at plan time: nothing is deployed.
          expect(deployment.error).toContain("Invalid value for variable");
          continue;
        }
        expect(deployment.reference).toMatch(/^ghcr\.io\/acme-platform\/orders-api@sha256:[a-f0-9]{64}$/);
      }
    }
  });

  it("passes a digest through to the colour it was given to, and keeps the other colour's", () => {
    const [blue, green] = imagesOf(configWith(), "production");
    if (blue === undefined || green === undefined) {
      throw new Error("expected two colours");
    }
    const variables = { orders_api_image_blue: PASSED, orders_api_image_green: "" };
    expect(deployImage(blue.json, blue.reference, variables)).toMatchObject({
      reference: `ghcr.io/acme-platform/orders-api@${PASSED}`,
    });
    expect(deployImage(green.json, green.reference, variables)).toMatchObject({
      reference: `ghcr.io/acme-platform/orders-api@${RESOLVED_DIGEST}`,
      lookups: [{ count: 1, name: "ghcr.io/acme-platform/orders-api:main" }],
    });
  });
});

describe("staging with resolution turned off", () => {
  it("deploys the configured digest without asking the registry", () => {
    const config = configWith([
      ["services", 0, "environments", "staging", "image"],
      { digest: DIGEST, resolveDigest: false },
    ]);
    const [image] = imagesOf(config, "staging");
    if (image === undefined) {
      throw new Error("expected one image");
    }
    expect(image.json.data).toBeUndefined();
    expect(deployImage(image.json, image.reference, { orders_api_image: "" })).toEqual({
      reference: `ghcr.io/acme-platform/orders-api@${DIGEST}`,
      lookups: [],
    });
  });
});
