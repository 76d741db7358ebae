export * from "./catalogue";
export * from "./guardrails";
export { SOURCES, type PolicyRule, type RuleSource, type Severity, type Violation } from "./rule";
export type { ProviderBlock, SynthesizedStack, TerraformBlock } from "./synthesized-stack";
