export * from "./deployment-environment";
export * from "./managed-file";
export * from "./managed-files";
export * from "./service-repository";
