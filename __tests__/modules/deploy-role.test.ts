import { TerraformStack } from "cdktf";
import { DeployRole } from "../../modules/deploy-role";
import { onlyResource, resourcesOf, synthJson, testApp } from "../helpers/synth";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
const ECR = "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev";

function synthRole(extra: Partial<ConstructorParameters<typeof DeployRole>[2]> = {}) {
  return synthJson(
    (scope) =>
      new DeployRole(scope, "role", {
        roleName: "techblue-dev-ecr-push",
        oidcProviderArn: PROVIDER,
        subjects: { exact: ["repo:Test-User/techblue-dev:ref:refs/heads/main"], wildcard: [] },
        ecrPushRepositoryArns: [ECR],
        ...extra,
      }),
  );
}

describe("DeployRole", () => {
  test("trust policy is plain JSON pinning the audience and the exact subject (seed 001 done right)", () => {
    const role = onlyResource(synthRole(), "aws_iam_role");
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Sid: "GitHubActionsExactSubjects",
        Effect: "Allow",
        Principal: { Federated: PROVIDER },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": ["repo:Test-User/techblue-dev:ref:refs/heads/main"],
          },
        },
      },
    ]);
    expect(role.name).toBe("techblue-dev-ecr-push");
    expect(role.max_session_duration).toBe(3600);
    expect(role.inline_policy).toBeUndefined();
  });

  test("permissions are a separate aws_iam_role_policy with exactly the push set on the repository", () => {
    const policy = JSON.parse(onlyResource(synthRole(), "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "EcrPush",
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:CompleteLayerUpload",
          "ecr:InitiateLayerUpload",
          "ecr:PutImage",
          "ecr:UploadLayerPart",
        ],
        Resource: [ECR],
      },
    ]);
  });

  test("authoritative over its policies: only ecr-push inline, no managed policies", () => {
    const json = synthRole();
    expect(onlyResource(json, "aws_iam_role_policies_exclusive").policy_names).toEqual(["ecr-push"]);
    expect(onlyResource(json, "aws_iam_role_policy_attachments_exclusive").policy_arns).toEqual([]);
  });

  test("a role without ECR repositories gets no permission policy", () => {
    const json = synthRole({ ecrPushRepositoryArns: [] });
    expect(resourcesOf(json, "aws_iam_role_policy")).toHaveLength(0);
    expect(onlyResource(json, "aws_iam_role_policies_exclusive").policy_names).toEqual([]);
  });

  test("no path and no boundary unless given (the stacks always give both)", () => {
    const role = onlyResource(synthRole(), "aws_iam_role");
    expect(role.path).toBeUndefined();
    expect(role.permissions_boundary).toBeUndefined();
  });

  test("lives under the given IAM path with the given permissions boundary", () => {
    const boundary = "arn:aws:iam::000123456789:policy/github-actions-platform/github-actions-platform-boundary";
    const role = onlyResource(synthRole({ path: "/github-actions-platform/", permissionsBoundaryArn: boundary }), "aws_iam_role");
    expect(role).toMatchObject({ path: "/github-actions-platform/", permissions_boundary: boundary });
  });

  test("session duration is configurable", () => {
    expect(onlyResource(synthRole({ maxSessionDurationSeconds: 7200 }), "aws_iam_role").max_session_duration).toBe(7200);
  });
});

describe("DeployRole trust policy size (IAM's Role trust policy length quota)", () => {
  const annotations = (subjects: number) => {
    const stack = new TerraformStack(testApp(), "size");
    const role = new DeployRole(stack, "role", {
      roleName: "shared",
      oidcProviderArn: PROVIDER,
      subjects: { exact: Array.from({ length: subjects }, (_, i) => `repo:Test-User/repository-${i}:ref:refs/heads/main`), wildcard: [] },
    });
    return role.node.metadata.map((m) => [m.type, String(m.data)]);
  };

  test("within 2,048 characters: nothing to say", () => {
    expect(annotations(10)).toEqual([]);
  });
  test("over 2,048: a warning naming the quota to raise", () => {
    const [[type, text]] = annotations(40);
    expect(type).toBe("@cdktf/warn");
    expect(text).toMatch(/^the trust policy of shared is \d+ characters, over IAM's default 2048 per role: .*Role trust policy length/);
  });
  test("must fail: over 4,096, which no quota allows", () => {
    const [[type, text]] = annotations(90);
    expect(type).toBe("@cdktf/error");
    expect(text).toContain("IAM allows 2048 per role, 4096 at most with a quota increase: split the role");
  });
});
