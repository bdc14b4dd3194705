/**
 * Layer 3 (stacks): with a `self` section, the template manages its own CI identity on both sides:
 * a read-only plan role trusted only for the self repository's pull requests, a deploy role
 * trusted only for its protected environment, the variables the workflows read, and the
 * environment itself. The trust is checked with the guardrails' IAM evaluator.
 */
import { invokeAspects } from "../../cdktf-internals";
import { evaluatePolicy } from "../../iam/evaluate";
import { claimsContext } from "../../guardrails/oidc-claims";
import { errorAnnotations } from "../../guardrails/report";
import { parsePolicy } from "../../iam/parse";
import { MANAGED_POLICY_MAX_CHARACTERS, policySize } from "../../modules/permissions-boundary";
import { examplePlatform } from "../guardrails/helpers";
import { withSelf } from "../helpers/self";
import { onlyResource, resourcesOf, synthStack } from "../helpers/synth";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";

function trustOf(json: ReturnType<typeof synthStack>, roleName: string): unknown {
  const role = resourcesOf(json, "aws_iam_role").find((r) => r.name === roleName);
  if (!role) throw new Error(`no role ${roleName}`);
  return JSON.parse(role.assume_role_policy);
}

function assumable(trust: unknown, sub: string): boolean {
  return (
    evaluatePolicy(trust, {
      action: "sts:AssumeRoleWithWebIdentity",
      principal: { federated: PROVIDER },
      context: claimsContext({ sub, aud: "sts.amazonaws.com" }),
    }).decision === "allow"
  );
}

describe("self: the AWS side", () => {
  const { platform } = examplePlatform((d) => withSelf(d));
  const aws = synthStack(platform.aws);
  const plan = trustOf(aws, "github-actions-platform-plan");
  const deploy = trustOf(aws, "github-actions-platform-deploy");

  test.each([
    ["a pull request of the self repository", "repo:Test-User/platform-infra:pull_request", true, false],
    ["the production environment of the self repository", "repo:Test-User/platform-infra:environment:production", false, true],
    // deploy.yml's plan job: read-only, before the gate; only its apply job enters the environment.
    ["a push to main (no environment)", "repo:Test-User/platform-infra:ref:refs/heads/main", true, false],
    ["a push to another branch", "repo:Test-User/platform-infra:ref:refs/heads/feature", false, false],
    ["another environment", "repo:Test-User/platform-infra:environment:staging", false, false],
    ["a pull request of another repository", "repo:Test-User/techblue-dev:pull_request", false, false],
    ["a differently cased owner", "repo:test-user/platform-infra:pull_request", false, false],
  ])("%s (%s): plan allowed %s, deploy allowed %s", (_what, sub, planAllowed, deployAllowed) => {
    expect(assumable(plan, sub)).toBe(planAllowed);
    expect(assumable(deploy, sub)).toBe(deployAllowed);
  });

  test("each role has exactly its own inline policy, and no managed policies", () => {
    const policies = resourcesOf(aws, "aws_iam_role_policy").filter((p) => /platform-(plan|deploy)/.test(p.name));
    expect(policies.map((p) => p.name).sort()).toEqual(["platform-deploy", "platform-plan"]);
    const exclusive = resourcesOf(aws, "aws_iam_role_policies_exclusive").map((e) => e.policy_names);
    expect(exclusive).toEqual(expect.arrayContaining([["platform-plan"], ["platform-deploy"]]));
  });

  test("the role ARNs are outputs", () => {
    expect(aws.output?.PlatformPlanRoleArn?.value).toBe("arn:aws:iam::000123456789:role/github-actions-platform/github-actions-platform-plan");
    expect(aws.output?.PlatformDeployRoleArn?.value).toBe("arn:aws:iam::000123456789:role/github-actions-platform/github-actions-platform-deploy");
  });

  test("no roles without self", () => {
    const { platform: plain } = examplePlatform();
    expect(plain.aws.ciRoles).toBeUndefined();
    expect(plain.github.deployEnvironment).toBeUndefined();
  });
});

