/**
 * Layer 2 (modules): the permissions of the template's own plan and deploy roles, evaluated with
 * the same IAM evaluator the guardrails use (actions and conditions) plus resource matching.
 */
import { evaluatePolicy, globMatch } from "../../guardrails/iam-evaluate";
import { deployPolicy, planPolicy, type CiPolicyScope } from "../../modules/ci-policies";
import type { PolicyDocument } from "../../modules/policy-document";

const SCOPE: CiPolicyScope = {
  accountId: "000123456789",
  region: "ap-northeast-1",
  oidcProviderArn: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com",
  stateBucket: "my-org-terraform-state",
  stateKeyPrefix: "github-actions-platform",
};
const STATE_KEY = "arn:aws:s3:::my-org-terraform-state/github-actions-platform/aws-000123456789-ap-northeast-1.tfstate";

/** Allowed when some Allow statement matches the action, its conditions and the resource. */
function allows(doc: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): boolean {
  return doc.Statement.some((statement) => {
    const single = { Version: "2012-10-17", Statement: [statement] };
    if (evaluatePolicy(single, { action, context }).decision !== "allow") return false;
    const resources = ([] as string[]).concat(statement.Resource ?? []);
    return resources.some((pattern) => globMatch(pattern, resource));
  });
}

const actionsOf = (doc: PolicyDocument) => doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action));
const resourcesOf = (doc: PolicyDocument) => doc.Statement.flatMap((s) => ([] as string[]).concat(s.Resource ?? []));

describe("planPolicy", () => {
  const plan = planPolicy(SCOPE);

  test("every action only reads", () => {
    for (const action of actionsOf(plan)) expect(action).toMatch(/^[a-z0-9-]+:(Get|List|Describe|BatchGet)[A-Za-z]*$/);
  });

  test("reads the state, never writes it or its lock file (plans run with -lock=false)", () => {
    expect(allows(plan, "s3:GetObject", STATE_KEY)).toBe(true);
    expect(allows(plan, "s3:PutObject", STATE_KEY)).toBe(false);
    expect(allows(plan, "s3:PutObject", `${STATE_KEY}.tflock`)).toBe(false);
    expect(allows(plan, "s3:DeleteObject", `${STATE_KEY}.tflock`)).toBe(false);
    expect(allows(plan, "s3:GetObject", "arn:aws:s3:::my-org-terraform-state/other-team/prod.tfstate")).toBe(false);
    expect(allows(plan, "s3:ListBucket", "arn:aws:s3:::my-org-terraform-state", { "s3:prefix": "github-actions-platform/x" })).toBe(true);
    expect(allows(plan, "s3:ListBucket", "arn:aws:s3:::my-org-terraform-state", { "s3:prefix": "other-team/" })).toBe(false);
  });

  test("reads what the AWS stack manages", () => {
    expect(allows(plan, "iam:GetRole", "arn:aws:iam::000123456789:role/techblue-dev-ecr-push")).toBe(true);
    expect(allows(plan, "iam:GetOpenIDConnectProvider", SCOPE.oidcProviderArn)).toBe(true);
    expect(allows(plan, "ecr:DescribeRepositories", "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev")).toBe(true);
    expect(allows(plan, "codebuild:BatchGetProjects", "arn:aws:codebuild:ap-northeast-1:000123456789:project/techblue-dev-runner")).toBe(true);
  });

  test("cannot push images, assume roles or read another account", () => {
    expect(allows(plan, "ecr:PutImage", "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev")).toBe(false);
    expect(allows(plan, "ecr:GetAuthorizationToken", "*")).toBe(false);
    expect(allows(plan, "sts:AssumeRole", "arn:aws:iam::000123456789:role/techblue-dev-ecr-push")).toBe(false);
    expect(allows(plan, "iam:GetRole", "arn:aws:iam::999999999999:role/x")).toBe(false);
  });
});

