import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureStateBackend, type StateBackend } from "./state-backend";

export interface DeliveryStackProps {
  /** Where the stack keeps its state. */
  readonly backend: StateBackend;
}

/** What every stack of this project shares: its state backend. */
export abstract class DeliveryStack extends TerraformStack {
  protected constructor(scope: Construct, id: string, props: DeliveryStackProps) {
    super(scope, id);
    configureStateBackend(this, props.backend);
  }
}
