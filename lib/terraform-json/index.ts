export * from "./template-sequences";
export * from "./terraform-json";
