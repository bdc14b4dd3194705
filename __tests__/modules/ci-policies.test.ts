/**
 * Layer 2 (modules): the permissions of the template's own plan and deploy roles, evaluated with
 * the same IAM evaluator the guardrails use (actions and conditions) plus resource matching.
 */
import { evaluatePolicy } from "../../iam/evaluate";
import { deployPolicy, planPolicy, type CiPolicyScope } from "../../modules/ci-policies";
import { permissionsBoundaryPolicy } from "../../modules/permissions-boundary";
import type { PolicyDocument } from "../../iam/policy";

const ACCT = "000123456789";
const PATH = "/github-actions-platform/";
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/github-actions-platform/github-actions-platform-boundary`;
const SCOPE: CiPolicyScope = {
  accountId: ACCT,
  region: "ap-northeast-1",
  iamPath: PATH,
  permissionsBoundaryArn: BOUNDARY,
  ciRoleNames: ["github-actions-platform-plan", "github-actions-platform-deploy"],
  oidcProviderArn: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com",
  stateBucket: "my-org-terraform-state",
  stateKeyPrefix: "github-actions-platform",
  codebuildProjects: ["techblue-dev-runner"],
};
const STATE_KEY = "arn:aws:s3:::my-org-terraform-state/github-actions-platform/aws-000123456789-ap-northeast-1.tfstate";
const role = (name: string, path = PATH) => `arn:aws:iam::${ACCT}:role${path}${name}`;
const DEPLOY_ROLE = role("github-actions-platform-deploy");
const PLAN_ROLE = role("github-actions-platform-plan");
const RUNNER_ROLE = role("codebuild-techblue-dev-runner");
const PROJECT = (name: string) => `arn:aws:codebuild:ap-northeast-1:${ACCT}:project/${name}`;
const BOUNDARY_DOC = permissionsBoundaryPolicy({ ...SCOPE, ci: SCOPE });

/** The decision of one policy document for the action on the resource (Deny statements count). */
function decide(doc: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}) {
  return evaluatePolicy(doc, { action, resource, context }).decision;
}

/** What AWS allows a role that carries the boundary: allowed by its policy AND by the boundary. */
function allows(doc: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): boolean {
  return decide(doc, action, resource, context) === "allow" && decide(BOUNDARY_DOC, action, resource, context) === "allow";
}

const actionsOf = (doc: PolicyDocument) => doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []));
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
    expect(allows(plan, "iam:GetRole", role("techblue-dev-ecr-push"))).toBe(true);
    expect(allows(plan, "iam:GetPolicyVersion", BOUNDARY)).toBe(true);
    expect(allows(plan, "iam:GetOpenIDConnectProvider", SCOPE.oidcProviderArn)).toBe(true);
    expect(allows(plan, "ecr:DescribeRepositories", "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev")).toBe(true);
    expect(allows(plan, "codebuild:BatchGetProjects", "arn:aws:codebuild:ap-northeast-1:000123456789:project/techblue-dev-runner")).toBe(true);
  });

  test("cannot push images, assume roles or read another account", () => {
    expect(allows(plan, "ecr:PutImage", "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev")).toBe(false);
    expect(allows(plan, "ecr:GetAuthorizationToken", "*")).toBe(false);
    expect(allows(plan, "sts:AssumeRole", role("techblue-dev-ecr-push"))).toBe(false);
    expect(allows(plan, "iam:GetRole", "arn:aws:iam::999999999999:role/github-actions-platform/x")).toBe(false);
  });

  test("reads only roles under the path and only the configured runner projects", () => {
    expect(allows(plan, "iam:GetRole", role("OrganizationAccountAccessRole", "/"))).toBe(false);
    expect(allows(plan, "codebuild:BatchGetProjects", PROJECT("someone-elses-project"))).toBe(false);
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

  test("manages the resource types the AWS stack emits: roles under its path, with the boundary", () => {
    const acct = ACCT;
    const withBoundary = { "iam:PermissionsBoundary": BOUNDARY };
    expect(allows(deploy, "iam:CreateRole", role("new-role"), withBoundary)).toBe(true);
    expect(allows(deploy, "iam:PutRolePolicy", role("new-role"), withBoundary)).toBe(true);
    expect(allows(deploy, "iam:PutRolePolicy", RUNNER_ROLE, withBoundary)).toBe(true);
    expect(allows(deploy, "iam:UpdateAssumeRolePolicy", RUNNER_ROLE)).toBe(true);
    expect(allows(deploy, "iam:DeleteRole", role("techblue-dev-ecr-push"))).toBe(true);
    expect(allows(deploy, "iam:CreateOpenIDConnectProvider", SCOPE.oidcProviderArn)).toBe(true);
    expect(allows(deploy, "ecr:CreateRepository", `arn:aws:ecr:ap-northeast-1:${acct}:repository/new`)).toBe(true);
    expect(allows(deploy, "codebuild:UpdateProject", PROJECT("techblue-dev-runner"))).toBe(true);
    expect(allows(deploy, "codebuild:CreateWebhook", PROJECT("techblue-dev-runner"))).toBe(true);
    expect(allows(deploy, "codeconnections:CreateConnection", `arn:aws:codeconnections:ap-northeast-1:${acct}:connection/abc`)).toBe(true);
    expect(allows(deploy, "logs:CreateLogGroup", `arn:aws:logs:ap-northeast-1:${acct}:log-group:/aws/codebuild/new`)).toBe(true);
  });

  test("cannot change itself, the plan role or the boundary (explicit Deny)", () => {
    const withBoundary = { "iam:PermissionsBoundary": BOUNDARY };
    for (const target of [DEPLOY_ROLE, PLAN_ROLE]) {
      for (const action of ["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:TagRole", "iam:PassRole"]) {
        expect([action, target, decide(deploy, action, target, { ...withBoundary, "iam:PassedToService": "codebuild.amazonaws.com" })]).toEqual([
          action,
          target,
          "explicit-deny",
        ]);
      }
      // Reading itself stays allowed: terraform refreshes the CI roles on every plan.
      expect(allows(deploy, "iam:GetRole", target)).toBe(true);
    }
    for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:TagPolicy"]) {
      expect(decide(deploy, action, BOUNDARY)).toBe("explicit-deny");
    }
    expect(decide(deploy, "iam:DeleteRolePermissionsBoundary", RUNNER_ROLE)).toBe("explicit-deny");
  });

  test("cannot touch roles outside its path (issue 9 §7)", () => {
    const orgRole = role("OrganizationAccountAccessRole", "/");
    expect(allows(deploy, "iam:UpdateAssumeRolePolicy", orgRole)).toBe(false);
    expect(allows(deploy, "iam:PutRolePolicy", orgRole, { "iam:PermissionsBoundary": BOUNDARY })).toBe(false);
    expect(allows(deploy, "iam:DeleteRole", orgRole)).toBe(false);
    expect(allows(deploy, "iam:CreateRole", role("github-actions-platform-x", "/"), { "iam:PermissionsBoundary": BOUNDARY })).toBe(false);
    // A look-alike path is another path.
    expect(allows(deploy, "iam:UpdateAssumeRolePolicy", role("x", "/github-actions-platform-evil/"))).toBe(false);
  });

  test("creates and changes roles only with the boundary on them", () => {
    expect(allows(deploy, "iam:CreateRole", role("new-role"))).toBe(false);
    expect(allows(deploy, "iam:CreateRole", role("new-role"), { "iam:PermissionsBoundary": `arn:aws:iam::${ACCT}:policy/AdministratorAccess` })).toBe(false);
    expect(allows(deploy, "iam:PutRolePermissionsBoundary", RUNNER_ROLE, { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" })).toBe(false);
    expect(allows(deploy, "iam:PutRolePolicy", RUNNER_ROLE)).toBe(false);
    expect(allows(deploy, "iam:AttachRolePolicy", RUNNER_ROLE, { "iam:PermissionsBoundary": BOUNDARY })).toBe(false);
  });

  test("manages only the configured runner projects", () => {
    for (const action of ["codebuild:UpdateProject", "codebuild:DeleteProject", "codebuild:CreateWebhook"]) {
      expect(allows(deploy, action, PROJECT("someone-elses-project"))).toBe(false);
    }
  });

  test("passes only roles under its path, and only to CodeBuild", () => {
    expect(allows(deploy, "iam:PassRole", RUNNER_ROLE, { "iam:PassedToService": "codebuild.amazonaws.com" })).toBe(true);
    expect(allows(deploy, "iam:PassRole", RUNNER_ROLE, { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(false);
    expect(allows(deploy, "iam:PassRole", RUNNER_ROLE)).toBe(false);
    expect(allows(deploy, "iam:PassRole", role("admin", "/"), { "iam:PassedToService": "codebuild.amazonaws.com" })).toBe(false);
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
    expect(allows(deploy, "iam:AttachRolePolicy", role("x"))).toBe(false);
    expect(allows(deploy, "iam:CreatePolicy", "arn:aws:iam::000123456789:policy/github-actions-platform/x")).toBe(false);
    expect(allows(deploy, "iam:CreateUser", "arn:aws:iam::000123456789:user/x")).toBe(false);
    expect(allows(deploy, "iam:CreateAccessKey", "arn:aws:iam::000123456789:user/x")).toBe(false);
    expect(allows(deploy, "sts:AssumeRole", role("x"))).toBe(false);
  });

  test("no wildcard actions and no Resource \"*\"; everything in this account and region", () => {
    for (const doc of [deploy, planPolicy(SCOPE)]) {
      for (const action of actionsOf(doc)) expect(action).not.toContain("*");
      for (const resource of resourcesOf(doc)) {
        // The one "*": the explicit Deny of DeleteRolePermissionsBoundary on any role.
        if (resource === "*" && doc === deploy) continue;
        expect(resource).not.toBe("*");
        expect(resource).toMatch(/^arn:aws:(s3:::my-org-terraform-state|iam::000123456789:|[a-z]+:ap-northeast-1:000123456789:)/);
      }
    }
  });
});
