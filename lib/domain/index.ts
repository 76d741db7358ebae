export * from "./cidr";
export * from "./local-services";
export * from "./managed-file";
export * from "./oci-reference";
export * from "./pinned-images";
export * from "./quantity";
export * from "./github-plan";
export * from "./variable-names";
