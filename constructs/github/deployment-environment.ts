import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { Construct } from "constructs";

export interface DeploymentEnvironmentProps {
  /** The repository the environment belongs to. */
  readonly repository: string;
  /** The environment's name, as workflows reference it (`environment: production`). */
  readonly environment: string;
  /** Minutes to wait after approval before a deployment job starts. @default 0 */
  readonly waitTimerMinutes?: number;
}

/** A GitHub deployment environment of one repository. */
export class DeploymentEnvironment extends Construct {
  readonly environment: RepositoryEnvironment;

  constructor(scope: Construct, id: string, props: DeploymentEnvironmentProps) {
    super(scope, id);
    this.environment = new RepositoryEnvironment(this, "environment", {
      repository: props.repository,
      environment: props.environment,
      waitTimer: props.waitTimerMinutes ?? 0,
      // The provider's default lets administrators skip the gate (PITFALLS 6).
      canAdminsBypass: false,
    });
  }
}
