import {
  ADVANCED_SECURITY_PLANS,
  DEFAULT_GITHUB_PLAN,
  GITHUB_PLANS,
  REPOSITORY_VISIBILITIES,
  cheapestPlanFor,
  githubFeatures,
  type GithubPlan,
  type RepositoryVisibility,
} from "../../domain/github-plan";
import { SIGNING_MODES } from "../../domain/image-signing";
import { z } from "zod";
import { DERIVED_ENVIRONMENT_VARIABLES, PIPELINE_VARIABLE_NAMES } from "../../domain/reserved-names";
import { githubLogin, githubTeamSlug } from "./primitives";

/** GitHub accepts 0-10 required approvals; 0 would let a change merge unreviewed, more than 6 stalls small teams. */
const approvalCount = z
  .number()
  .int("must be a whole number of approvals from 1 to 6")
  .min(1, "must be a whole number of approvals from 1 to 6 (0 would merge changes unreviewed)")
  .max(6, "must be a whole number of approvals from 1 to 6");

const days = (max: number) =>
  z
    .number()
    .int(`must be a whole number of days from 1 to ${max}`)
    .min(1, `must be a whole number of days from 1 to ${max}`)
    .max(max, `must be a whole number of days from 1 to ${max}`);

const emailAddress = z.email({ error: "must be an email address such as security@example.com" });

const branchRules = z
  .strictObject({
    /** Approvals a pull request needs, per protected branch. */
    approvals: z
      .strictObject({
        /** The production branch (`environments.production.branch`, main). */
        production: approvalCount.default(2),
        /** The staging branch (`environments.staging.branch`, develop). */
        staging: approvalCount.default(1),
        /** Every release branch (`release/...`). */
        release: approvalCount.default(2),
      })
      .prefault({}),
  })
  .prefault({});

/** Who owns the pipeline, container and policy files (CODEOWNERS): their review is required. */
const codeOwners = z
  .strictObject({
    users: z.array(githubLogin).default([]),
    teams: z.array(githubTeamSlug).default([]),
  })
  .refine((owners) => owners.users.length + owners.teams.length > 0, {
    message:
      "list at least one code owner (a user login or a team slug): branch rules require a code owner's review, or omit codeOwners to use the production reviewers",
  });

/** SECURITY.md: how to report a vulnerability and what reporters can expect. */
const securityPolicy = z
  .strictObject({
    /** Where to report privately, in addition to GitHub's private vulnerability reporting. */
    contact: emailAddress.optional(),
    /** Days within which a report is acknowledged. */
    responseDays: days(30).default(5),
    /** Days after a report by which it is disclosed, fixed or not (coordinated disclosure). */
    disclosureDays: days(365).default(90),
  })
  .refine((policy) => policy.responseDays <= policy.disclosureDays, {
    message: "responseDays must not exceed disclosureDays: a report is acknowledged before it is disclosed",
    path: ["responseDays"],
  })
  .prefault({});

const managedFiles = z
  .strictObject({
    /**
     * Opt-in: the GitHub App Terraform runs as may commit managed files straight to the production
     * branch (a ruleset bypass actor). Off by default: every managed change goes through a pull
     * request, and no ruleset has a bypass actor.
     */
    bypass: z
      .strictObject({
        integrationId: z
          .number()
          .int("must be the numeric id of a GitHub App (its App ID)")
          .positive("must be the numeric id of a GitHub App (its App ID)"),
      })
      .optional(),
  })
  .prefault({});

