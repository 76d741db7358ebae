import { TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { OCI_DIGEST, OCI_DIGEST_RULE, OCI_REPOSITORY } from "../../lib/domain/oci-reference";

/** Terraform variable names, as `TF_VAR_<name>` and Terraform Cloud workspace variables spell them. */
const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

export interface ServiceImageProps {
  /** The image repository, without tag or digest: `ghcr.io/acme/orders-api`. */
  readonly repository: string;
  /**
   * The Terraform variable through which the deploy pipeline sets the digest one workload runs
   * (`sha256:<64 hex>`, or empty). Use `imageVariableName(service)`, or
   * `imageVariableName(service, color)` for each colour of a blue-green deployment. The variable
   * is created at the top of the stack; each ServiceImage owns its own.
   */
  readonly variableName: string;
  /**
   * A digest (`sha256:<64 hex>`) the workload runs while the variable is empty: an explicit pin
   * written in the configuration, for example the first image of a new environment.
   * @default none: an empty variable means the workload has no image yet (`count` is 0)
   */
  readonly bootstrapDigest?: string;
}

/**
 * The image one workload runs, as a digest the deploy pipeline sets and nothing else: a tag is
 * never looked up, so no plan follows a tag that moved (a registry lookup of `main` resolves
 * again on every plan, and everything falling back to it would move with it). The environment
 * plans before any image exists: the workload then simply has no instance.
 */
export class ServiceImage extends Construct {
  /**
   * What workloads put in `image`: `repository@<digest>`, a Terraform expression of the variable
   * (and the bootstrap digest). Meaningless while `count` is 0.
   */
  readonly reference: string;
  /** The digest in effect (`sha256:...`), or "" while the workload has no image. */
  readonly digest: string;
  /** 1 while there is a digest to run, else 0: the `count` of everything that runs the image. */
  readonly count: number;
  /** The pipeline's variable. */
  readonly variable: TerraformVariable;

  constructor(scope: Construct, id: string, props: ServiceImageProps) {
    super(scope, id);
    validate(props);
    this.variable = digestVariable(this, props.variableName, props.bootstrapDigest);
    // Written as HCL: cdktf 0.21 renders the literals "" and 0 inside Op/Fn expressions as
    // `undefined`, which Terraform then rejects.
    const variable = `var.${props.variableName}`;
    const digest =
      props.bootstrapDigest === undefined ? variable : `${variable} == "" ? "${props.bootstrapDigest}" : ${variable}`;
    this.digest = `\${${digest}}`;
    this.reference = `${props.repository}@\${${digest}}`;
    this.count = props.bootstrapDigest === undefined ? Token.asNumber(`\${${variable} == "" ? 0 : 1}`) : 1;
  }
}

function validate(props: ServiceImageProps): void {
  if (!OCI_REPOSITORY.test(props.repository)) {
    throw new Error(
      `ServiceImage: repository must be an OCI repository such as 'ghcr.io/acme/orders-api', lowercase, without tag or digest (got '${props.repository}')`,
    );
  }
  if (props.bootstrapDigest !== undefined && !OCI_DIGEST.test(props.bootstrapDigest)) {
    throw new Error(
      `ServiceImage ${props.repository}: bootstrapDigest must be ${OCI_DIGEST_RULE} (got '${props.bootstrapDigest}')`,
    );
  }
  if (!VARIABLE_NAME.test(props.variableName)) {
    throw new Error(
      `ServiceImage ${props.repository}: variableName must match ${VARIABLE_NAME.source} (got '${props.variableName}')`,
    );
  }
}

/** The pipeline's input: not secret (digests are public in the registry), validated at plan time. */
function digestVariable(scope: Construct, name: string, bootstrapDigest: string | undefined): TerraformVariable {
  const stack = TerraformStack.of(scope);
  if (stack.node.tryFindChild(name) !== undefined) {
    throw new Error(
      `ServiceImage: variable '${name}' already exists in stack ${stack.node.id}; each image needs its own`,
    );
  }
  const variable = new TerraformVariable(stack, name, {
    type: "string",
    default: "",
    nullable: false,
    description:
      bootstrapDigest === undefined
        ? "Image digest to run (sha256:<64 hex>), set by the deploy workflow; empty: no image yet (no pods). Never a tag."
        : "Image digest to run (sha256:<64 hex>), set by the deploy workflow; empty: the configured digest. Never a tag.",
    validation: [
      {
        condition: `\${can(regex("^(|sha256:[a-f0-9]{64})$", var.${name}))}`,
        errorMessage:
          "Must be empty or an image digest: sha256 followed by a colon and 64 lowercase hex digits (tags are not accepted: a tag can move).",
      },
    ],
  });
  variable.overrideLogicalId(name);
  return variable;
}
