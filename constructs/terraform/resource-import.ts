import { TerraformElement, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";

export interface ResourceImportProps {
  /** The resource that takes over the existing object. */
  readonly resource: TerraformResource;
  /** The object's import id, as the resource's provider documents it (a repository: its name). */
  readonly importId: string;
}

/**
 * An `import` block (Terraform >= 1.5): the next plan imports an object that already exists into
 * `resource` instead of creating it, and once it is in state the block has no further effect.
 * cdktf's `importFrom` writes the same block but also runs `terraform version` at every synth; this
 * element keeps synth free of child processes.
 */
export class ResourceImport extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: ResourceImportProps,
  ) {
    super(scope, id);
  }

  override toTerraform(): Record<string, unknown> {
    const { resource, importId } = this.props;
    return { import: [{ to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}`, id: importId }] };
  }
}
