import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { Construct } from "constructs";
import { terraformLiteral } from "../terraform";
import { assertActionsNames } from "./actions-names";

export interface ActionsVariablesProps {
  /** The repository that holds the variables. */
  readonly repository: string;
  /** Variables by name, as workflows read them (`vars.IMAGE_NAME`). Values are not secret. */
  readonly variables: Readonly<Record<string, string>>;
  /** The deployment environment that holds the variables. @default the repository */
  readonly environment?: string;
}

/** Non-secret GitHub Actions configuration variables, written verbatim. */
export class ActionsVariables extends Construct {
  constructor(scope: Construct, id: string, props: ActionsVariablesProps) {
    super(scope, id);
    const names = Object.keys(props.variables).sort();
    assertActionsNames("ActionsVariables", "variables", names);
    for (const name of names) {
      // Values are plain configuration; a `${` in one must not become a Terraform template.
      const value = terraformLiteral(props.variables[name] ?? "");
      if (props.environment === undefined) {
        new ActionsVariable(this, name, { repository: props.repository, variableName: name, value });
      } else {
        new ActionsEnvironmentVariable(this, name, {
          repository: props.repository,
          environment: props.environment,
          variableName: name,
          value,
        });
      }
    }
  }
}
