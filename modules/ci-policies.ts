/**
 * Permissions of the template's own CI identities (the `self` section): the plan role reads what
 * the AWS stack manages plus its state; the deploy role manages exactly the resource types the
 * AWS stack emits, in its own account and region, plus its state and lock file.
 *
 * Roles are scoped to the template's IAM path (`role/<path>*`), always with its permissions
 * boundary, and the CI roles and the boundary themselves are explicitly denied: the deploy role
 * can create and change the roles the template manages, never itself, the plan role, the boundary
 * or a role outside the path. CodeBuild projects are scoped to the configured runner names. Other
 * resources are scoped to resource types in the account and region (`repository/*`, ...) rather
 * than to names: a pull request that adds a repository or a deploy role must be deployable by the
 * role as it was before that pull request. Pure data, so the tests and guardrails read exactly
 * what is emitted.
 */
import { codebuildProjectArn, connectionArn, ecrRepositoryArn, kmsKeyArn, logGroupArn, roleArn, rolesUnderPathArn, s3Arn } from "../domain/arn";
import type { PolicyDocument, PolicyStatement } from "../iam/policy";

/** What every role of the template is confined to: its IAM path and permissions boundary. */
export interface IamScope {
  readonly accountId: string;
  readonly region: string;
  /** IAM path of every role the template creates, e.g. `/github-actions-platform/`. */
  readonly iamPath: string;
  /** ARN of the permissions boundary every role the template creates carries. */
  readonly permissionsBoundaryArn: string;
  /** Names of the plan and deploy roles: no role of the template may change them. */
  readonly ciRoleNames: readonly string[];
}

export interface CiPolicyScope extends IamScope {
  /** ARN of the GitHub OIDC provider the stack manages or references. */
  readonly oidcProviderArn: string;
  readonly stateBucket: string;
  /** State objects live under <stateKeyPrefix>/ (one key per stack, lock files beside them). */
  readonly stateKeyPrefix: string;
  /** CodeBuild runner projects the stack manages: the only projects the CI roles may touch. */
  readonly codebuildProjects: readonly string[];
}

function arns(scope: CiPolicyScope) {
  const { accountId, region } = scope;
  return {
    roles: rolesUnderPathArn(accountId, region, scope.iamPath),
    ecrRepositories: ecrRepositoryArn(accountId, region, "*"),
    codebuildProjects: scope.codebuildProjects.map((name) => codebuildProjectArn(accountId, region, name)),
    connections: connectionArn(accountId, region, "*"),
    logGroups: logGroupArn(accountId, region, "*"),
    kmsKeys: kmsKeyArn(accountId, region, "*"),
    stateBucket: s3Arn(region, scope.stateBucket),
    stateObjects: s3Arn(region, `${scope.stateBucket}/${scope.stateKeyPrefix}/*`),
  };
}

const allow = (Sid: string, Action: string[], Resource: string | string[], Condition?: PolicyStatement["Condition"]): PolicyStatement => ({
  Sid,
  Effect: "Allow",
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});

function stateListStatement(scope: CiPolicyScope): PolicyStatement {
  return allow("StateList", ["s3:ListBucket"], arns(scope).stateBucket, {
    StringLike: { "s3:prefix": [`${scope.stateKeyPrefix}/*`] },
  });
}

/** What reading a role needs (terraform refresh of aws_iam_role and its exclusive-policy resources). */
const ROLE_READ_ACTIONS = [
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:ListRolePolicies",
  "iam:ListRoleTags",
] as const;

/** What reading the boundary (an aws_iam_policy) needs. */
const POLICY_READ_ACTIONS = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyTags", "iam:ListPolicyVersions"] as const;

/**
 * The role actions AWS evaluates `iam:PermissionsBoundary` for (the boundary the role has or is
 * given): granted only with the template's boundary, so whatever the deploy role creates or
 * changes stays capped by it.
 */
const ROLE_ACTIONS_NEEDING_BOUNDARY = [
  "iam:CreateRole",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
] as const;

/**
 * Explicit denies shared by the deploy policy and the boundary: nothing the template creates may
 * change the CI roles (so the deploy role cannot widen itself) or the boundary (so it cannot lift
 * its own cap), or take a boundary off any role. Reads stay allowed: plans refresh them.
 */
