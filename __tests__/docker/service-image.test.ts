import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ServiceImage, type ServiceImageProps } from "../../constructs/docker";
import { deployImage, RESOLVED_DIGEST as RESOLVED, type ImageDeployment } from "../support/image-deployment";
import { jsonText, type TerraformJson } from "../../lib/terraform-json/terraform-json";

const REPOSITORY = "ghcr.io/acme/orders-api";
const CONFIGURED = `sha256:${"a".repeat(64)}`;
const PASSED = `sha256:${"b".repeat(64)}`;

interface SynthesizedImage {
  /** The reference as it appears in the synthesized JSON. */
  readonly reference: string;
  readonly json: TerraformJson;
}

function synthesizeImage(props: Partial<ServiceImageProps> = {}): SynthesizedImage {
  const stack = new TerraformStack(new App(), "images");
  new DockerProvider(stack, "docker", {});
  const image = new ServiceImage(stack, "orders-api-image", { repository: REPOSITORY, tag: "develop", ...props });
  // An output shows the reference as a workload's `image` attribute would hold it.
  new TerraformOutput(stack, "reference", { value: image.reference });
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  return { reference: jsonText(json.output?.reference?.value), json };
}

function deploy(image: SynthesizedImage, variableValue: string): ImageDeployment {
  return deployImage(image.json, image.reference, { orders_api_image: variableValue });
}

/** The error Terraform stops with for a value of the override variable; "" when it accepts the value. */
function planError(image: SynthesizedImage, variableValue: string): string {
  const result = deploy(image, variableValue);
  return "error" in result ? result.error : "";
}

describe("ServiceImage with an override variable (what the deploy pipeline sets)", () => {
  const image = synthesizeImage({ overrideVariableName: "orders_api_image" });

  it("resolves the configured tag to its digest when the variable is empty", () => {
    expect(deploy(image, "")).toEqual({
      reference: `${REPOSITORY}@${RESOLVED}`,
      lookups: [{ count: 1, name: `${REPOSITORY}:develop` }],
    });
  });

  it("resolves a tag passed in the variable", () => {
    expect(deploy(image, "1.4.2-rc.1")).toEqual({
      reference: `${REPOSITORY}@${RESOLVED}`,
      lookups: [{ count: 1, name: `${REPOSITORY}:1.4.2-rc.1` }],
    });
  });

  it("deploys a digest passed in the variable as is, without asking the registry", () => {
    expect(deploy(image, PASSED)).toEqual({ reference: `${REPOSITORY}@${PASSED}`, lookups: [] });
  });

  it.each(["latest tag", "-dash", "sha256:short", `sha512:${"a".repeat(128)}`, `${REPOSITORY}:1.0`])(
    "rejects '%s' in the variable at plan time",
    (value) => {
      expect(planError(image, value)).toContain("Invalid value for variable");
    },
  );

  it("declares the variable as a non-secret string that defaults to empty", () => {
    expect(image.json.variable?.orders_api_image).toMatchObject({ type: "string", default: "", nullable: false });
    expect(image.json.variable?.orders_api_image?.sensitive).toBeUndefined();
  });
});

describe("ServiceImage pinned to a configured digest", () => {
  it("deploys the configured digest when the variable is empty, and still resolves a tag passed later", () => {
    const image = synthesizeImage({ digest: CONFIGURED, overrideVariableName: "orders_api_image" });
    expect(deploy(image, "")).toEqual({ reference: `${REPOSITORY}@${CONFIGURED}`, lookups: [] });
    expect(deploy(image, "1.5.0")).toEqual({
      reference: `${REPOSITORY}@${RESOLVED}`,
      lookups: [{ count: 1, name: `${REPOSITORY}:1.5.0` }],
    });
  });

  it("without resolution accepts only digests in the variable, so every reference stays pinned", () => {
    const image = synthesizeImage({
      digest: CONFIGURED,
      resolveDigest: false,
      overrideVariableName: "orders_api_image",
    });
    expect(image.json.data).toBeUndefined();
    expect(deploy(image, "")).toEqual({ reference: `${REPOSITORY}@${CONFIGURED}`, lookups: [] });
    expect(deploy(image, PASSED)).toEqual({ reference: `${REPOSITORY}@${PASSED}`, lookups: [] });
    expect(planError(image, "1.5.0")).toContain("Invalid value for variable");
  });

  it("needs no registry and no variable when there is nothing to override", () => {
    const image = synthesizeImage({ digest: CONFIGURED });
    expect(image.reference).toBe(`${REPOSITORY}@${CONFIGURED}`);
    expect(image.json.data).toBeUndefined();
    expect(image.json.variable).toBeUndefined();
  });
});

describe("ServiceImage that may deploy tags (requireDigest: false)", () => {
  it("deploys image:tag without a registry lookup when resolution is off", () => {
    const image = synthesizeImage({
      resolveDigest: false,
      requireDigest: false,
      overrideVariableName: "orders_api_image",
    });
    expect(image.json.data).toBeUndefined();
    expect(deploy(image, "")).toEqual({ reference: `${REPOSITORY}:develop`, lookups: [] });
    expect(deploy(image, PASSED)).toEqual({ reference: `${REPOSITORY}@${PASSED}`, lookups: [] });
  });

  it("deploys image:tag as is when there is no variable and resolution is off", () => {
    const image = synthesizeImage({ resolveDigest: false, requireDigest: false });
    expect(image.reference).toBe(`${REPOSITORY}:develop`);
    expect(image.json.data).toBeUndefined();
  });

  it("still resolves by default", () => {
    const image = synthesizeImage({ requireDigest: false });
    expect(deployImage(image.json, image.reference, {})).toEqual({
      reference: `${REPOSITORY}@${RESOLVED}`,
      lookups: [{ count: 1, name: `${REPOSITORY}:develop` }],
    });
  });
});

describe("ServiceImage validation", () => {
  it.each<[string, Partial<ServiceImageProps>, RegExp]>([
    [
      "a repository with a tag",
      { repository: `${REPOSITORY}:1.0` },
      /repository must be an OCI repository.*got 'ghcr\.io\/acme\/orders-api:1\.0'/,
    ],
    ["an uppercase repository", { repository: "ghcr.io/Acme/orders-api" }, /repository must be an OCI repository/],
    ["a tag with a space", { tag: "my tag" }, /tag must be a tag: 1-128 of .*got 'my tag'/],
    ["a tag of 129 characters", { tag: "a".repeat(129) }, /tag must be a tag/],
    [
      "a digest that is not sha256",
      { digest: "md5:abc" },
      /digest must be a digest: sha256: followed by 64 lowercase hex digits \(got 'md5:abc'\)/,
    ],
    [
      "an unpinned image where digests are required",
      { resolveDigest: false },
      /requireDigest accepts only digest-pinned images, but resolveDigest is false and no digest is set \(tag 'develop'\)/,
    ],
    ["an invalid variable name", { overrideVariableName: "Orders-Image" }, /overrideVariableName must match/],
  ])("rejects %s, naming the field", (_, props, message) => {
    expect(() => synthesizeImage(props)).toThrow(message);
  });

  it("rejects two images with the same override variable in one stack", () => {
    const stack = new TerraformStack(new App(), "images");
    const props = { repository: REPOSITORY, tag: "main", overrideVariableName: "orders_api_image_blue" };
    new ServiceImage(stack, "blue", props);
    expect(() => new ServiceImage(stack, "green", props)).toThrow(/variable 'orders_api_image_blue' already exists/);
  });
});
