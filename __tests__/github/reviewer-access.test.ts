import { configWith } from "../support/config-text";
import { stackOf, synthesizeConfig, synthesizeDefaultConfig } from "../support/synth";
import { dataSourcesOf, onlyResourceOf, resourcesOf } from "../../lib/terraform-json/terraform-json";

describe("environment reviewers' repository access", () => {
  const production = stackOf(synthesizeDefaultConfig(), "production");

  it("every reviewer team has a read grant to the repository, with the team's looked-up id", () => {
    const [team] = dataSourcesOf(production, "github_team");
    expect(resourcesOf(production, "github_team_repository").map((grant) => grant.body)).toEqual([
      expect.objectContaining({
        repository: "orders-api",
        team_id: `\${data.github_team.${team?.name ?? "?"}.id}`,
        permission: "pull",
      }),
    ]);
  });

  it("every reviewer user is a collaborator with read (the provider's default would be push)", () => {
    expect(resourcesOf(production, "github_repository_collaborator").map((grant) => grant.body)).toEqual([
      expect.objectContaining({ repository: "orders-api", username: "octocat", permission: "pull" }),
    ]);
  });

  it("grants nothing in the staging stack, whose environment has no reviewers", () => {
    const staging = stackOf(synthesizeDefaultConfig(), "staging");
    expect(resourcesOf(staging, "github_team_repository")).toEqual([]);
    expect(resourcesOf(staging, "github_repository_collaborator")).toEqual([]);
  });

  it("writes no grant with reviewerAccess: managed-elsewhere, and records the choice on the environment", () => {
    const stack = stackOf(
      synthesizeConfig(configWith([["github", "reviewerAccess"], "managed-elsewhere"])),
      "production",
    );
    expect(resourcesOf(stack, "github_team_repository")).toEqual([]);
    expect(resourcesOf(stack, "github_repository_collaborator")).toEqual([]);
    const environment = onlyResourceOf(stack, "github_repository_environment").body;
    expect(environment["//"]).toMatchObject({ reviewer_access: "managed-elsewhere" });
    expect(environment).not.toHaveProperty("depends_on");
  });
});
