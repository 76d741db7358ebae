export * from "./config-error";
export * from "./load";

export * from "./schema";