/** Repository governance shared by every service repository: fields of `github`. */
export const githubGovernanceFields = {
  /** Visibility of created repositories (and of adopted ones, which Terraform then enforces). */
  visibility: z
    .enum(REPOSITORY_VISIBILITIES, { error: `must be one of: ${REPOSITORY_VISIBILITIES.join(", ")}` })
    .default("private"),
  /**
   * The organisation's GitHub plan. Licence-dependent settings are sent only where the plan has
   * them; what the rest of the config asks for is checked against it (see README "GitHub plan
   * and licences").
   */
  plan: z.enum(GITHUB_PLANS, { error: `must be one of: ${GITHUB_PLANS.join(", ")}` }).default(DEFAULT_GITHUB_PLAN),
  /**
   * GitHub Advanced Security products the organisation has bought, for private and internal
   * repositories (public ones have secret scanning, push protection and code scanning for free).
   */
  advancedSecurity: z
    .strictObject({
      /** GitHub Secret Protection: secret scanning and push protection. */
      secretProtection: z.boolean().default(false),
      /** GitHub Code Security: code scanning (CodeQL). */
      codeSecurity: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * How Terraform signs in to GitHub: a GitHub App installation (`GITHUB_APP_ID`,
   * `GITHUB_APP_INSTALLATION_ID`, `GITHUB_APP_PEM_FILE`) or a token (`GITHUB_TOKEN`).
   */
  authentication: z.enum(["app", "token"], { error: "must be one of: app, token" }).default("app"),
  /**
   * Who gives environment reviewers the read access GitHub requires of them: `grant` (the
   * environment stacks, least privilege: read) or `managed-elsewhere` (teams and collaborators are
   * managed outside this project).
   */
  reviewerAccess: z
    .enum(["grant", "managed-elsewhere"], { error: "must be one of: grant, managed-elsewhere" })
    .default("grant"),
  /** Repository features, set on created and adopted repositories alike. */
  features: z
    .strictObject({
      /** Issues: where bug and vulnerability reports without a private channel go. */
      issues: z.boolean().default(true),
      /** Repository projects (classic boards). */
      projects: z.boolean().default(false),
      /** Discussions. */
      discussions: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * How the pipeline signs images (README: Signing images): `keyless` (public Sigstore; the public
   * transparency log names the repository) or `key` (a cosign key pair in repository secrets, no
   * public log). @default `defaultSigningMode(visibility)`: keyless for public repositories, key
   * for private and internal ones
   */
  signing: z.enum(SIGNING_MODES, { error: `must be one of: ${SIGNING_MODES.join(", ")}` }).optional(),
  branchRules,
  /** @default the production environment's reviewers */
  codeOwners: codeOwners.optional(),
  securityPolicy,
  managedFiles,
};

/** Governance fields of one service. */
export const serviceGovernanceFields = {
  /**
   * The repository already exists: Terraform imports it (an `import` block) instead of creating
   * it, then manages the same settings.
   */
  adoptRepository: z.boolean().default(false),
  /**
   * The repository's homepage link. Set on adopted repositories too (an unset homepage would clear
   * theirs). @default the service's production URL, or none
   */
  homepage: z.url({ error: "must be a URL such as https://orders.example.com" }).optional(),
};

/** Which refs besides the environment's own branch may deploy to an environment. */
export function deploymentSources(defaults: { releaseBranches: boolean; releaseTags: boolean }) {
  return z
    .strictObject({
      /** Release branches (`release/...`) may deploy here. */
      releaseBranches: z.boolean().default(defaults.releaseBranches),
      /** Release tags (`v*`) may deploy here. */
      releaseTags: z.boolean().default(defaults.releaseTags),
    })
    .prefault({});
}

interface ApprovalSettings {
  readonly branch: string;
  readonly approval: {
    readonly reviewers: { readonly users: readonly string[]; readonly teams: readonly string[] };
    readonly waitTimerMinutes: number;
  };
}

interface GovernedConfig {
  readonly github: {
    readonly visibility: RepositoryVisibility;
    readonly plan: GithubPlan;
    readonly advancedSecurity: { readonly secretProtection: boolean; readonly codeSecurity: boolean };
  };
  readonly environments: {
    readonly staging: ApprovalSettings;
    readonly production: ApprovalSettings;
  };
  readonly services: readonly {
    readonly secrets: { readonly repository: readonly string[]; readonly environment: readonly string[] };
    readonly variables: {
      readonly repository: Readonly<Record<string, string>>;
      readonly environment: Readonly<Record<string, string>>;
    };
    readonly environments: Readonly<Record<string, { readonly variables: Readonly<Record<string, string>> }>>;
  }[];
}

/**
 * What the declared plan cannot give the configured repositories, each reported at the field that
 * asks for it with the one line that fixes it: GitHub would otherwise refuse the setting on the
 * first apply, after the repository exists.
 */
function reportPlanProblems(config: GovernedConfig, ctx: z.RefinementCtx): void {
  const { visibility, plan, advancedSecurity } = config.github;
  const none = { secretProtection: false, codeSecurity: false };
  const features = githubFeatures(visibility, { plan, ...none });
  const upgrade = (needs: Parameters<typeof cheapestPlanFor>[1]) => {
    const cheapest = cheapestPlanFor(visibility, needs);
    // Pro is a personal account's plan; an organisation's next step up is Team.
    const line = cheapest === "pro" ? "team (an organisation) or pro (a personal account)" : cheapest;
    return `set github.plan: ${line} if the owner has it, or github.visibility: public`;
  };
  if (visibility === "internal" && plan !== "enterprise") {
    ctx.addIssue({
      code: "custom",
      path: ["github", "visibility"],
      message: `internal repositories exist only in GitHub Enterprise organisations (github.plan is '${plan}'): set github.plan: enterprise, or github.visibility: private`,
    });
    return;
  }
  if (!features.rulesets || !features.environments) {
    ctx.addIssue({
      code: "custom",
      path: ["github", "plan"],
      message: `GitHub ${plan} gives ${visibility} repositories no rulesets (the branch rules) and no deployment environments (the staging and production gates): ${upgrade(["rulesets", "environments"])}`,
    });
    return;
  }
  if (!features.environmentProtection) {
    for (const name of ["staging", "production"] as const) {
      const { reviewers, waitTimerMinutes } = config.environments[name].approval;
      if (reviewers.users.length + reviewers.teams.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", name, "approval", "reviewers"],
          message: `required reviewers on a ${visibility} repository need GitHub Enterprise (github.plan is '${plan}'): ${upgrade(["environmentProtection"])}`,
        });
      }
      if (waitTimerMinutes > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", name, "approval", "waitTimerMinutes"],
          message: `a wait timer on a ${visibility} repository needs GitHub Enterprise (github.plan is '${plan}'): ${upgrade(["environmentProtection"])}, or set 0`,
        });
      }
    }
  }
  if (visibility !== "public" && !ADVANCED_SECURITY_PLANS.includes(plan)) {
    for (const [product, name] of [
      ["secretProtection", "GitHub Secret Protection"],
      ["codeSecurity", "GitHub Code Security"],
    ] as const) {
      if (advancedSecurity[product]) {
        ctx.addIssue({
          code: "custom",
          path: ["github", "advancedSecurity", product],
          message: `${name} is sold to organisations on GitHub ${ADVANCED_SECURITY_PLANS.join(" or ")} (github.plan is '${plan}'): set github.plan to the plan the organisation has, or ${product}: false`,
        });
      }
    }
  }
}