export function protectionStatements(scope: IamScope): PolicyStatement[] {
  return [
    {
      Sid: "DenyChangingCiRoles",
      Effect: "Deny",
      NotAction: [...ROLE_READ_ACTIONS],
      Resource: scope.ciRoleNames.map((name) => roleArn(scope.accountId, scope.region, name, scope.iamPath)),
    },
    { Sid: "DenyChangingBoundary", Effect: "Deny", NotAction: [...POLICY_READ_ACTIONS], Resource: scope.permissionsBoundaryArn },
    { Sid: "DenyRemovingBoundaries", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
  ].filter((statement) => statement.Resource.length > 0) as PolicyStatement[];
}

/** Read-only: what `terraform plan -lock=false` of the AWS stack reads, and nothing it could change. */
const PLAN_READ_ACTIONS = {
  iamRoles: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags"],
  boundary: POLICY_READ_ACTIONS,
  oidcProvider: ["iam:GetOpenIDConnectProvider"],
  ecr: ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"],
  codebuild: ["codebuild:BatchGetProjects"],
  connections: ["codeconnections:GetConnection", "codeconnections:ListTagsForResource"],
  logs: ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
} as const;

export function planPolicy(scope: CiPolicyScope): PolicyDocument {
  const a = arns(scope);
  return {
    Version: "2012-10-17",
    Statement: [
      // Plans run with -lock=false, so the plan role never writes the lock file.
      allow("StateRead", ["s3:GetObject"], a.stateObjects),
      stateListStatement(scope),
      allow("ReadRoles", [...PLAN_READ_ACTIONS.iamRoles], a.roles),
      allow("ReadBoundary", [...PLAN_READ_ACTIONS.boundary], scope.permissionsBoundaryArn),
      allow("ReadOidcProvider", [...PLAN_READ_ACTIONS.oidcProvider], scope.oidcProviderArn),
      allow("ReadEcr", [...PLAN_READ_ACTIONS.ecr], a.ecrRepositories),
      ...(a.codebuildProjects.length > 0 ? [allow("ReadCodeBuild", [...PLAN_READ_ACTIONS.codebuild], a.codebuildProjects)] : []),
      allow("ReadConnections", [...PLAN_READ_ACTIONS.connections], a.connections),
      allow("ReadLogGroups", [...PLAN_READ_ACTIONS.logs], a.logGroups),
    ],
  };
}

export function deployPolicy(scope: CiPolicyScope): PolicyDocument {
  const a = arns(scope);
  return {
    Version: "2012-10-17",
    Statement: [
      // Read, write and the S3-native lock file (<key>.tflock) under the same prefix.
      allow("StateReadWrite", ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], a.stateObjects),
      stateListStatement(scope),
      allow("ReadRoles", [...ROLE_READ_ACTIONS], a.roles),
      allow("ReadBoundary", [...POLICY_READ_ACTIONS], scope.permissionsBoundaryArn),
      // Roles under the template's path only, and only with its boundary on them.
      allow("ManageRolesWithBoundary", [...ROLE_ACTIONS_NEEDING_BOUNDARY], a.roles, {
        StringEquals: { "iam:PermissionsBoundary": scope.permissionsBoundaryArn },
      }),
      allow(
        "ManageRoles",
        ["iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"],
        a.roles,
      ),
      // Runner service roles (under the path) are handed to CodeBuild, and to nothing else.
      allow("PassRunnerRoles", ["iam:PassRole"], a.roles, { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } }),
      allow(
        "ManageOidcProvider",
        [
          "iam:AddClientIDToOpenIDConnectProvider",
          "iam:CreateOpenIDConnectProvider",
          "iam:DeleteOpenIDConnectProvider",
          "iam:GetOpenIDConnectProvider",
          "iam:RemoveClientIDFromOpenIDConnectProvider",
          "iam:TagOpenIDConnectProvider",
          "iam:UntagOpenIDConnectProvider",
          "iam:UpdateOpenIDConnectProviderThumbprint",
        ],
        scope.oidcProviderArn,
      ),
      allow(
        "ManageEcr",
        [
          "ecr:CreateRepository",
          "ecr:DeleteLifecyclePolicy",
          "ecr:DeleteRepository",
          "ecr:DescribeRepositories",
          "ecr:GetLifecyclePolicy",
          "ecr:GetRepositoryPolicy",
          "ecr:ListTagsForResource",
          "ecr:PutImageScanningConfiguration",
          "ecr:PutImageTagMutability",
          "ecr:PutLifecyclePolicy",
          "ecr:TagResource",
          "ecr:UntagResource",
        ],
        a.ecrRepositories,
      ),
      // KMS-encrypted repositories: ECR creates a grant on the key in the caller's name.
      allow("EcrKmsGrants", ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"], a.kmsKeys, {
        StringEquals: { "kms:ViaService": `ecr.${scope.region}.amazonaws.com` },
      }),
      ...(a.codebuildProjects.length > 0
        ? [
            allow(
              "ManageCodeBuild",
              [
                "codebuild:BatchGetProjects",
                "codebuild:CreateProject",
                "codebuild:CreateWebhook",
                "codebuild:DeleteProject",
                "codebuild:DeleteWebhook",
                "codebuild:UpdateProject",
                "codebuild:UpdateWebhook",
              ],
              a.codebuildProjects,
            ),
          ]
        : []),
      allow(
        "ManageConnections",
        [
          "codeconnections:CreateConnection",
          "codeconnections:DeleteConnection",
          "codeconnections:GetConnection",
          "codeconnections:ListTagsForResource",
          "codeconnections:PassConnection",
          "codeconnections:TagResource",
          "codeconnections:UntagResource",
          "codeconnections:UseConnection",
        ],
        a.connections,
      ),
      allow(
        "ManageLogGroups",
        [
          "logs:CreateLogGroup",
          "logs:DeleteLogGroup",
          "logs:DeleteRetentionPolicy",
          "logs:DescribeLogGroups",
          "logs:ListTagsForResource",
          "logs:ListTagsLogGroup",
          "logs:PutRetentionPolicy",
          "logs:TagLogGroup",
          "logs:TagResource",
          "logs:UntagLogGroup",
          "logs:UntagResource",
        ],
        a.logGroups,
      ),
      ...protectionStatements(scope),
    ],
  };
}
