export * from "./service-image";