/** Cross-field rules of the governance settings; run once every field has the right type. */
export function reportGovernanceProblems(config: GovernedConfig, ctx: z.RefinementCtx): void {
  reportPlanProblems(config, ctx);
  const { staging, production } = config.environments;
  if (staging.branch === production.branch) {
    ctx.addIssue({
      code: "custom",
      path: ["environments", "staging", "branch"],
      message: `must differ from the production branch ('${production.branch}'): staging deploys from its own long-lived branch`,
    });
  }
  config.services.forEach((service, index) => {
    for (const level of ["repository", "environment"] as const) {
      service.secrets[level].forEach((name, position) => {
        if (service.secrets[level].indexOf(name) !== position) {
          ctx.addIssue({
            code: "custom",
            path: ["services", index, "secrets", level, position],
            message: `must be unique: '${name}' is already listed`,
          });
        }
      });
    }
    const reserved = (variables: Readonly<Record<string, string>>, path: (string | number)[]) => {
      for (const name of DERIVED_ENVIRONMENT_VARIABLES.filter((derived) => derived in variables)) {
        ctx.addIssue({
          code: "custom",
          path: [...path, name],
          message: `is derived from the config (${DERIVED_ENVIRONMENT_VARIABLES.join(", ")}); remove it here`,
        });
      }
    };
    reserved(service.variables.environment, ["services", index, "variables", "environment"]);
    for (const name of PIPELINE_VARIABLE_NAMES.filter((pipeline) => pipeline in service.variables.repository)) {
      ctx.addIssue({
        code: "custom",
        path: ["services", index, "variables", "repository", name],
        message: `is set from the Terraform Cloud settings the stacks are synthesized with (TF_CLOUD_ORGANIZATION, TF_CLOUD_HOSTNAME); remove it here`,
      });
    }
    for (const [environment, settings] of Object.entries(service.environments)) {
      reserved(settings.variables, ["services", index, "environments", environment, "variables"]);
    }
  });
}
