import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureStateBackend, type StateBackend } from "./state-backend";
import { TERRAFORM_REQUIRED_VERSION } from "../lib/domain";

export interface DeliveryStackProps {
  /** Where the stack keeps its state. */
  readonly backend: StateBackend;
}

/** What every stack of this project shares: its state backend, and its JSON computed once. */
export abstract class DeliveryStack extends TerraformStack {
  private synthesized?: Record<string, unknown>;

  protected constructor(scope: Construct, id: string, props: DeliveryStackProps) {
    super(scope, id);
    configureStateBackend(this, props.backend);
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
  }

  /**
   * The stack's Terraform JSON, resolved once. It is first asked for when the tree is complete,
   * during synth: by the guardrails, then by the synthesizer that writes it. So the JSON the
   * guardrails check is exactly the JSON written, and a large stack is resolved once, not twice.
   */
  override toTerraform(): Record<string, unknown> {
    this.synthesized ??= super.toTerraform() as Record<string, unknown>;
    return this.synthesized;
  }
}
