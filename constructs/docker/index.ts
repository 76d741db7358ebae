export * from "./service-image";
export * from "./image-variable";
