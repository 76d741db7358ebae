import { githubStackId, PIPELINE_VARIABLE_NAMES } from "../../lib/domain";
import { pipelineVariables, serviceWorkflowFiles } from "../../renderers/workflows";
import { servicePipelineProps } from "../../stacks/github-stack";
import { loadDefaultConfig, stackOf, synthesizeConfig, synthesizeDefaultConfig } from "../support/synth";
import { parse } from "yaml";
import { configWith } from "../support/config-text";
import { jsonText, resourcesOf } from "../../lib/terraform-json/terraform-json";
import { hardeningProblems, unescapeTerraform } from "../support/workflow-checks";

// The pipeline as each service's github-<service> stack commits it: what reaches its repository.
const github = (app = synthesizeDefaultConfig(), service = "orders-api") => stackOf(app, githubStackId(service));
// Each file is committed once per long-lived branch, with the same content: read each path once.
const committedFiles = (stack = github()) => [
  ...new Map(
    resourcesOf(stack, "github_repository_file").map((block) => [
      jsonText(block.body.file),
      { path: jsonText(block.body.file), content: unescapeTerraform(jsonText(block.body.content)) },
    ]),
  ).values(),
];

describe("the pipeline in each service's synthesized github-<service> stack", () => {
  it("commits every pipeline file of its own service, verbatim once Terraform's escapes are read", () => {
    const config = configWith([["services", 1], { name: "billing-api" }]);
    const app = synthesizeConfig(config);
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    for (const service of config.services) {
      const expected = serviceWorkflowFiles(servicePipelineProps(config, service));
      const committed = committedFiles(github(app, service.name)).filter((file) =>
        expected.some((candidate) => candidate.path === file.path),
      );
      expect(committed.sort(byPath)).toEqual([...expected].sort(byPath));
      // Each repository's deploy jobs run in its own service stacks' workspaces.
      const ci = committed.find((file) => file.path === ".github/workflows/ci.yml")?.content ?? "";
      expect(ci).toContain(`${config.terraformCloud.workspacePrefix}-staging-${service.name}`);
      expect(ci).toContain(`${config.terraformCloud.workspacePrefix}-production-${service.name}`);
      for (const other of config.services.filter((candidate) => candidate !== service)) {
        expect(ci).not.toContain(`-staging-${other.name}`);
      }
    }
  });

  it("keeps GitHub expressions and shell format strings literal for Terraform", () => {
    for (const block of resourcesOf(github(), "github_repository_file")) {
      expect(jsonText(block.body.content)).not.toMatch(/(?<![$%])[$%]\{/);
    }
  });

  it("pins every action to a commit SHA and gives every job permissions in every committed workflow", () => {
    const workflows = committedFiles().filter((file) => file.path.startsWith(".github/workflows/"));
    expect(workflows.length).toBeGreaterThan(0);
    for (const file of workflows) {
      expect([file.path, hardeningProblems(file.content)]).toEqual([file.path, []]);
    }
  });

  it("sets no Actions variables with local state: the README says which to set by hand", () => {
    expect(resourcesOf(github(), "github_actions_variable")).toEqual([]);
  });

  it("tells each repository's deploy jobs the Terraform Cloud organization and host of the stacks", () => {
    const cloud = github(
      synthesizeConfig(loadDefaultConfig(), { terraformCloud: { organization: "acme", hostname: "tfe.example.com" } }),
    );
    expect(
      resourcesOf(cloud, "github_actions_variable").map((block) => [
        block.body.repository,
        block.body.variable_name,
        block.body.value,
      ]),
    ).toEqual([
      [expect.stringMatching(/^\$\{github_repository\.orders-api_/), "TF_CLOUD_HOSTNAME", "tfe.example.com"],
      [expect.stringMatching(/^\$\{github_repository\.orders-api_/), "TF_CLOUD_ORGANIZATION", "acme"],
    ]);
    expect([...PIPELINE_VARIABLE_NAMES].sort()).toEqual(["TF_CLOUD_HOSTNAME", "TF_CLOUD_ORGANIZATION"]);
  });

  it("defaults the Terraform Cloud host to app.terraform.io", () => {
    expect(pipelineVariables({ organization: "acme" })).toEqual({
      TF_CLOUD_ORGANIZATION: "acme",
      TF_CLOUD_HOSTNAME: "app.terraform.io",
    });
  });
});

describe("blue-green settings shared by the pipeline and the production-<service> stack", () => {
  it("tells the deploy job which colour serves while the active-colour variable is empty, from the config", () => {
    for (const color of ["blue", "green"] as const) {
      const config = configWith([["environments", "production", "activeColor"], color]);
      const [files] = config.services.map((service) => serviceWorkflowFiles(servicePipelineProps(config, service)));
      const ci = files?.find((file) => file.path === ".github/workflows/ci.yml");
      const production = (parse(ci?.content ?? "") as { jobs: Record<string, { env?: Record<string, string> }> }).jobs[
        "deploy-production"
      ];
      expect(production?.env?.DEFAULT_ACTIVE_COLOR).toBe(color);
    }
  });
});
