import { z } from "zod";
import { environmentCanarySchema } from "./canary";
import { ROLLOUT_STRATEGIES, type EnvironmentName, type RolloutStrategy } from "../../domain/environments";
import { ENVIRONMENT_DEFAULTS } from "../../domain/service-defaults";
import { deploymentSources } from "./governance";
import { networkSchema } from "./network";
import { dnsLabel, githubLogin, githubTeamSlug, replicaBounds } from "./primitives";
import { environmentWorkloadFields } from "./workloads";

/** GitHub allows at most six required reviewers (users and teams together) per environment. */
const MAX_REVIEWERS = 6;

const approvalGate = z
  .strictObject({
    reviewers: z
      .strictObject({
        users: z.array(githubLogin).default([]),
        teams: z.array(githubTeamSlug).default([]),
      })
      .prefault({})
      .refine((reviewers) => reviewers.users.length + reviewers.teams.length <= MAX_REVIEWERS, {
        message: `at most ${MAX_REVIEWERS} reviewers (users and teams together) are allowed by GitHub`,
      }),
    /** Minutes GitHub waits after approval before the job runs (GitHub allows 0-43200). */
    waitTimerMinutes: z
      .number()
      .int("must be a whole number of minutes")
      .min(0, "must be from 0 to 43200 minutes (30 days)")
      .max(43200, "must be from 0 to 43200 minutes (30 days)")
      .default(0),
  })
  .prefault({});

function environmentSchema(defaults: {
  readonly branch: string;
  readonly namespace: string;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly strategy: RolloutStrategy;
  readonly deployFrom: { readonly releaseBranches: boolean; readonly releaseTags: boolean };
}) {
  return z
    .strictObject({
      /** The branch whose pushes deploy to this environment. */
      branch: z
        .string()
        .regex(/^[A-Za-z0-9._/-]+$/, "must be a git branch name")
        .default(defaults.branch),
      /** The Kubernetes namespace the services run in. */
      namespace: dnsLabel(63).default(defaults.namespace),
      /** Default autoscaling bounds of every service; a service may override them. */
      replicas: replicaBounds.default(defaults.replicas),
      approval: approvalGate,
      strategy: z
        .enum(ROLLOUT_STRATEGIES, { error: `must be one of: ${ROLLOUT_STRATEGIES.join(", ")}` })
        .default(defaults.strategy),
      /** Refs besides `branch` that may deploy here (the GitHub environment's deployment policy). */
      deployFrom: deploymentSources(defaults.deployFrom),
      /** With strategy `canary`: Flagger's steps, gates and metrics provider. @default none */
      canary: environmentCanarySchema,
      ...environmentWorkloadFields,
      network: networkSchema,
    })
    .prefault({});
}

export const environmentsSchema = z
  .strictObject({
    staging: environmentSchema(ENVIRONMENT_DEFAULTS.staging),
    production: environmentSchema(ENVIRONMENT_DEFAULTS.production),
  })
  .prefault({});

export type ParsedEnvironments = z.output<typeof environmentsSchema>;
export type ParsedEnvironment = ParsedEnvironments[EnvironmentName];
