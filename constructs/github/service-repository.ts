import { Repository } from "@cdktf/provider-github/lib/repository";
import { Construct } from "constructs";

export interface ServiceRepositoryProps {
  /** The repository's name under the provider's owner. */
  readonly name: string;
  /** One line shown on the repository's page. */
  readonly description: string;
}

/** The GitHub repository a service's code, pipeline and container files live in. */
export class ServiceRepository extends Construct {
  readonly repository: Repository;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    this.repository = new Repository(this, "repository", {
      name: props.name,
      description: props.description,
      visibility: "private",
      // A `terraform destroy` archives the repository instead of deleting code and history.
      archiveOnDestroy: true,
      lifecycle: { preventDestroy: true },
    });
  }
}
