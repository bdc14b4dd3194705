import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy";
import { Construct } from "constructs";
import { terraformLiterals } from "./terraform-text";

export interface DeployEnvironmentProps {
  /** Repository name (without the owner). */
  readonly repository: string;
  /** Environment name; the deploy role trusts the subject `...:environment:<name>`. */
  readonly environment: string;
  /** The only branch whose workflow runs may enter the environment. */
  readonly branch: string;
  /** Numeric ids of the users and teams who must approve each run; empty means no approval step. */
  readonly reviewers: { readonly users: readonly number[]; readonly teams: readonly number[] };
  /** Environment-level Actions variables (never secrets): only jobs in the environment read them. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * The GitHub environment a deploy job must enter before it can assume the deploy role. The role
 * trusts only this environment's subject, so the environment's rules (this branch only, these
 * reviewers) are what stands between a merged change and an apply.
 */
export class DeployEnvironment extends Construct {
  readonly environment: RepositoryEnvironment;
  readonly branchPolicy: RepositoryEnvironmentDeploymentPolicy;
  readonly variables: Readonly<Record<string, ActionsEnvironmentVariable>>;

  constructor(scope: Construct, id: string, props: DeployEnvironmentProps) {
    super(scope, id);
    const hasReviewers = props.reviewers.users.length + props.reviewers.teams.length > 0;
    this.environment = new RepositoryEnvironment(this, "Environment", terraformLiterals({
      repository: props.repository,
      environment: props.environment,
      // Whoever pushed the change does not approve its deployment, and admins do not skip review.
      preventSelfReview: true,
      canAdminsBypass: false,
      reviewers: hasReviewers ? [{ users: [...props.reviewers.users], teams: [...props.reviewers.teams] }] : undefined,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    }));
    this.branchPolicy = new RepositoryEnvironmentDeploymentPolicy(this, "BranchPolicy", terraformLiterals({
      repository: props.repository,
      environment: this.environment.environment,
      branchPattern: props.branch,
    }));
    const variables: Record<string, ActionsEnvironmentVariable> = {};
    for (const name of Object.keys(props.variables).sort()) {
      variables[name] = new ActionsEnvironmentVariable(this, name, terraformLiterals({
        repository: props.repository,
        environment: this.environment.environment,
        variableName: name,
        value: props.variables[name],
      }));
    }
    this.variables = variables;
  }
}
