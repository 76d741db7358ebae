export * from "./active-color-variable";
export * from "./canary-release";
export { COLOR_LABEL } from "./labels";
export * from "./namespace-network-policies";
export * from "./registry-pull-secret";
export type { ResourceAmounts } from "./resource-amounts";
export * from "./restricted-namespace";
export * from "./service-settings";
export * from "./web-service";
