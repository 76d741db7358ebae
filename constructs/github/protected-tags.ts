import { RepositoryRuleset } from "@cdktf/provider-github/lib/repository-ruleset";
import { Construct } from "constructs";

export interface ProtectedTagsProps {
  /** The repository the rules apply to. */
  readonly repository: string;
  /** The ruleset's name, unique within the repository. */
  readonly name: string;
  /** Tag name patterns (GitHub fnmatch, without `refs/tags/`): `v*`. */
  readonly tags: readonly string[];
}

/**
 * A tag ruleset: matching tags, once pushed, can be neither moved nor deleted, by anyone, so a
 * release tag always names the commit that was released.
 */
export class ProtectedTags extends Construct {
  readonly ruleset: RepositoryRuleset;

  constructor(scope: Construct, id: string, props: ProtectedTagsProps) {
    super(scope, id);
    if (props.tags.length === 0) {
      throw new Error(`ProtectedTags ${props.name}: tags must list at least one tag name pattern`);
    }
    this.ruleset = new RepositoryRuleset(this, "ruleset", {
      repository: props.repository,
      name: props.name,
      target: "tag",
      enforcement: "active",
      conditions: {
        refName: { include: props.tags.map((tag) => `refs/tags/${tag}`), exclude: [] },
      },
      rules: {
        deletion: true,
        nonFastForward: true,
        // integrations/github 6.9.x sent this rule with fetch-and-merge allowed
        // (github/respository_rules_utils.go:228-231 at v6.9.1); the stacks require >= 6.10.0 (GH013).
        update: true,
      },
    });
  }
}