describe("self: the GitHub side", () => {
  const { platform } = examplePlatform((d) => withSelf(d));
  const github = synthStack(platform.github);

  test("the plan workflow's variables are repository variables of the self repository", () => {
    const vars = resourcesOf(github, "github_actions_variable").filter((v) => v.repository === "platform-infra");
    expect(Object.fromEntries(vars.map((v) => [v.variable_name, v.value]))).toEqual({
      AWS_REGION: "ap-northeast-1",
      PLATFORM_PLAN_ROLE_ARN: "arn:aws:iam::000123456789:role/github-actions-platform/github-actions-platform-plan",
      PLATFORM_PLAN_APP_ID: "111111",
      PLATFORM_DEPLOY_ENVIRONMENT: "production",
    });
  });

  test("the deploy values live on the environment only", () => {
    const vars = resourcesOf(github, "github_actions_environment_variable");
    expect(Object.fromEntries(vars.map((v) => [v.variable_name, v.value]))).toEqual({
      PLATFORM_DEPLOY_ROLE_ARN: "arn:aws:iam::000123456789:role/github-actions-platform/github-actions-platform-deploy",
      PLATFORM_DEPLOY_APP_ID: "333333",
    });
    for (const v of vars) expect(v.environment).toMatch(/^\$\{github_repository_environment\.PlatformDeployEnvironment_\w+\.environment\}$/);
  });

  test("the environment accepts the default branch only, with reviewers who are not the pusher", () => {
    const [env] = resourcesOf(github, "github_repository_environment");
    expect(env).toMatchObject({
      repository: "platform-infra",
      environment: "production",
      prevent_self_review: true,
      can_admins_bypass: false,
      reviewers: [{ users: [1234567], teams: [] }],
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    const [policy] = resourcesOf(github, "github_repository_environment_deployment_policy");
    expect(policy).toMatchObject({ repository: "platform-infra", branch_pattern: "main" });
  });

  test("a self repository that is also a managed repository gets one set of variables", () => {
    const { platform: merged } = examplePlatform((d) => withSelf(d, { repository: "techblue-dev" }));
    const vars = resourcesOf(synthStack(merged.github), "github_actions_variable").filter((v) => v.repository === "techblue-dev");
    const names = vars.map((v) => v.variable_name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["AWS_REGION", "ECR_REGISTRY", "PLATFORM_PLAN_ROLE_ARN", "AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH"]));
  });
});

describe("self: guardrails", () => {
  test("synthesizes with zero findings; the deploy role's power is a listed suppression with its reason", () => {
    const { platform } = examplePlatform((d) => withSelf(d));
    const stacks = [platform.aws, platform.github];
    stacks.forEach((s) => invokeAspects(s));
    expect(errorAnnotations(stacks)).toEqual([]);
    const warnings = platform.aws.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/accepted: \[IAM-004\] .*PlatformDeployRole.*only roles under the IAM path \/github-actions-platform\/.*explicitly denied changing itself.*only jobs in the protected production environment of Test-User\/platform-infra/),
        expect.stringMatching(/accepted: \[IAM-003\] .*PlatformPlanRole.*Describe\/Get\/List only/),
      ]),
    );
    expect(warnings.some((w) => /\[IAM-004\].*PlatformPlanRole/.test(w))).toBe(false);
  });
});

