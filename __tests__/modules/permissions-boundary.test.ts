/**
 * Layer 2 (modules): the permissions boundary every role of the template carries, evaluated with
 * the guardrails' IAM evaluator (Resource matched).
 */
import { evaluatePolicy } from "../../iam/evaluate";
import { deployPolicy, planPolicy, type CiPolicyScope } from "../../modules/ci-policies";
import { MANAGED_POLICY_MAX_CHARACTERS, PermissionsBoundary, permissionsBoundaryPolicy, policySize } from "../../modules/permissions-boundary";
import type { PolicyDocument } from "../../iam/policy";
import { TerraformStack } from "cdktf";
import { onlyResource, synthJson, testApp } from "../helpers/synth";

const ACCT = "000123456789";
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/github-actions-platform/github-actions-platform-boundary`;
const BASE = {
  accountId: ACCT,
  region: "ap-northeast-1",
  iamPath: "/github-actions-platform/",
  permissionsBoundaryArn: BOUNDARY,
  ciRoleNames: [] as string[],
};
const CI: CiPolicyScope = {
  ...BASE,
  ciRoleNames: ["github-actions-platform-plan", "github-actions-platform-deploy"],
  oidcProviderArn: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`,
  stateBucket: "my-org-terraform-state",
  stateKeyPrefix: "github-actions-platform",
  codebuildProjects: ["techblue-dev-runner"],
};

const decide = (doc: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}) =>
  evaluatePolicy(doc, { action, resource, context }).decision;

/** One concrete request per action and resource of each Allow statement, meeting its conditions. */
function requestsOf(doc: PolicyDocument): { action: string; resource: string; context: Record<string, string> }[] {
  const concrete = (v: string) => v.replace(/[*?]/g, "x");
  return doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => {
    const context = Object.fromEntries(
      Object.values(s.Condition ?? {}).flatMap((keys) => Object.entries(keys).map(([k, v]) => [k, concrete(([] as string[]).concat(v)[0])])),
    );
    return ([] as string[])
      .concat(s.Action ?? [])
      .flatMap((action) => ([] as string[]).concat(s.Resource ?? []).map((resource) => ({ action, resource: concrete(resource), context })));
  });
}

