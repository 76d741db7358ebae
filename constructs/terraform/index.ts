export * from "./sensitive-variable";
export * from "./template-literal";
export * from "./deployment-variables";
export * from "./resource-import";
export * from "./template-sequences";
export * from "./stack-variable";
