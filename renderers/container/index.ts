export * from "./container-files";
