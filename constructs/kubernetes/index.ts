export * from "./restricted-namespace";
