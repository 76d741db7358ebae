import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { Construct } from "constructs";
import { SensitiveVariable } from "../terraform";
import { assertActionsNames } from "./actions-names";
import { secretVariableName } from "../../lib/domain";

export interface ActionsSecretsProps {
  /** The repository that holds the secrets. */
  readonly repository: string;
  /** The service the secrets belong to: it names their sensitive variables (`orders_api_database_url`). */
  readonly serviceName: string;
  /** Secret names, as workflows read them (`secrets.DATABASE_URL`). */
  readonly names: readonly string[];
  /** The deployment environment that holds the secrets. @default the repository (every workflow may read them) */
  readonly environment?: string;
}

/**
 * GitHub Actions secrets declared by name. Each value comes from the stack's sensitive variable
 * `secretVariableName(serviceName, name)` (`TF_VAR_orders_api_database_url`, or a sensitive
 * Terraform Cloud workspace variable), shared with any other construct that needs the same secret;
 * the synthesized JSON holds only `${var...}` references. Terraform state holds the values, as for
 * every sensitive variable, so state must be stored encrypted with restricted access.
 */
export class ActionsSecrets extends Construct {
  constructor(scope: Construct, id: string, props: ActionsSecretsProps) {
    super(scope, id);
    assertActionsNames(`ActionsSecrets ${props.serviceName}`, "names", props.names);
    for (const name of props.names) {
      const value = SensitiveVariable.of(this, secretVariableName(props.serviceName, name), {
        description: `Secret ${name} of ${props.serviceName}`,
      });
      if (props.environment === undefined) {
        new ActionsSecret(this, name, {
          repository: props.repository,
          secretName: name,
          plaintextValue: value.stringValue,
        });
      } else {
        new ActionsEnvironmentSecret(this, name, {
          repository: props.repository,
          environment: props.environment,
          secretName: name,
          plaintextValue: value.stringValue,
        });
      }
    }
  }
}
