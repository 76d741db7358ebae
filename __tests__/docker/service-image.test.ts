import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ServiceImage, type ServiceImageProps } from "../../constructs/docker";
import { terraformConsole } from "../support/terraform-console";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";

const REPOSITORY = "ghcr.io/acme/orders-api";
const CONFIGURED = `sha256:${"a".repeat(64)}`;
const PASSED = `sha256:${"b".repeat(64)}`;

function synthesizeImage(props: Partial<ServiceImageProps> = {}): TerraformJson {
  const stack = new TerraformStack(new App(), "images");
  const image = new ServiceImage(stack, "orders-api-image", {
    repository: REPOSITORY,
    variableName: "orders_api_image",
    ...props,
  });
  // Outputs show the values as a workload's `image` and `count` would hold them.
  new TerraformOutput(stack, "reference", { value: image.reference });
  new TerraformOutput(stack, "count", { value: image.count });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** What terraform makes of the image for one value of its variable: the workload's count and image. */
function plan(json: TerraformJson, value: string): { count: number; reference: string } | { error: string } {
  const result = terraformConsole(
    { variable: json.variable, locals: { reference: json.output?.reference?.value, count: json.output?.count?.value } },
    "{ count = local.count, reference = local.reference }",
    { orders_api_image: value },
  );
  return "error" in result ? result : (result.value as { count: number; reference: string });
}

describe("ServiceImage: a digest from the deploy pipeline, or nothing", () => {
  const json = synthesizeImage();

  it("runs no workload while the variable is empty: nothing falls back to a tag", () => {
    expect(plan(json, "")).toMatchObject({ count: 0 });
  });

  it("runs the digest passed in the variable, without asking any registry", () => {
    expect(plan(json, PASSED)).toEqual({ count: 1, reference: `${REPOSITORY}@${PASSED}` });
    expect(json.data).toBeUndefined();
  });

  it.each(["main", "1.4.2", "-dash", "sha256:short", `sha512:${"a".repeat(128)}`, `${REPOSITORY}:1.0`])(
    "rejects '%s' in the variable at plan time",
    (value) => {
      const result = plan(json, value);
      expect("error" in result ? result.error : "").toContain("Invalid value for variable");
    },
  );

  it("declares the variable as a non-secret string that defaults to empty", () => {
    expect(json.variable?.orders_api_image).toMatchObject({ type: "string", default: "", nullable: false });
    expect(json.variable?.orders_api_image?.sensitive).toBeUndefined();
  });
});

describe("ServiceImage with a bootstrap digest", () => {
  const json = synthesizeImage({ bootstrapDigest: CONFIGURED });

  it("runs the configured digest while the variable is empty, and the passed one after", () => {
    expect(plan(json, "")).toEqual({ count: 1, reference: `${REPOSITORY}@${CONFIGURED}` });
    expect(plan(json, PASSED)).toEqual({ count: 1, reference: `${REPOSITORY}@${PASSED}` });
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
    [
      "a bootstrap digest that is not sha256",
      { bootstrapDigest: "md5:abc" },
      /bootstrapDigest must be a digest: sha256: followed by 64 lowercase hex digits \(got 'md5:abc'\)/,
    ],
    ["an invalid variable name", { variableName: "Orders-Image" }, /variableName must match/],
  ])("rejects %s, naming the field", (_, props, message) => {
    expect(() => synthesizeImage(props)).toThrow(message);
  });

  it("rejects two images with the same variable in one stack", () => {
    const stack = new TerraformStack(new App(), "images");
    const props = { repository: REPOSITORY, variableName: "orders_api_image_blue" };
    new ServiceImage(stack, "blue", props);
    expect(() => new ServiceImage(stack, "green", props)).toThrow(/variable 'orders_api_image_blue' already exists/);
  });
});