describe("self: every role is confined by the boundary (issue 9 §7)", () => {
  const { platform } = examplePlatform((d) => withSelf(d));
  const aws = synthStack(platform.aws);
  const boundary = JSON.parse(onlyResource(aws, "aws_iam_policy").policy);
  const BOUNDARY_ARN = "arn:aws:iam::000123456789:policy/github-actions-platform/github-actions-platform-boundary";
  const CONNECTION = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/00000000-0000-0000-0000-000000000000";
  const policyOf = (name: string) => parsePolicy(resourcesOf(aws, "aws_iam_role_policy").find((p) => p.name === name)!.policy)!;
  const deploy = policyOf("platform-deploy");
  const decide = (doc: unknown, action: string, resource: string, context: Record<string, string> = {}) =>
    evaluatePolicy(doc, { action, resource, context }).decision;
  /** What the deploy role (which carries the boundary) may do, from the synthesized JSON. */
  const deployMay = (action: string, resource: string, context: Record<string, string> = {}) =>
    decide(deploy, action, resource, context) === "allow" && decide(boundary, action, resource, context) === "allow";

  test("every grant of every inline policy in the stack is inside the boundary (else the role silently loses it)", () => {
    // A concrete request per action and resource pattern, with a context that meets the statement's conditions.
    const concrete = (v: string) => (v.startsWith("${aws_codeconnections_connection.") ? CONNECTION : v.replace(/[*?]/g, "x"));
    let checked = 0;
    for (const policy of resourcesOf(aws, "aws_iam_role_policy")) {
      for (const s of parsePolicy(policy.policy)!.Statement.filter((st) => st.Effect === "Allow")) {
        const context = Object.fromEntries(
          Object.values(s.Condition ?? {}).flatMap((keys) => Object.entries(keys).map(([k, v]) => [k, concrete(String(([] as unknown[]).concat(v)[0]))])),
        );
        for (const action of ([] as string[]).concat(s.Action as string | string[])) {
          for (const resource of ([] as string[]).concat(s.Resource as string | string[])) {
            expect([policy.name, action, resource, decide(boundary, action, concrete(resource), context)]).toEqual([policy.name, action, resource, "allow"]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  test("the deploy role is denied PutRolePolicy on itself and changes to the plan role and the boundary", () => {
    const self = "arn:aws:iam::000123456789:role/github-actions-platform/github-actions-platform-deploy";
    const planRole = "arn:aws:iam::000123456789:role/github-actions-platform/github-actions-platform-plan";
    expect(decide(deploy, "iam:PutRolePolicy", self, { "iam:PermissionsBoundary": BOUNDARY_ARN })).toBe("explicit-deny");
    expect(decide(boundary, "iam:PutRolePolicy", self, { "iam:PermissionsBoundary": BOUNDARY_ARN })).toBe("explicit-deny");
    expect(decide(deploy, "iam:UpdateAssumeRolePolicy", planRole)).toBe("explicit-deny");
    expect(decide(deploy, "iam:CreatePolicyVersion", BOUNDARY_ARN)).toBe("explicit-deny");
    expect(decide(boundary, "iam:SetDefaultPolicyVersion", BOUNDARY_ARN)).toBe("explicit-deny");
  });

  test("the deploy role cannot reach outside what the template manages", () => {
    expect(deployMay("iam:UpdateAssumeRolePolicy", "arn:aws:iam::000123456789:role/OrganizationAccountAccessRole")).toBe(false);
    expect(deployMay("iam:PassRole", "arn:aws:iam::000123456789:role/admin", { "iam:PassedToService": "codebuild.amazonaws.com" })).toBe(false);
    expect(deployMay("codebuild:UpdateProject", "arn:aws:codebuild:ap-northeast-1:000123456789:project/another-project")).toBe(false);
    expect(deployMay("iam:CreateRole", "arn:aws:iam::000123456789:role/github-actions-platform/new")).toBe(false);
  });

  test("and can do what cdktf deploy does with the roles and projects it manages", () => {
    const runnerRole = "arn:aws:iam::000123456789:role/github-actions-platform/codebuild-techblue-dev-runner";
    expect(deployMay("iam:CreateRole", "arn:aws:iam::000123456789:role/github-actions-platform/new", { "iam:PermissionsBoundary": BOUNDARY_ARN })).toBe(true);
    expect(deployMay("iam:PutRolePolicy", runnerRole, { "iam:PermissionsBoundary": BOUNDARY_ARN })).toBe(true);
    expect(deployMay("iam:PassRole", runnerRole, { "iam:PassedToService": "codebuild.amazonaws.com" })).toBe(true);
    expect(deployMay("codebuild:UpdateProject", "arn:aws:codebuild:ap-northeast-1:000123456789:project/techblue-dev-runner")).toBe(true);
  });

  test("the boundary fits IAM's managed policy size limit", () => {
    expect(policySize(boundary)).toBeLessThan(MANAGED_POLICY_MAX_CHARACTERS);
  });
});