describe("deployPolicy", () => {
  const deploy = deployPolicy(SCOPE);

  test("writes the state and the S3-native lock file, under its own prefix only", () => {
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
      expect(allows(deploy, action, `${STATE_KEY}.tflock`)).toBe(true);
      expect(allows(deploy, action, "arn:aws:s3:::my-org-terraform-state/other-team/prod.tfstate")).toBe(false);
    }
  });

  test("manages the resource types the AWS stack emits", () => {
    const acct = "000123456789";
    expect(allows(deploy, "iam:CreateRole", `arn:aws:iam::${acct}:role/new-role`)).toBe(true);
    expect(allows(deploy, "iam:PutRolePolicy", `arn:aws:iam::${acct}:role/new-role`)).toBe(true);
    expect(allows(deploy, "iam:CreateOpenIDConnectProvider", SCOPE.oidcProviderArn)).toBe(true);
    expect(allows(deploy, "ecr:CreateRepository", `arn:aws:ecr:ap-northeast-1:${acct}:repository/new`)).toBe(true);
    expect(allows(deploy, "codebuild:CreateWebhook", `arn:aws:codebuild:ap-northeast-1:${acct}:project/new`)).toBe(true);
    expect(allows(deploy, "codeconnections:CreateConnection", `arn:aws:codeconnections:ap-northeast-1:${acct}:connection/abc`)).toBe(true);
    expect(allows(deploy, "logs:CreateLogGroup", `arn:aws:logs:ap-northeast-1:${acct}:log-group:/aws/codebuild/new`)).toBe(true);
  });

  test("passes roles to CodeBuild only", () => {
    const role = "arn:aws:iam::000123456789:role/techblue-dev-runner-service-role";
    expect(allows(deploy, "iam:PassRole", role, { "iam:PassedToService": "codebuild.amazonaws.com" })).toBe(true);
    expect(allows(deploy, "iam:PassRole", role, { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(false);
    expect(allows(deploy, "iam:PassRole", role)).toBe(false);
  });

  test("uses KMS only through ECR", () => {
    const key = "arn:aws:kms:ap-northeast-1:000123456789:key/1234";
    expect(allows(deploy, "kms:CreateGrant", key, { "kms:ViaService": "ecr.ap-northeast-1.amazonaws.com" })).toBe(true);
    expect(allows(deploy, "kms:CreateGrant", key, { "kms:ViaService": "s3.ap-northeast-1.amazonaws.com" })).toBe(false);
  });

  test("cannot push or delete images, attach managed policies, create users or assume roles", () => {
    const repo = "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev";
    expect(allows(deploy, "ecr:PutImage", repo)).toBe(false);
    expect(allows(deploy, "ecr:BatchDeleteImage", repo)).toBe(false);
    expect(allows(deploy, "ecr:SetRepositoryPolicy", repo)).toBe(false);
    expect(allows(deploy, "iam:AttachRolePolicy", "arn:aws:iam::000123456789:role/x")).toBe(false);
    expect(allows(deploy, "iam:CreatePolicy", "arn:aws:iam::000123456789:policy/x")).toBe(false);
    expect(allows(deploy, "iam:CreateUser", "arn:aws:iam::000123456789:user/x")).toBe(false);
    expect(allows(deploy, "sts:AssumeRole", "arn:aws:iam::000123456789:role/x")).toBe(false);
  });

  test("no wildcard actions and no Resource \"*\"; everything in this account and region", () => {
    for (const doc of [deploy, planPolicy(SCOPE)]) {
      for (const action of actionsOf(doc)) expect(action).not.toContain("*");
      for (const resource of resourcesOf(doc)) {
        expect(resource).not.toBe("*");
        expect(resource).toMatch(/^arn:aws:(s3:::my-org-terraform-state|iam::000123456789:|[a-z]+:ap-northeast-1:000123456789:)/);
      }
    }
  });
});
