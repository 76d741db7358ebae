import { RepositoryCollaborator } from "@cdktf/provider-github/lib/repository-collaborator";
import { TeamRepository } from "@cdktf/provider-github/lib/team-repository";
import { Construct } from "constructs";
import type { RequiredReviewers } from "./required-reviewers";

/**
 * The least access GitHub requires of an environment reviewer: "The reviewers must have at least
 * read access to the repository" (REST API, create or update an environment). `pull` is read.
 */
export const REVIEWER_PERMISSION = "pull";

export interface ReviewerAccessProps {
  /** The repository whose environment the reviewers approve. */
  readonly repository: string;
  readonly reviewers: RequiredReviewers;
}

/**
 * Read access to one repository for every reviewer of its environment: a team grant per team, a
 * collaborator grant per user. Without it GitHub refuses the reviewers, or drops the rule, and the
 * provider only refreshes reviewers when GitHub returns the rule (the `required_reviewers` case of
 * github/resource_github_repository_environment.go:154-161 at v6.10.0; no data source reads the
 * rules back), so the plan stays clean while production deploys unreviewed. An organisation member
 * is added directly; anyone else gets an invitation to accept first.
 */
export class ReviewerAccess extends Construct {
  /** The grants, for the environment to depend on. */
  readonly grants: (TeamRepository | RepositoryCollaborator)[] = [];

  constructor(scope: Construct, id: string, props: ReviewerAccessProps) {
    super(scope, id);
    for (const team of props.reviewers.teams) {
      this.grants.push(
        new TeamRepository(this, `team-${team.slug}`, {
          repository: props.repository,
          teamId: team.id,
          // The provider's default is pull too (github/resource_github_team_repository.go:54 at
          // v6.10.0); it is written out because reviewer access must never widen by a default.
          permission: REVIEWER_PERMISSION,
        }),
      );
    }
    for (const login of props.reviewers.logins) {
      this.grants.push(
        new RepositoryCollaborator(this, `user-${login.toLowerCase()}`, {
          repository: props.repository,
          username: login,
          // The provider's default is push, write access (github/resource_github_repository_collaborator.go:44
          // at v6.10.0): more than approving needs.
          permission: REVIEWER_PERMISSION,
        }),
      );
    }
  }
}
