export * from "./sensitive-variable";
export * from "./template-literal";
