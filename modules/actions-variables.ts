import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { Construct } from "constructs";
import { terraformLiterals } from "./terraform-text";

export interface ActionsVariablesProps {
  /** Repository name (without the owner). */
  readonly repository: string;
  /** Variable name -> value. Values are visible to anyone who can read the repository: never secrets. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * Repository-level Actions variables that generated workflows read as `vars.NAME`, so no ARN or
 * account id is ever typed into a workflow by hand.
 */
export class ActionsVariables extends Construct {
  readonly resources: Readonly<Record<string, ActionsVariable>>;

  constructor(scope: Construct, id: string, props: ActionsVariablesProps) {
    super(scope, id);
    const resources: Record<string, ActionsVariable> = {};
    for (const name of Object.keys(props.variables).sort()) {
      resources[name] = new ActionsVariable(
        this,
        name,
        // Values are free text (a user's own variables): literal, never an expression.
        terraformLiterals({ repository: props.repository, variableName: name, value: props.variables[name] }),
      );
    }
    this.resources = resources;
  }
}
