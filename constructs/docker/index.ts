export * from "./backing-services";
export * from "./development-service";
export * from "./local-container";
export * from "./service-image";
