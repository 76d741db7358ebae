export * from "./code-owners";
export * from "./security-policy";
