import { configWith } from "../support/config-text";
import { stackOf, synthesizeConfig, synthesizeDefaultConfig } from "../support/synth";
import { dataSourcesOf, onlyResourceOf, resourcesOf } from "../../lib/terraform-json/terraform-json";
import { serviceEnvironmentStackId } from "../../lib/domain";

// The grants belong to the service's stack of the environment whose GitHub environment names
// the reviewers: the stack that holds that environment and its reviewer lookups.
const PRODUCTION_STACK = serviceEnvironmentStackId("production", "orders-api");
const STAGING_STACK = serviceEnvironmentStackId("staging", "orders-api");

describe("environment reviewers' repository access", () => {
  const production = stackOf(synthesizeDefaultConfig(), PRODUCTION_STACK);

  it(`every reviewer team has a read grant in the ${PRODUCTION_STACK} stack to the repository, with the team's looked-up id`, () => {
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

  it(`grants nothing in the ${STAGING_STACK} stack, whose environment has no reviewers`, () => {
    const staging = stackOf(synthesizeDefaultConfig(), STAGING_STACK);
    expect(resourcesOf(staging, "github_team_repository")).toEqual([]);
    expect(resourcesOf(staging, "github_repository_collaborator")).toEqual([]);
  });

  it("writes no grant with reviewerAccess: managed-elsewhere, and records the choice on the environment", () => {
    const stack = stackOf(
      synthesizeConfig(configWith([["github", "reviewerAccess"], "managed-elsewhere"])),
      PRODUCTION_STACK,
    );
    expect(resourcesOf(stack, "github_team_repository")).toEqual([]);
    expect(resourcesOf(stack, "github_repository_collaborator")).toEqual([]);
    const environment = onlyResourceOf(stack, "github_repository_environment").body;
    expect(environment["//"]).toMatchObject({ reviewer_access: "managed-elsewhere" });
    expect(environment).not.toHaveProperty("depends_on");
  });
});
