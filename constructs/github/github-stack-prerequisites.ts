import { DataGithubBranch } from "@cdktf/provider-github/lib/data-github-branch";
import { DataGithubRepository } from "@cdktf/provider-github/lib/data-github-repository";
import { Op, Token, type Precondition } from "cdktf";
import { Construct } from "constructs";

export interface GithubStackPrerequisitesProps {
  /** The organisation or user owning the repository. */
  readonly owner: string;
  /** The repository the github stack creates (or adopts). */
  readonly repository: string;
  /** Branches the github stack creates that this stack's environment deploys from. */
  readonly branches: readonly string[];
  /** The step that creates them, as the error message tells the user to run it. */
  readonly step: string;
}

/**
 * A plan-time check that what another stack creates exists, read from GitHub (stacks never
 * reference each other's state): the repository and the branches this stack deploys from. The
 * lookups are data sources, read during plan; `preconditions` go on the resource that needs them
 * (the GitHub environment), so a missing one fails the plan with a message naming the step to
 * run, before anything is created.
 *
 * The data sources answer a missing object with no error and null attributes: on 404
 * `github_repository` sets an empty id and returns (github/data_source_github_repository.go:369-377
 * at v6.10.0), as does `github_branch` (github/data_source_github_branch.go:52-60 at v6.10.0), and
 * the plugin SDK then reports every attribute as null (helper/schema/resource_data.go:430-433,
 * terraform/state.go:1375-1380 at terraform-plugin-sdk v2.38.1). 6.9.0's `github_branch` panics
 * instead (fixed in 6.9.1; the provider constraint starts at 6.10.0).
 */
export class GithubStackPrerequisites extends Construct {
  /** One condition per lookup: the repository, then each branch. */
  readonly preconditions: Precondition[];

  constructor(scope: Construct, id: string, props: GithubStackPrerequisitesProps) {
    super(scope, id);
    const fullName = `${props.owner}/${props.repository}`;
    const repository = new DataGithubRepository(this, "repository", { fullName });
    this.preconditions = [
      {
        condition: Op.neq(repository.repoId, Token.nullValue()),
        errorMessage: `The repository ${fullName} does not exist, or the GitHub credential cannot read it. ${props.step}`,
      },
      ...props.branches.map((branch) => {
        const lookup = new DataGithubBranch(this, `branch-${branch}`, { repository: props.repository, branch });
        return {
          condition: Op.neq(lookup.sha, Token.nullValue()),
          errorMessage: `The branch ${branch} of ${fullName} does not exist. ${props.step}`,
        };
      }),
    ];
  }
}
