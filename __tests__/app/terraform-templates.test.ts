import { terraformLiteral } from "../../constructs/terraform";
import { synthesizeDefaultConfig } from "../support/synth";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";
import { terraformTemplateErrors } from "../support/terraform-templates";

jest.setTimeout(30_000);

describe("terraform's template parser", () => {
  it.each(Object.keys(synthesizeDefaultConfig().stacks))("parses every string of the %s stack", (id) => {
    expect(terraformTemplateErrors(synthesizeDefaultConfig().stacks[id] as TerraformJson)).toEqual([]);
  });

  it("catches GitHub expressions and shell format strings written verbatim (the checker checks)", () => {
    const stack: TerraformJson = {
      terraform: {},
      variable: { token: { type: "string" } },
      resource: {
        github_repository_file: {
          ci: { content: "run: echo ${{ github.sha }}", other: "curl -w '%{http_code}'", ok: "${var.token}" },
        },
      },
    };
    expect(terraformTemplateErrors(stack)).toEqual([
      expect.objectContaining({
        path: "resource.github_repository_file.ci.content",
        summary: "Missing key/value separator",
      }),
      expect.objectContaining({
        path: "resource.github_repository_file.ci.other",
        summary: "Invalid template control keyword",
      }),
    ]);
  });

  it("escapes with terraformLiteral by doubling the first character of ${ and %{", () => {
    expect(terraformLiteral("${{ github.sha }} %{http_code} $HOME %d")).toBe(
      "$${{ github.sha }} %%{http_code} $HOME %d",
    );
  });

  it("accepts the same text once escaped with terraformLiteral", () => {
    const stack: TerraformJson = {
      terraform: {},
      resource: {
        github_repository_file: {
          ci: { content: terraformLiteral("run: echo ${{ github.sha }} && curl -w '%{http_code}'") },
        },
      },
    };
    expect(terraformTemplateErrors(stack)).toEqual([]);
  });
});
