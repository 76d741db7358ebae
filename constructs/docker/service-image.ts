import { DataDockerRegistryImage } from "@cdktf/provider-docker/lib/data-docker-registry-image";
import { TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { OCI_DIGEST, OCI_DIGEST_RULE, OCI_REPOSITORY, OCI_TAG, OCI_TAG_RULE } from "../../lib/domain/oci-reference";

/** Terraform variable names, as `TF_VAR_<name>` and Terraform Cloud workspace variables spell them. */
const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

export interface ServiceImageProps {
  /** The image repository, without tag or digest: `ghcr.io/acme/orders-api`. */
  readonly repository: string;
  /** The tag deployed when neither `digest` nor the override variable says otherwise: `develop`, `1.4.2`. */
  readonly tag: string;
  /**
   * A digest (`sha256:<64 hex>`) deployed instead of `tag`.
   * @default none: the tag is deployed
   */
  readonly digest?: string;
  /**
   * Resolve a tag to its digest in the registry (`docker_registry_image`) at plan time, so
   * that `reference` is `repository@sha256:...` and workloads run exactly the image that was
   * scanned and signed, whatever the tag points to later.
   * @default true
   */
  readonly resolveDigest?: boolean;
  /**
   * Accept only digest-pinned references. With `resolveDigest: false` every tag is then
   * refused: `digest` must be set and the override variable accepts only digests.
   * @default true
   */
  readonly requireDigest?: boolean;
  /**
   * The Terraform variable through which the deploy pipeline chooses the image of one run: a
   * tag or `sha256:<digest>`; empty means `digest`, else `tag`. Use `imageVariableName(service)`,
   * or `imageVariableName(service, color)` for each colour of a blue-green deployment. The
   * variable is created at the top of the stack; each ServiceImage owns its own.
   * @default no variable: the configured tag or digest is always deployed
   */
  readonly overrideVariableName?: string;
}

/**
 * A service's container image as a reference workloads can run. Tags are resolved to digests
 * at plan time; a digest (configured, or passed by the pipeline) is used as is, without asking
 * the registry, so a pinned deployment never depends on a tag that may have moved or gone.
 */
export class ServiceImage extends Construct {
  /**
   * What workloads put in `image`: `repository@sha256:...` (a Terraform expression when the
   * digest is looked up or chosen by the override variable), or `repository:tag` only when
   * both `resolveDigest` and `requireDigest` are false.
   */
  readonly reference: string;
  /** The override variable, when there is one. */
  readonly overrideVariable?: TerraformVariable;

  constructor(scope: Construct, id: string, props: ServiceImageProps) {
    super(scope, id);
    const resolveDigest = props.resolveDigest ?? true;
    const requireDigest = props.requireDigest ?? true;
    validate(props, resolveDigest, requireDigest);

    const fallback = props.digest ?? props.tag;
    if (props.overrideVariableName === undefined) {
      this.reference = this.fixedReference(props.repository, fallback, resolveDigest);
      return;
    }

    const digestsOnly = requireDigest && !resolveDigest;
    this.overrideVariable = overrideVariable(this, props.overrideVariableName, digestsOnly, resolveDigest);
    // coalesce skips empty strings: an unset (empty) variable falls back to the configuration.
    const selected = `coalesce(var.${props.overrideVariableName}, "${fallback}")`;
    const isDigest = `startswith(${selected}, "sha256:")`;
    const pinned = `"${props.repository}@\${${selected}}"`;
    if (!resolveDigest) {
      const tagged = `"${props.repository}:\${${selected}}"`;
      this.reference = digestsOnly ? `${props.repository}@\${${selected}}` : `\${${isDigest} ? ${pinned} : ${tagged}}`;
      return;
    }
    // Ask the registry only when the selection is a tag: a digest needs no lookup, and a
    // lookup of a tag that no longer exists must not block deploying a pinned digest.
    const lookup = new DataDockerRegistryImage(this, "lookup", {
      name: `${props.repository}:\${${selected}}`,
      count: Token.asNumber(`\${${isDigest} ? 0 : 1}`),
    });
    // The lookup has no instance when a digest was selected; HCL evaluates only the chosen branch's errors.
    // The repository stays literal and only the digest is an expression, so the reference reads
    // (and is checked) as `repository@<digest>`.
    const resolved = `one(data.${DataDockerRegistryImage.tfResourceType}.${lookup.friendlyUniqueId}[*].sha256_digest)`;
    this.reference = `${props.repository}@\${${isDigest} ? ${selected} : ${resolved}}`;
  }

  private fixedReference(repository: string, selected: string, resolveDigest: boolean): string {
    if (OCI_DIGEST.test(selected)) {
      return `${repository}@${selected}`;
    }
    if (!resolveDigest) {
      return `${repository}:${selected}`;
    }
    const lookup = new DataDockerRegistryImage(this, "lookup", { name: `${repository}:${selected}` });
    return `${repository}@${lookup.sha256Digest}`;
  }
}

function validate(props: ServiceImageProps, resolveDigest: boolean, requireDigest: boolean): void {
  if (!OCI_REPOSITORY.test(props.repository)) {
    throw new Error(
      `ServiceImage: repository must be an OCI repository such as 'ghcr.io/acme/orders-api', lowercase, without tag or digest (got '${props.repository}')`,
    );
  }
  if (!OCI_TAG.test(props.tag)) {
    throw new Error(`ServiceImage ${props.repository}: tag must be ${OCI_TAG_RULE} (got '${props.tag}')`);
  }
  if (props.digest !== undefined && !OCI_DIGEST.test(props.digest)) {
    throw new Error(`ServiceImage ${props.repository}: digest must be ${OCI_DIGEST_RULE} (got '${props.digest}')`);
  }
  if (requireDigest && !resolveDigest && props.digest === undefined) {
    throw new Error(
      `ServiceImage ${props.repository}: requireDigest accepts only digest-pinned images, but resolveDigest is false and no digest is set (tag '${props.tag}'); resolve the tag or set digest`,
    );
  }
  if (props.overrideVariableName !== undefined && !VARIABLE_NAME.test(props.overrideVariableName)) {
    throw new Error(
      `ServiceImage ${props.repository}: overrideVariableName must match ${VARIABLE_NAME.source} (got '${props.overrideVariableName}')`,
    );
  }
}

/** The pipeline's input: not secret (digests and tags are public in the registry), validated at plan time. */
function overrideVariable(
  scope: Construct,
  name: string,
  digestsOnly: boolean,
  resolveDigest: boolean,
): TerraformVariable {
  const stack = TerraformStack.of(scope);
  if (stack.node.tryFindChild(name) !== undefined) {
    throw new Error(
      `ServiceImage: variable '${name}' already exists in stack ${stack.node.id}; each image needs its own`,
    );
  }
  const accepted = digestsOnly ? "(|sha256:[a-f0-9]{64})" : "(|sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9._-]{0,127})";
  const variable = new TerraformVariable(stack, name, {
    type: "string",
    default: "",
    nullable: false,
    description: digestsOnly
      ? "Image digest to deploy (sha256:<64 hex>); empty deploys the configured digest."
      : `Image tag or digest (sha256:<64 hex>) to deploy; empty deploys the configured one. ${resolveDigest ? "Tags are resolved to digests." : "Tags are deployed as tags (resolution is off)."}`,
    validation: [
      {
        condition: `\${can(regex("^${accepted}$", var.${name}))}`,
        errorMessage: digestsOnly
          ? "Must be empty or an image digest: sha256 followed by a colon and 64 lowercase hex digits."
          : "Must be empty, an image tag (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -) or an image digest (sha256 followed by a colon and 64 lowercase hex digits).",
      },
    ],
  });
  variable.overrideLogicalId(name);
  return variable;
}
