export * from "./sensitive-variable";
export * from "./template-literal";
export * from "./resource-import";
export * from "./stack-variable";