describe("permissionsBoundaryPolicy", () => {
  test("holds every grant of the plan and deploy policies (else the CI roles silently lose them)", () => {
    const boundary = permissionsBoundaryPolicy({ ...CI, ci: CI });
    const requests = [...requestsOf(planPolicy(CI)), ...requestsOf(deployPolicy(CI))];
    expect(requests.length).toBeGreaterThan(50);
    for (const r of requests) expect([r.action, r.resource, decide(boundary, r.action, r.resource, r.context)]).toEqual([r.action, r.resource, "allow"]);
  });

  test("without CI roles it holds only what runner and deploy roles use: no IAM, no state, no management", () => {
    const boundary = permissionsBoundaryPolicy(BASE);
    const repo = `arn:aws:ecr:ap-northeast-1:${ACCT}:repository/techblue-dev`;
    expect(decide(boundary, "ecr:PutImage", repo)).toBe("allow");
    expect(decide(boundary, "ecr:GetAuthorizationToken", "*")).toBe("allow");
    expect(decide(boundary, "logs:PutLogEvents", `arn:aws:logs:ap-northeast-1:${ACCT}:log-group:/aws/codebuild/techblue-dev-runner:log-stream:abc`)).toBe("allow");
    expect(decide(boundary, "codestar-connections:UseConnection", `arn:aws:codestar-connections:ap-northeast-1:${ACCT}:connection/abc`)).toBe("allow");
    expect(decide(boundary, "ecr:DeleteRepository", repo)).toBe("implicit-deny");
    expect(decide(boundary, "ecr:BatchDeleteImage", repo)).toBe("implicit-deny");
    expect(decide(boundary, "iam:CreateRole", `arn:aws:iam::${ACCT}:role/github-actions-platform/x`, { "iam:PermissionsBoundary": BOUNDARY })).toBe("implicit-deny");
    expect(decide(boundary, "s3:GetObject", "arn:aws:s3:::my-org-terraform-state/github-actions-platform/x.tfstate")).toBe("implicit-deny");
    expect(decide(boundary, "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:ap-northeast-1:${ACCT}:secret:x-AbCdEf`)).toBe("implicit-deny");
    expect(decide(boundary, "logs:PutLogEvents", `arn:aws:logs:ap-northeast-1:${ACCT}:log-group:/aws/lambda/other:log-stream:abc`)).toBe("implicit-deny");
  });

  test("a legacy token secret is readable only when configured, and only that one", () => {
    const secret = `arn:aws:secretsmanager:ap-northeast-1:${ACCT}:secret:alice-github-token-AbCdEf`;
    const boundary = permissionsBoundaryPolicy({ ...BASE, runnerTokenSecretArns: [secret] });
    expect(decide(boundary, "secretsmanager:GetSecretValue", secret)).toBe("allow");
    expect(decide(boundary, "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:ap-northeast-1:${ACCT}:secret:other-AbCdEf`)).toBe("implicit-deny");
  });

  test("no role under it may change the CI roles, the boundary, or any role's boundary", () => {
    const boundary = permissionsBoundaryPolicy({ ...CI, ci: CI });
    const deployRole = `arn:aws:iam::${ACCT}:role/github-actions-platform/github-actions-platform-deploy`;
    expect(decide(boundary, "iam:PutRolePolicy", deployRole, { "iam:PermissionsBoundary": BOUNDARY })).toBe("explicit-deny");
    expect(decide(boundary, "iam:UpdateAssumeRolePolicy", `arn:aws:iam::${ACCT}:role/github-actions-platform/github-actions-platform-plan`)).toBe("explicit-deny");
    expect(decide(boundary, "iam:CreatePolicyVersion", BOUNDARY)).toBe("explicit-deny");
    expect(decide(boundary, "iam:DeleteRolePermissionsBoundary", `arn:aws:iam::${ACCT}:role/github-actions-platform/x`)).toBe("explicit-deny");
    expect(decide(boundary, "iam:GetRole", deployRole)).toBe("allow");
  });

  test("merged statements keep it inside IAM's managed policy size limit, with room for more runners", () => {
    const many = { ...CI, codebuildProjects: Array.from({ length: 8 }, (_, i) => `team-${i}-runner-project`) };
    expect(policySize(permissionsBoundaryPolicy({ ...many, ci: many }))).toBeLessThan(MANAGED_POLICY_MAX_CHARACTERS);
  });
});

describe("PermissionsBoundary", () => {
  test("is an aws_iam_policy under the template's path, named as configured", () => {
    const json = synthJson((scope) => new PermissionsBoundary(scope, "b", { ...BASE, policyName: "github-actions-platform-boundary" }));
    const policy = onlyResource(json, "aws_iam_policy");
    expect(policy).toMatchObject({ name: "github-actions-platform-boundary", path: "/github-actions-platform/" });
    expect(JSON.parse(policy.policy)).toEqual(permissionsBoundaryPolicy(BASE));
  });

  test("a boundary over IAM's size limit is a synth error, not a LimitExceeded halfway through an apply", () => {
    const stack = new TerraformStack(testApp(), "s");
    const huge = { ...CI, codebuildProjects: Array.from({ length: 80 }, (_, i) => `team-${i}-runner-project`) };
    const boundary = new PermissionsBoundary(stack, "b", { ...huge, ci: huge, policyName: "boundary" });
    const errors = boundary.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data));
    expect(errors).toEqual([expect.stringMatching(/^the permissions boundary boundary is \d+ characters; IAM allows 6144 .*fewer runner projects/)]);
  });
});
