import { serviceImageRepository } from "../../domain/oci-reference";
import { ENVIRONMENT_NAMES } from "../../domain/environments";
import {
  githubStackId,
  serviceEnvironmentStackId,
  WORKSPACE_NAME_MAX_LENGTH,
  workspaceName,
} from "../../domain/stack-ids";
import { z } from "zod";
import { reportCanaryProblems } from "./canary";
import { reportContainerProblems } from "./container";
import { developmentSchema, reportDevelopmentProblems } from "./development";
import { environmentsSchema } from "./environment";
import { githubGovernanceFields, reportGovernanceProblems } from "./governance";
import { policySchema } from "./policy";
import { githubLogin } from "./primitives";
import { serviceSchema } from "./service";
import { reportWorkloadProblems } from "./workloads";

/** Production keeps serving through a node drain or a bad pod only with two replicas or more. */
export const PRODUCTION_MIN_REPLICAS = 2;

/** Terraform Cloud workspace names: letters, digits, '-' and '_', at most 90 characters. */
const workspacePrefix = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,70}$/, "must be 1-70 letters, digits, '-' or '_' (a Terraform Cloud workspace name prefix)");

const rawDeliveryConfigSchema = z.strictObject({
  github: z.strictObject({
    /** The user or organisation that owns every service repository. */
    owner: githubLogin,
    ...githubGovernanceFields,
  }),
  services: z.array(serviceSchema).min(1, "list at least one service"),
  environments: environmentsSchema,
  development: developmentSchema,
  terraformCloud: z
    .strictObject({
      /** Workspaces are named `<prefix>-<stack id>`. @default the first service's name */
      workspacePrefix: workspacePrefix.optional(),
    })
    .prefault({}),
  policy: policySchema,
});

export const deliveryConfigSchema = rawDeliveryConfigSchema
  .superRefine(
    (config, ctx) => {
      // zod skips cross-field rules while any field has the wrong type; these run anyway, so that
      // one run reports every problem. Each rule sees the fields that parsed; a rule that cannot be
      // evaluated on what parsed (it throws on a missing or mistyped part) is left for the next run.
      for (const rule of CROSS_FIELD_RULES) {
        try {
          rule(config, ctx);
        } catch {
          // The fields this rule reads have problems of their own, reported by the schema.
        }
      }
    },
    { when: () => true },
  )
  .transform(resolveDefaults);

type RawDeliveryConfig = z.output<typeof rawDeliveryConfigSchema>;

const CROSS_FIELD_RULES: readonly ((config: RawDeliveryConfig, ctx: z.RefinementCtx) => void)[] = [
  reportConfigProblems,
  reportGovernanceProblems,
  reportContainerProblems,
  reportDevelopmentProblems,
  reportWorkloadProblems,
  reportCanaryProblems,
  reportWorkspaceNameProblems,
];

/** Every stack of a service has its own workspace, `<prefix>-<stack id>`; Terraform Cloud caps its length. */
function reportWorkspaceNameProblems(config: RawDeliveryConfig, ctx: z.RefinementCtx): void {
  const prefix = config.terraformCloud.workspacePrefix ?? config.services[0]?.name ?? "delivery";
  config.services.forEach((service, index) => {
    const stackIds = [
      githubStackId(service.name),
      ...ENVIRONMENT_NAMES.map((environment) => serviceEnvironmentStackId(environment, service.name)),
    ];
    const longest = stackIds.map((id) => workspaceName(prefix, id)).reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length > WORKSPACE_NAME_MAX_LENGTH) {
      ctx.addIssue({
        code: "custom",
        path: ["services", index, "name"],
        message: `gives the Terraform Cloud workspace '${longest}' (${longest.length} characters; at most ${WORKSPACE_NAME_MAX_LENGTH}): shorten the service name or set a shorter terraformCloud.workspacePrefix`,
      });
    }
  });
}

function reportConfigProblems(config: RawDeliveryConfig, ctx: z.RefinementCtx): void {
  reportDuplicates(
    config.services.map((service) => service.name),
    (index) => ["services", index, "name"],
    ctx,
  );
  reportDuplicates(
    config.services.map((service) => service.repository ?? service.name),
    (index) => ["services", index, "repository"],
    ctx,
  );

  const { staging, production } = config.environments;
  const reviewers = production.approval.reviewers;
  if (reviewers.users.length + reviewers.teams.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["environments", "production", "approval", "reviewers"],
      message:
        "production needs at least one reviewer (a user login or a team slug): it deploys behind an approval gate",
    });
  }
  const productionMinimums: { path: (string | number)[]; min: number }[] = [
    { path: ["environments", "production", "replicas", "min"], min: production.replicas.min },
    ...config.services.flatMap((service, index) => {
      const override = service.environments.production.replicas;
      return override
        ? [{ path: ["services", index, "environments", "production", "replicas", "min"], min: override.min }]
        : [];
    }),
  ];
  for (const { path, min } of productionMinimums.filter((entry) => entry.min < PRODUCTION_MIN_REPLICAS)) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `must be at least ${PRODUCTION_MIN_REPLICAS} in production so one pod survives a node drain (got ${min})`,
    });
  }
  if (staging.namespace === production.namespace) {
    ctx.addIssue({
      code: "custom",
      path: ["environments", "production", "namespace"],
      message: `must differ from the staging namespace ('${staging.namespace}'): environments are isolated by namespace`,
    });
  }
}

/**
 * Fills the defaults that depend on other fields, so that stacks and constructs read one
 * complete object and never repeat a fallback.
 */
function resolveDefaults(config: z.output<typeof rawDeliveryConfigSchema>) {
  const services = config.services.map((service) => {
    const repository = service.repository ?? service.name;
    const image = serviceImageRepository(service.image, config.github.owner, repository);
    const environments = {
      staging: {
        ...service.environments.staging,
        replicas: service.environments.staging.replicas ?? config.environments.staging.replicas,
      },
      production: {
        ...service.environments.production,
        replicas: service.environments.production.replicas ?? config.environments.production.replicas,
      },
    };
    return { ...service, repository, image, environments };
  });
  const [firstService] = services;
  return {
    ...config,
    github: {
      ...config.github,
      // Code owners default to the people who already gate production.
      codeOwners: config.github.codeOwners ?? config.environments.production.approval.reviewers,
    },
    services,
    terraformCloud: {
      workspacePrefix: config.terraformCloud.workspacePrefix ?? firstService?.name ?? "delivery",
    },
  };
}

function reportDuplicates(
  values: readonly string[],
  pathOf: (index: number) => (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const firstIndex = new Map<string, number>();
  values.forEach((value, index) => {
    const first = firstIndex.get(value);
    if (first === undefined) {
      firstIndex.set(value, index);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: pathOf(index),
      message: `must be unique: '${value}' is already used by services[${first}]`,
    });
  });
}

export type DeliveryConfigInput = z.input<typeof deliveryConfigSchema>;
/** The validated configuration with every default filled in: what stacks and constructs read. */
export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
export type ServiceConfig = DeliveryConfig["services"][number];
export type EnvironmentConfig = DeliveryConfig["environments"]["staging"];
