import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { objectLabels } from "./labels";

export interface RegistryPullSecretProps {
  readonly namespace: string;
  /** @default "registry-credentials" */
  readonly name?: string;
  /** Registry hosts the credentials are for (`ghcr.io`). */
  readonly registries: readonly string[];
  /** The user name: a reference to a sensitive variable, never a literal. */
  readonly username: string;
  /** The token (for GHCR: `read:packages`): a reference to a sensitive variable, never a literal. */
  readonly password: string;
}

/**
 * The `kubernetes.io/dockerconfigjson` Secret pods pull their images with. The JSON document is
 * built by Terraform (`jsonencode`, `base64encode`) from sensitive variables at apply time, so the
 * synthesized configuration holds only the expression, never the credentials.
 */
export class RegistryPullSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: RegistryPullSecretProps) {
    super(scope, id);
    if (props.registries.length === 0) {
      throw new Error("registries must list at least one registry host (got none)");
    }
    const auths: Record<string, Record<string, string>> = {};
    for (const registry of [...props.registries].sort()) {
      auths[registry] = {
        username: props.username,
        password: props.password,
        auth: Fn.base64encode(Fn.join("", [props.username, ":", props.password])),
      };
    }
    this.secret = new SecretV1(this, "secret", {
      metadata: { name: props.name ?? "registry-credentials", namespace: props.namespace, labels: objectLabels() },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Fn.jsonencode({ auths }) },
    });
  }

  /** The Secret's name as a reference, so that pods using it are created after it. */
  get name(): string {
    return this.secret.metadata.name;
  }
}
