import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { Annotations, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { RoleSubjects } from "../config/derive";
import { policySize } from "./permissions-boundary";
import { terraformLiterals } from "./terraform-text";
import type { PolicyDocument } from "../iam/policy";
import { ecrPushStatements, githubOidcTrustPolicy, renderPolicy, type TrustedRepository } from "./policy-document";

export interface DeployRoleProps {
  /** IAM role name; workflows read its ARN from an Actions variable derived from it. */
  readonly roleName: string;
  /** @default - no description */
  readonly description?: string;
  /** ARN of the account's GitHub OIDC provider. */
  readonly oidcProviderArn: string;
  /**
   * Full `repo:...:...` subjects: exact ones (StringEquals) and wildcard ones (StringLike); or,
   * for a role several repositories assume or one that pins further claims (repository_id,
   * job_workflow_ref), one entry per repository with its subjects and pinned claims.
   */
  readonly subjects: RoleSubjects | readonly TrustedRepository[];
  // The defaults below are the module's own, not copies of the config's: the template's plan and
  // deploy roles (config `self`) are DeployRoles the config does not size, and take them.
  /**
   * ECR repository ARNs the role may push to.
   * @default - no ECR permissions
   */
  readonly ecrPushRepositoryArns?: readonly string[];
  /**
   * Also allow pulling layers from those repositories.
   * @default false
   */
  readonly ecrPull?: boolean;
  /**
   * IAM path of the role; the stacks pass the template's path (config aws.iam.path), which the
   * deploy role is confined to.
   * @default "/"
   */
  readonly path?: string;
  /**
   * ARN of the permissions boundary; the stacks pass the template's boundary.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
  /** @default 3600 (one hour, IAM's own default: an image build rarely needs longer) */
  readonly maxSessionDurationSeconds?: number;
  /**
   * Resources that must exist first (the OIDC provider, when this stack creates it).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /** @default - none besides the provider's default tags */
  readonly tags?: Record<string, string>;
  /**
   * Further inline policies by name (the template's own plan and deploy roles use these).
   * @default - none
   */
  readonly inlinePolicies?: Readonly<Record<string, PolicyDocument>>;
}

const ECR_PUSH_POLICY_NAME = "ecr-push";

/** IAM's quota "Role trust policy length": 2,048 characters by default, 4,096 at most (whitespace not counted). */
const TRUST_POLICY_DEFAULT_CHARACTERS = 2048;
const TRUST_POLICY_MAX_CHARACTERS = 4096;

/**
 * A role that GitHub Actions jobs assume with AssumeRoleWithWebIdentity. Its permissions are
 * inline `aws_iam_role_policy` resources (IAM-005), and it is authoritative over its policies:
 * an inline policy or managed policy attached by hand is removed on the next apply.
 */
export class DeployRole extends Construct {
  readonly resource: IamRole;
  readonly ecrPushPolicy?: IamRolePolicy;
  /** The inlinePolicies, by name. */
  readonly inlinePolicies: Readonly<Record<string, IamRolePolicy>>;

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    const trust = githubOidcTrustPolicy(props.oidcProviderArn, props.subjects);
    const trustSize = policySize(trust);
    // Found at synth instead of as LimitExceeded (ACLSizePerRole) halfway through an apply.
    if (trustSize > TRUST_POLICY_MAX_CHARACTERS) {
      Annotations.of(this).addError(
        `the trust policy of ${props.roleName} is ${trustSize} characters; IAM allows ${TRUST_POLICY_DEFAULT_CHARACTERS} per role, ${TRUST_POLICY_MAX_CHARACTERS} at most with a quota increase: split the role (a role per repository, or shared roles for fewer repositories each) or trust fewer branches, tags and environments`,
      );
    } else if (trustSize > TRUST_POLICY_DEFAULT_CHARACTERS) {
      Annotations.of(this).addWarning(
        `the trust policy of ${props.roleName} is ${trustSize} characters, over IAM's default ${TRUST_POLICY_DEFAULT_CHARACTERS} per role: the apply fails with LimitExceeded unless the account's quota "Role trust policy length" is raised (Service Quotas, IAM; at most ${TRUST_POLICY_MAX_CHARACTERS})`,
      );
    }
    this.resource = new IamRole(this, "Resource", terraformLiterals({
      name: props.roleName,
      path: props.path,
      permissionsBoundary: props.permissionsBoundaryArn,
      description: props.description,
      assumeRolePolicy: renderPolicy(trust),
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      tags: props.tags,
      dependsOn: props.dependsOn,
    }));

    const statements = ecrPushStatements(props.ecrPushRepositoryArns ?? [], props.ecrPull ?? false);
    const policyNames: string[] = [];
    if (statements.length > 0) {
      this.ecrPushPolicy = new IamRolePolicy(this, "EcrPushPolicy", terraformLiterals({
        role: this.resource.name,
        name: ECR_PUSH_POLICY_NAME,
        policy: renderPolicy({ Version: "2012-10-17", Statement: statements }),
      }));
      policyNames.push(ECR_PUSH_POLICY_NAME);
    }

    const inlinePolicies: Record<string, IamRolePolicy> = {};
    for (const [name, document] of Object.entries(props.inlinePolicies ?? {})) {
      if (name === ECR_PUSH_POLICY_NAME) throw new Error(`inline policy name "${name}" is reserved for the ECR push policy`);
      inlinePolicies[name] = new IamRolePolicy(this, `Policy-${name}`, terraformLiterals({
        role: this.resource.name,
        name,
        policy: renderPolicy(document),
      }));
      policyNames.push(name);
    }
    this.inlinePolicies = inlinePolicies;

    const policies = [...(this.ecrPushPolicy ? [this.ecrPushPolicy] : []), ...Object.values(inlinePolicies)];
    new IamRolePoliciesExclusive(this, "InlinePoliciesExclusive", terraformLiterals({
      roleName: this.resource.name,
      policyNames,
      dependsOn: policies.length > 0 ? policies : undefined,
    }));
    // No managed policies at all (IAM-006): AdministratorAccess attached by hand would otherwise
    // stay invisible to every review of this repository.
    new IamRolePolicyAttachmentsExclusive(this, "ManagedPoliciesExclusive", terraformLiterals({
      roleName: this.resource.name,
      policyArns: [],
    }));
  }
}
