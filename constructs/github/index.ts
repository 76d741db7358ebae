export * from "./service-repository";
export * from "./deployment-environment";
