import { CloudBackend, LocalBackend, NamedCloudWorkspace, type TerraformStack } from "cdktf";
import { workspaceName } from "../lib/domain";

/** Where a stack keeps its Terraform state. */
export type StateBackend =
  | {
      readonly kind: "local";
    }
  | {
      readonly kind: "cloud";
      /** The Terraform Cloud organization (`TF_CLOUD_ORGANIZATION`). */
      readonly organization: string;
      /** @default "app.terraform.io" */
      readonly hostname?: string;
      /** Workspaces are named `<workspacePrefix>-<stack id>`. */
      readonly workspacePrefix: string;
    };

/**
 * Configures the stack's backend. The local state file is named by a path relative to the
 * stack's working directory (`cdktf.out/stacks/<id>`), so it lands in the project root as cdktf's
 * default does, but without writing this machine's absolute path into the output: cdktf's implicit
 * local backend records the absolute directory synth ran in, so the output would differ per machine.
 */
export function configureStateBackend(stack: TerraformStack, backend: StateBackend): void {
  const stackId = stack.node.id;
  if (backend.kind === "local") {
    new LocalBackend(stack, { path: `../../../terraform.${stackId}.tfstate` });
    return;
  }
  new CloudBackend(stack, {
    organization: backend.organization,
    hostname: backend.hostname ?? "app.terraform.io",
    workspaces: new NamedCloudWorkspace(workspaceName(backend.workspacePrefix, stackId)),
  });
}
