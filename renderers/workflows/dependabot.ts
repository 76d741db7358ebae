import { renderYaml } from "./yaml-output";

/**
 * The ecosystems Dependabot keeps current in a service repository: only the service's own
 * dependencies (uv). The workflows and the Dockerfile are managed files: a Dependabot pull request
 * on them would be overwritten by the next apply, so their action and image pins are updated
 * here, in the pin tables (`pins.ts`, `lib/domain/pinned-images.ts`), and reach every repository
 * with the next apply.
 */
export const DEPENDABOT_ECOSYSTEMS = ["uv"] as const;
export type DependabotEcosystem = (typeof DEPENDABOT_ECOSYSTEMS)[number] | "github-actions" | "docker" | "npm";

/**
 * Days a new release must have been public before Dependabot proposes it: most malicious releases
 * of popular packages are found and pulled within days. Security updates ignore the cooldown.
 */
export const DEPENDABOT_COOLDOWN_DAYS = 7;

/**
 * `.github/dependabot.yml`: weekly version updates, one grouped pull request per ecosystem (majors
 * of libraries separately, since they break more often), after a cooldown. For `github-actions`,
 * Dependabot updates the pinned SHA and its `# vX.Y.Z` comment together.
 */
export function dependabotConfig(ecosystems: readonly DependabotEcosystem[] = DEPENDABOT_ECOSYSTEMS): string {
  return renderYaml({
    version: 2,
    updates: ecosystems.map((ecosystem) => ({
      "package-ecosystem": ecosystem,
      directory: "/",
      schedule: { interval: "weekly", day: "monday" },
      cooldown: { "default-days": DEPENDABOT_COOLDOWN_DAYS },
      groups: {
        [ecosystem]:
          ecosystem === "uv" || ecosystem === "npm"
            ? { patterns: ["*"], "update-types": ["minor", "patch"] }
            : { patterns: ["*"] },
      },
    })),
  });
}
