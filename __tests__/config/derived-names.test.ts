import { parseDocument } from "yaml";
import { derivedTerraformVariableNames } from "../../lib/config/derived-names";
import { configWith, editedDefaultConfig } from "../support/config-text";
import { synthesizeConfig, groupOf } from "../support/synth";
import { resourcesOf } from "../../lib/terraform-json/terraform-json";

// The collision checks derive names the way the stacks do; these tests hold the two together.
describe("names the collision checks derive", () => {
  const edits = [
    [["services", 1], { name: "payments", secrets: { repository: ["SENTRY_TOKEN"], environment: ["STRIPE_KEY"] } }],
  ] as const;
  const app = synthesizeConfig(configWith(...edits));

  it("are exactly the Terraform variables the stacks declare", () => {
    const declared = Object.values(app.stacks).flatMap((stack) => Object.keys(stack.variable ?? {}));
    const raw = parseDocument(editedDefaultConfig(...edits)).toJS() as Parameters<
      typeof derivedTerraformVariableNames
    >[0];
    expect([...new Set(declared)].sort()).toEqual(derivedTerraformVariableNames(raw));
  });

  it("include every Service name of a blue-green environment: the service's and one per colour", () => {
    const names = resourcesOf(groupOf(app, "production"), "kubernetes_service_v1").map(
      (service) => (service.body.metadata as { name: string }).name,
    );
    expect(names.sort()).toEqual(
      ["orders-api", "orders-api-blue", "orders-api-green", "payments", "payments-blue", "payments-green"].sort(),
    );
  });
});
