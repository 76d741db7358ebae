export * from "./backing-services";
export * from "./container-files";
export * from "./development-service";
export * from "./local-container";
export * from "./oci-reference";
export * from "./pinned-images";
export * from "./service-image";
