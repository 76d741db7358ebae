import { DataDockerRegistryImage } from "@cdktf/provider-docker/lib/data-docker-registry-image";
import { Construct } from "constructs";

export interface ServiceImageProps {
  /** The image repository, without tag: `ghcr.io/acme/orders-api`. */
  readonly repository: string;
  /** The tag to resolve to a digest. */
  readonly tag: string;
}

/**
 * A service's container image, resolved from a tag to its digest at plan time, so that workloads
 * run exactly the image that was scanned and signed, never whatever a tag points to later.
 */
export class ServiceImage extends Construct {
  /** `repository@sha256:...`: the reference workloads use. */
  readonly reference: string;

  constructor(scope: Construct, id: string, props: ServiceImageProps) {
    super(scope, id);
    const lookup = new DataDockerRegistryImage(this, "lookup", { name: `${props.repository}:${props.tag}` });
    this.reference = `${props.repository}@${lookup.sha256Digest}`;
  }
}
