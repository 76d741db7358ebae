import { DataGithubTeam } from "@cdktf/provider-github/lib/data-github-team";
import { DataGithubUser } from "@cdktf/provider-github/lib/data-github-user";
import { Token } from "cdktf";
import { Construct } from "constructs";

/** GitHub allows at most six required reviewers (users and teams together) per environment. */
export const MAX_REQUIRED_REVIEWERS = 6;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM_SLUG = /^[a-z0-9](?:[a-z0-9_]|-(?=[a-z0-9_])){0,99}$/;

export interface RequiredReviewersProps {
  /** Reviewers by GitHub login. @default none */
  readonly users?: readonly string[];
  /** Reviewers by team slug, in the provider's owner organisation. @default none */
  readonly teams?: readonly string[];
}

/**
 * The people who approve deployments to an environment, resolved from logins and team slugs to the
 * numeric ids GitHub's environment API needs (it takes no logins or slugs), through the provider's
 * `github_user` and `github_team` data sources. Create it once per stack and share it between environments.
 */
export class RequiredReviewers extends Construct {
  /** Numeric user ids, resolved at plan time. */
  readonly userIds: number[];
  /** Numeric team ids, resolved at plan time. */
  readonly teamIds: number[];
  /** The reviewers' logins, deduplicated, in the order given. */
  readonly logins: readonly string[];
  /** The reviewer teams by slug, with the id as a string (what `github_team_repository.team_id` takes). */
  readonly teams: readonly { readonly slug: string; readonly id: string }[];

  constructor(scope: Construct, id: string, props: RequiredReviewersProps) {
    super(scope, id);
    const users = unique(props.users ?? [], (login) => login.toLowerCase());
    const teams = unique(props.teams ?? [], (slug) => slug);
    for (const login of users.filter((value) => !LOGIN.test(value))) {
      throw new Error(`RequiredReviewers: users must be GitHub logins (got '${login}')`);
    }
    for (const slug of teams.filter((value) => !TEAM_SLUG.test(value))) {
      throw new Error(`RequiredReviewers: teams must be GitHub team slugs (got '${slug}')`);
    }
    if (users.length + teams.length > MAX_REQUIRED_REVIEWERS) {
      throw new Error(
        `RequiredReviewers: at most ${MAX_REQUIRED_REVIEWERS} reviewers (users and teams together) are allowed by GitHub (got ${users.length + teams.length})`,
      );
    }
    this.logins = users;
    this.userIds = users.map((login) =>
      Token.asNumber(new DataGithubUser(this, `user-${login.toLowerCase()}`, { username: login }).id),
    );
    this.teams = teams.map((slug) => ({
      slug,
      // summary_only: the id is all that is needed, not the team's members and repositories.
      id: new DataGithubTeam(this, `team-${slug}`, { slug, summaryOnly: true }).id,
    }));
    this.teamIds = this.teams.map((team) => Token.asNumber(team.id));
  }

  /** How many reviewers there are. */
  get count(): number {
    return this.userIds.length + this.teamIds.length;
  }
}

function unique(values: readonly string[], key: (value: string) => string): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
