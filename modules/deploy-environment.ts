import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy";
import { Construct } from "constructs";
import { terraformLiterals } from "./terraform-text";

/** A child id per pattern, stable for a given pattern ('/' is the construct path separator). */
const policyId = (kind: string, pattern: string) => `${kind}-${pattern.replace(/\//g, "_")}`;

export interface DeployEnvironmentProps {
  /** Repository name (without the owner). */
  readonly repository: string;
  /** Environment name; roles trust the subject `...:environment:<name>`. */
  readonly environment: string;
  /** Branch names or patterns whose runs may enter the environment. */
  readonly branches: readonly string[];
  // The defaults below are the module's own: the template's deploy environment (config `self`) has
  // no tags or self-review setting in the config, and takes them.
  /**
   * Tag names or patterns whose runs may enter the environment.
   * @default - none
   */
  readonly tags?: readonly string[];
  /** Numeric ids of the users and teams who must approve each run; empty means no approval step. */
  readonly reviewers: { readonly users: readonly number[]; readonly teams: readonly number[] };
  /**
   * Whoever triggered the run may not approve it.
   * @default true
   */
  readonly preventSelfReview?: boolean;
  /**
   * Environment-level Actions variables (never secrets): only jobs in the environment read them.
   * @default - none
   */
  readonly variables?: Readonly<Record<string, string>>;
}

/**
 * A GitHub environment that a role's `environment:<name>` subject depends on. GitHub creates an
 * environment on first use with no protection, so the role would trust anyone who can push a
 * workflow; managed here, the environment's rules (these refs only, these reviewers, no admin
 * bypass) are what stands between a push and the role.
 */
export class DeployEnvironment extends Construct {
  readonly environment: RepositoryEnvironment;
  /** The first branch's policy (kept as its own field: its construct id predates tag and multi-branch policies). */
  readonly branchPolicy?: RepositoryEnvironmentDeploymentPolicy;
  readonly refPolicies: readonly RepositoryEnvironmentDeploymentPolicy[];
  readonly variables: Readonly<Record<string, ActionsEnvironmentVariable>>;

  constructor(scope: Construct, id: string, props: DeployEnvironmentProps) {
    super(scope, id);
    const tags = props.tags ?? [];
    if (props.branches.length + tags.length === 0) {
      // Custom policies with none listed would let no run in; an empty list is a caller's mistake.
      throw new Error(`DeployEnvironment ${props.repository}/${props.environment}: give at least one branch or tag`);
    }
    const hasReviewers = props.reviewers.users.length + props.reviewers.teams.length > 0;
    this.environment = new RepositoryEnvironment(this, "Environment", terraformLiterals({
      repository: props.repository,
      environment: props.environment,
      // Whoever pushed the change does not approve its deployment, and admins do not skip review.
      preventSelfReview: props.preventSelfReview ?? true,
      canAdminsBypass: false,
      reviewers: hasReviewers ? [{ users: [...props.reviewers.users], teams: [...props.reviewers.teams] }] : undefined,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    }));
    const policies: RepositoryEnvironmentDeploymentPolicy[] = [];
    props.branches.forEach((pattern, i) => {
      policies.push(
        new RepositoryEnvironmentDeploymentPolicy(this, i === 0 ? "BranchPolicy" : policyId("BranchPolicy", pattern), terraformLiterals({
          repository: props.repository,
          environment: this.environment.environment,
          branchPattern: pattern,
        })),
      );
    });
    for (const pattern of tags) {
      policies.push(
        new RepositoryEnvironmentDeploymentPolicy(this, policyId("TagPolicy", pattern), terraformLiterals({
          repository: props.repository,
          environment: this.environment.environment,
          tagPattern: pattern,
        })),
      );
    }
    this.refPolicies = policies;
    this.branchPolicy = props.branches.length > 0 ? policies[0] : undefined;
    const variables: Record<string, ActionsEnvironmentVariable> = {};
    const values = props.variables ?? {};
    for (const name of Object.keys(values).sort()) {
      variables[name] = new ActionsEnvironmentVariable(this, name, terraformLiterals({
        repository: props.repository,
        environment: this.environment.environment,
        variableName: name,
        value: values[name],
      }));
    }
    this.variables = variables;
  }
}
