/**
 * Permissions of the template's own CI identities (the `self` section): the plan role reads what
 * the AWS stack manages plus its state; the deploy role manages exactly the resource types the
 * AWS stack emits, in its own account and region, plus its state and lock file.
 *
 * Resources are scoped to resource types (`role/*`, `repository/*`, ...) rather than to the names
 * in the config: a pull request that adds a repository must be deployable by the role as it was
 * before that pull request. Pure data, so the tests and guardrails read exactly what is emitted.
 */
import { partitionOf } from "../config/derive";
import type { PolicyDocument, PolicyStatement } from "./policy-document";

export interface CiPolicyScope {
  readonly accountId: string;
  readonly region: string;
  /** ARN of the GitHub OIDC provider the stack manages or references. */
  readonly oidcProviderArn: string;
  readonly stateBucket: string;
  /** State objects live under <stateKeyPrefix>/ (one key per stack, lock files beside them). */
  readonly stateKeyPrefix: string;
}

function arns(scope: CiPolicyScope) {
  const p = partitionOf(scope.region);
  const at = `${scope.region}:${scope.accountId}`;
  return {
    roles: `arn:${p}:iam::${scope.accountId}:role/*`,
    ecrRepositories: `arn:${p}:ecr:${at}:repository/*`,
    codebuildProjects: `arn:${p}:codebuild:${at}:project/*`,
    connections: `arn:${p}:codeconnections:${at}:connection/*`,
    logGroups: `arn:${p}:logs:${at}:log-group:*`,
    kmsKeys: `arn:${p}:kms:${at}:key/*`,
    stateBucket: `arn:${p}:s3:::${scope.stateBucket}`,
    stateObjects: `arn:${p}:s3:::${scope.stateBucket}/${scope.stateKeyPrefix}/*`,
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

/** Read-only: what `terraform plan -lock=false` of the AWS stack reads, and nothing it could change. */
export const PLAN_READ_ACTIONS = {
  iamRoles: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags"],
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
      allow("ReadOidcProvider", [...PLAN_READ_ACTIONS.oidcProvider], scope.oidcProviderArn),
      allow("ReadEcr", [...PLAN_READ_ACTIONS.ecr], a.ecrRepositories),
      allow("ReadCodeBuild", [...PLAN_READ_ACTIONS.codebuild], a.codebuildProjects),
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
      allow(
        "ManageRoles",
        [
          "iam:CreateRole",
          "iam:DeleteRole",
          "iam:DeleteRolePolicy",
          "iam:DetachRolePolicy",
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListInstanceProfilesForRole",
          "iam:ListRolePolicies",
          "iam:ListRoleTags",
          "iam:PutRolePolicy",
          "iam:TagRole",
          "iam:UntagRole",
          "iam:UpdateAssumeRolePolicy",
          "iam:UpdateRole",
          "iam:UpdateRoleDescription",
        ],
        a.roles,
      ),
      // Runner service roles are handed to CodeBuild, and to nothing else.
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
    ],
  };
}
