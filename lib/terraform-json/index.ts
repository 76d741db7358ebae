export * from "./template-sequences";
export * from "./terraform-json";
export * from "./synthesized-output";
