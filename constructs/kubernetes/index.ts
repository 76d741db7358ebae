export * from "./active-color-variable";
export * from "./labels";
export * from "./namespace-network-policies";
export * from "./registry-pull-secret";
export * from "./resource-amounts";
export * from "./restricted-namespace";
export * from "./service-settings";
export * from "./web-service";
