export * from "./actions-secrets";
export * from "./actions-variables";
export * from "./deployment-environment";
export * from "./managed-files";
export * from "./protected-branch";
export * from "./protected-tags";
export * from "./required-reviewers";
export * from "./service-repository";
