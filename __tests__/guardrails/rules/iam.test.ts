import { IamGroupPolicy } from "@cdktf/provider-aws/lib/iam-group-policy";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamPolicyAttachment } from "@cdktf/provider-aws/lib/iam-policy-attachment";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { IamUserPolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-user-policy-attachments-exclusive";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { TerraformStack } from "cdktf";
import { IAM_RULES } from "../../../guardrails/rules/iam";
import { IAM_001 } from "../../../guardrails/rules/iam/iam-001-no-wildcard-actions";
import { IAM_002 } from "../../../guardrails/rules/iam/iam-002-resource-star-unscoped-only";
import { IAM_003 } from "../../../guardrails/rules/iam/iam-003-ecr-push-set";
import { IAM_004 } from "../../../guardrails/rules/iam/iam-004-no-privilege-escalation";
import { IAM_005 } from "../../../guardrails/rules/iam/iam-005-no-inline-policy-block";
import { IAM_006 } from "../../../guardrails/rules/iam/iam-006-no-admin-managed-policies";
import { IAM_007 } from "../../../guardrails/rules/iam/iam-007-codebuild-service-role";
import { IAM_008 } from "../../../guardrails/rules/iam/iam-008-roles-carry-boundary";
import type { Finding } from "../../../guardrails/types";
import { CodeBuildRunner } from "../../../modules/codebuild-runner";
import { CodeConnection } from "../../../modules/code-connection";
import { DeployRole } from "../../../modules/deploy-role";
import { EcrRepository } from "../../../modules/ecr-repository";
import { exampleFindings, findingsOfStack } from "../helpers";
import { ecrDefaults, runnerDefaults } from "../../helpers/config-defaults";

function summary(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.rule.id, f.message]);
}

const ACCOUNT = "000123456789";
const REGION = "ap-northeast-1";
/** The repository ARN of seed 001's inline policy. */
const SEED_REPOSITORY_ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/techblue-dev`;
const PUSH_ACTIONS = ["ecr:CompleteLayerUpload", "ecr:UploadLayerPart", "ecr:InitiateLayerUpload", "ecr:BatchCheckLayerAvailability", "ecr:PutImage"];

/** An identity policy with the given statements, on a role of its own. */
function rolePolicy(stack: TerraformStack, ...statements: object[]): IamRolePolicy {
  return new IamRolePolicy(stack, "Policy", {
    role: "deploy",
    name: "inline",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  });
}

/** The repository of seed 001, created by the template's module. */
function seedRepository(stack: TerraformStack): EcrRepository {
  return new EcrRepository(stack, "Repo", { ...ecrDefaults(), name: "techblue-dev" });
}

/** A deploy role as the stack emits it, pushing to the seed repository. */
function deployRole(stack: TerraformStack): DeployRole {
  return new DeployRole(stack, "Role", {
    roleName: "techblue-dev-ecr-push",
    oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    subjects: { exact: ["repo:Test-User/techblue-dev:ref:refs/heads/main"], wildcard: [] },
    ecrPushRepositoryArns: [SEED_REPOSITORY_ARN],
  });
}

/** A runner with a connection created in the same stack, as the stack emits it. */
function runner(stack: TerraformStack): CodeBuildRunner {
  const connection = new CodeConnection(stack, "Connection", { name: "techblue-github" });
  return new CodeBuildRunner(stack, "Runner", {
    ...runnerDefaults(),
    projectName: "techblue-dev-runner",
    accountId: ACCOUNT,
    region: REGION,
    scope: { kind: "repository", owner: "Test-User", repository: "techblue-dev" },
    auth: { kind: "connection", connectionArn: connection.arn },
    connectionStatus: connection.status,
    createWebhook: true,
    workflowNames: ["Build and push release images on CodeBuild"],
  });
}

describe("IAM_RULES", () => {
  test("the shipped example has no findings", () => {
    expect(summary(exampleFindings(IAM_RULES))).toEqual([]);
  });

  test("lists IAM-001 to IAM-008 in id order, each with title, why, fix and source", () => {
    expect(IAM_RULES.map((r) => r.id)).toEqual(["IAM-001", "IAM-002", "IAM-003", "IAM-004", "IAM-005", "IAM-006", "IAM-007", "IAM-008"]);
    for (const rule of IAM_RULES) {
      expect([rule.title, rule.why, rule.fix, rule.source].every((s) => s.length > 10)).toBe(true);
    }
  });
});

describe("IAM-001 no wildcard or admin actions", () => {
  test("accepts the deploy role's ECR push policy", () => {
    expect(summary(findingsOfStack(IAM_001, (stack) => deployRole(stack)))).toEqual([]);
  });

  test('rejects "ecr:*"', () => {
    const findings = findingsOfStack(IAM_001, (stack) => {
      rolePolicy(stack, { Sid: "Ecr", Effect: "Allow", Action: "ecr:*", Resource: SEED_REPOSITORY_ARN });
    });
    expect(summary(findings)).toEqual([["IAM-001", 'statement "Ecr" allows "ecr:*": every action of the service']]);
  });

  test('rejects "*" in an aws_iam_policy', () => {
    const findings = findingsOfStack(IAM_001, (stack) => {
      new IamPolicy(stack, "Admin", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) });
    });
    expect(summary(findings)).toEqual([["IAM-001", 'statement #1 allows "*": every action of every service (administrator access)']]);
  });

  test("rejects Allow with NotAction", () => {
    const findings = findingsOfStack(IAM_001, (stack) => {
      rolePolicy(stack, { Effect: "Allow", NotAction: "iam:*", Resource: "*" });
    });
    expect(summary(findings)).toEqual([["IAM-001", 'statement #1 allows every action except NotAction ["iam:*"]']]);
  });

  test("rejects a wildcard in the deprecated inline_policy block", () => {
    const findings = findingsOfStack(IAM_001, (stack) => {
      new IamRole(stack, "Role", {
        assumeRolePolicy: "{}",
        inlinePolicy: [{ name: "all", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*" }] }) }],
      });
    });
    expect(summary(findings)).toEqual([["IAM-001", 'inline_policy "all" statement #1 allows "ecr:*": every action of the service']]);
  });

  test("ignores wildcards in Deny statements", () => {
    const findings = findingsOfStack(IAM_001, (stack) => {
      rolePolicy(stack, { Effect: "Deny", Action: "iam:*", Resource: "*" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("reports a policy it cannot read", () => {
    const findings = findingsOfStack(IAM_001, (stack) => {
      new IamRolePolicy(stack, "Policy", { role: "deploy", policy: "${data.aws_iam_policy_document.x.json}" });
    });
    expect(summary(findings)).toEqual([["IAM-001", "policy is not a literal policy document the guardrails can read"]]);
  });
});

describe("IAM-002 Resource * only for unscoped actions", () => {
  test('accepts ecr:GetAuthorizationToken on "*" (seed 001)', () => {
    const findings = findingsOfStack(IAM_002, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }, { Effect: "Allow", Action: PUSH_ACTIONS, Resource: SEED_REPOSITORY_ARN });
    });
    expect(summary(findings)).toEqual([]);
  });

  test('rejects the push set on "*"', () => {
    const findings = findingsOfStack(IAM_002, (stack) => {
      rolePolicy(stack, { Sid: "Push", Effect: "Allow", Action: ["ecr:PutImage", "ecr:UploadLayerPart"], Resource: "*" });
    });
    expect(summary(findings)).toEqual([["IAM-002", 'statement "Push" allows "ecr:PutImage", "ecr:UploadLayerPart" on Resource "*"']]);
  });

  test("rejects NotResource in an Allow statement", () => {
    const findings = findingsOfStack(IAM_002, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "ecr:PutImage", NotResource: SEED_REPOSITORY_ARN });
    });
    expect(summary(findings)[0][1]).toContain("uses NotResource");
  });

  test.each([
    ["every role", "iam:UpdateAssumeRolePolicy", `arn:aws:iam::${ACCOUNT}:role/*`],
    ["every role under a path", "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/github-actions-platform/*`],
    ["every secret", "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`],
    ["every project", "codebuild:StartBuild", `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/*`],
    ["every account's repository of that name", "ecr:PutImage", `arn:aws:ecr:${REGION}:*:repository/techblue-dev`],
    ["a name prefix", "ecr:PutImage", `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/techblue-*`],
    ["every log group", "logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*`],
  ])("rejects a wildcard inside an ARN: %s (%s on %s)", (_what, action, arn) => {
    const findings = findingsOfStack(IAM_002, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: action, Resource: arn });
    });
    expect(summary(findings)).toEqual([
      ["IAM-002", `statement #1 grants "${action}" on "${arn}": the wildcard reaches every matching resource, not only the ones this template manages`],
    ]);
  });

  test.each([
    ["the log streams of one named log group", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/techblue-dev-runner:*`],
    ["the log streams of one log group, by reference", "${aws_cloudwatch_log_group.runner.arn}:*"],
    ["one secret with its random suffix", `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:alice-github-token-??????`],
  ])("accepts a wildcard that names one resource: %s", (_what, arn) => {
    const findings = findingsOfStack(IAM_002, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: arn });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("accepts the runner's role policy as the module emits it (log streams of its own group)", () => {
    expect(summary(findingsOfStack(IAM_002, (stack) => runner(stack)))).toEqual([]);
  });

  test("rejects a secret pattern that is more than the random suffix", () => {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:alice-*-??????`;
    const findings = findingsOfStack(IAM_002, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arn });
    });
    expect(summary(findings)).toHaveLength(1);
  });

  test("reads users' and groups' inline policies too", () => {
    const findings = findingsOfStack(IAM_002, (stack) => {
      const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecr:PutImage", Resource: "*" }] });
      new IamUserPolicy(stack, "User", { user: "ci", name: "push", policy });
      new IamGroupPolicy(stack, "Group", { group: "ci", name: "push", policy });
    });
    expect(findings.map((f) => [f.rule.id, f.resource.type])).toEqual([
      ["IAM-002", "aws_iam_user_policy"],
      ["IAM-002", "aws_iam_group_policy"],
    ]);
  });
});

describe("a permissions boundary grants nothing", () => {
  const wide = JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["iam:PutRolePolicy", "ecr:*"], Resource: `arn:aws:iam::${ACCOUNT}:role/x/*` }] });
  const rules = [IAM_001, IAM_002, IAM_003, IAM_004];

  test("an aws_iam_policy that only bounds roles is not read as a grant", () => {
    const findings = rules.flatMap((rule) =>
      findingsOfStack(rule, (stack) => {
        const boundary = new IamPolicy(stack, "Boundary", { name: "boundary", path: "/x/", policy: wide });
        new IamRole(stack, "Role", { name: "r", path: "/x/", assumeRolePolicy: "{}", permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/x/boundary` });
        new IamRole(stack, "Role2", { name: "r2", assumeRolePolicy: "{}", permissionsBoundary: boundary.arn });
      }),
    );
    expect(summary(findings)).toEqual([]);
  });

  test("the same policy attached to a role grants, and is checked", () => {
    const findings = rules.flatMap((rule) =>
      findingsOfStack(rule, (stack) => {
        const boundary = new IamPolicy(stack, "Boundary", { name: "boundary", path: "/x/", policy: wide });
        new IamRole(stack, "Role", { name: "r", assumeRolePolicy: "{}", permissionsBoundary: boundary.arn });
        new IamRolePolicyAttachment(stack, "Attach", { role: "r", policyArn: `arn:aws:iam::${ACCOUNT}:policy/x/boundary` });
      }),
    );
    expect(findings.map((f) => f.rule.id)).toEqual(expect.arrayContaining(["IAM-001", "IAM-002", "IAM-004"]));
  });

  test("a policy that bounds nothing is checked", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      new IamPolicy(stack, "Loose", { name: "boundary", path: "/x/", policy: wide });
    });
    expect(summary(findings)).toHaveLength(1);
  });
});

describe("IAM-003 ECR push set on repositories of this stack", () => {
  test("accepts the deploy role pushing to a repository of the stack", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      seedRepository(stack);
      deployRole(stack);
    });
    expect(summary(findings)).toEqual([]);
  });

  test("accepts a reference to the repository's ARN", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      const repo = seedRepository(stack);
      new IamRolePolicy(stack, "Policy", {
        role: "deploy",
        policy: `{"Statement":[{"Effect":"Allow","Action":"ecr:PutImage","Resource":"${repo.resource.arn}"}]}`,
      });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects BatchDeleteImage", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      seedRepository(stack);
      rolePolicy(stack, { Effect: "Allow", Action: [...PUSH_ACTIONS, "ecr:BatchDeleteImage"], Resource: SEED_REPOSITORY_ARN });
    });
    expect(summary(findings)).toEqual([["IAM-003", 'statement #1 allows the destructive ECR action "ecr:BatchDeleteImage"']]);
  });

  test("rejects a read action outside the push set", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      seedRepository(stack);
      rolePolicy(stack, { Effect: "Allow", Action: "ecr:DescribeImages", Resource: SEED_REPOSITORY_ARN });
    });
    expect(summary(findings)).toEqual([["IAM-003", 'statement #1 allows "ecr:DescribeImages", which is not in the ECR push set']]);
  });

  test("rejects seed 001's policy when the repository is not created in the stack", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: PUSH_ACTIONS, Resource: SEED_REPOSITORY_ARN });
    });
    expect(summary(findings)).toEqual([
      ["IAM-003", `statement #1 grants ECR actions on "${SEED_REPOSITORY_ARN}": no aws_ecr_repository named "techblue-dev" in this stack`],
    ]);
  });

  test("rejects a repository wildcard", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      seedRepository(stack);
      rolePolicy(stack, { Effect: "Allow", Action: PUSH_ACTIONS, Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/*` });
    });
    expect(summary(findings)[0][1]).toContain('no aws_ecr_repository named "*"');
  });

  test("rejects a same-named repository in another account", () => {
    const findings = findingsOfStack(IAM_003, (stack) => {
      new AwsProvider(stack, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
      seedRepository(stack);
      rolePolicy(stack, { Effect: "Allow", Action: PUSH_ACTIONS, Resource: `arn:aws:ecr:${REGION}:999999999999:repository/techblue-dev` });
    });
    expect(summary(findings)[0][1]).toContain("outside this stack's account and region");
  });
});

describe("IAM-004 no privilege escalation", () => {
  test("accepts iam:PassRole on a named role", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/app-task` });
    });
    expect(summary(findings)).toEqual([]);
  });

  test('rejects iam:PassRole on "*"', () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "iam:PassRole", Resource: "*" });
    });
    expect(summary(findings)).toEqual([["IAM-004", 'statement #1 allows "iam:PassRole" (iam:PassRole) on "*"']]);
  });

  test("rejects iam:PutRolePolicy", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "iam:PutRolePolicy", Resource: `arn:aws:iam::${ACCOUNT}:role/deploy` });
    });
    expect(summary(findings)).toEqual([["IAM-004", 'statement #1 allows "iam:PutRolePolicy", which lets the principal grant itself permissions']]);
  });

  test("rejects a wildcard that covers iam:CreatePolicyVersion", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "iam:Create*", Resource: `arn:aws:iam::${ACCOUNT}:policy/x` });
    });
    expect(summary(findings)[0][1]).toContain('"iam:Create*", which lets the principal grant itself permissions');
  });

  test('rejects sts:AssumeRole on "*"', () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" });
    });
    expect(summary(findings)).toEqual([["IAM-004", 'statement #1 allows "sts:AssumeRole" (sts:AssumeRole) on "*"']]);
  });

  test.each([
    ["iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/ci`],
    ["iam:CreateLoginProfile", `arn:aws:iam::${ACCOUNT}:user/ci`],
    ["iam:UpdateLoginProfile", `arn:aws:iam::${ACCOUNT}:user/admin`],
    ["iam:AddUserToGroup", `arn:aws:iam::${ACCOUNT}:group/admins`],
    ["iam:SetDefaultPolicyVersion", `arn:aws:iam::${ACCOUNT}:policy/deploy`],
    ["iam:CreatePolicyVersion", `arn:aws:iam::${ACCOUNT}:policy/deploy`],
    ["iam:DeleteRolePermissionsBoundary", `arn:aws:iam::${ACCOUNT}:role/deploy`],
    ["iam:UpdateAssumeRolePolicy", `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`],
  ])("rejects %s, even on one named resource", (action, arn) => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: action, Resource: arn });
    });
    expect(summary(findings)).toEqual([["IAM-004", `statement #1 allows "${action}", which lets the principal grant itself permissions`]]);
  });

  test("rejects a wildcard action that covers iam:CreateAccessKey", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "iam:*AccessKey*", Resource: `arn:aws:iam::${ACCOUNT}:user/ci` });
    });
    expect(summary(findings)[0][1]).toContain('"iam:*AccessKey*", which lets the principal grant itself permissions');
  });

  test("rejects iam:PassRole on every role under a path (a wildcard inside the ARN)", () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/github-actions-platform/*`;
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: "iam:PassRole", Resource: arn });
    });
    expect(summary(findings)).toEqual([["IAM-004", `statement #1 allows "iam:PassRole" (iam:PassRole) on "${arn}"`]]);
  });

  test("accepts reading users and roles (no escalation in Get/List)", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      rolePolicy(stack, { Effect: "Allow", Action: ["iam:GetUser", "iam:ListAccessKeys", "iam:GetRole"], Resource: `arn:aws:iam::${ACCOUNT}:user/ci` });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("reads a user's inline policy", () => {
    const findings = findingsOfStack(IAM_004, (stack) => {
      new IamUserPolicy(stack, "User", {
        user: "ci",
        name: "keys",
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: `arn:aws:iam::${ACCOUNT}:user/admin` }] }),
      });
    });
    expect(findings.map((f) => [f.rule.id, f.resource.type])).toEqual([["IAM-004", "aws_iam_user_policy"]]);
  });
});

describe("IAM-005 no inline_policy block", () => {
  test("accepts the deploy role (aws_iam_role_policy resources)", () => {
    expect(summary(findingsOfStack(IAM_005, (stack) => deployRole(stack)))).toEqual([]);
  });

  test("rejects an inline_policy block on aws_iam_role", () => {
    const findings = findingsOfStack(IAM_005, (stack) => {
      new IamRole(stack, "Role", {
        name: "deploy",
        assumeRolePolicy: "{}",
        inlinePolicy: [{ name: "ecr-push", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecr:PutImage", Resource: SEED_REPOSITORY_ARN }] }) }],
      });
    });
    expect(summary(findings)).toEqual([["IAM-005", 'role "deploy" has an inline_policy block ("ecr-push")']]);
  });
});

describe("IAM-006 no admin managed policies", () => {
  test("accepts a read-only managed policy", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamRolePolicyAttachment(stack, "Attach", { role: "deploy", policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("accepts the deploy role's empty exclusive attachments", () => {
    expect(summary(findingsOfStack(IAM_006, (stack) => deployRole(stack)))).toEqual([]);
  });

  test("rejects AdministratorAccess attached to a role", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamRolePolicyAttachment(stack, "Attach", { role: "deploy", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    });
    expect(summary(findings)).toEqual([["IAM-006", 'attaches the managed policy "arn:aws:iam::aws:policy/AdministratorAccess"']]);
  });

  test("rejects AmazonEC2ContainerRegistryFullAccess through aws_iam_policy_attachment", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamPolicyAttachment(stack, "Attach", { name: "ecr", roles: ["deploy"], policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess" });
    });
    expect(summary(findings)[0][1]).toContain("AmazonEC2ContainerRegistryFullAccess");
  });

  test("rejects PowerUserAccess in the exclusive attachments", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      const exclusive = deployRole(stack).node.findChild("ManagedPoliciesExclusive") as IamRolePolicyAttachmentsExclusive;
      exclusive.addOverride("policy_arns", ["arn:aws:iam::aws:policy/PowerUserAccess"]);
    });
    expect(summary(findings)).toEqual([["IAM-006", 'attaches the managed policy "arn:aws:iam::aws:policy/PowerUserAccess"']]);
  });

  test.each([
    "SecretsManagerReadWrite",
    "AmazonS3FullAccess",
    "AWSCodeBuildAdminAccess",
    "AmazonEC2ContainerRegistryPowerUser",
    "AmazonElasticContainerRegistryPublicFullAccess",
    "AWSKeyManagementServicePowerUser",
  ])("rejects %s", (name) => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamRolePolicyAttachment(stack, "Attach", { role: "deploy", policyArn: `arn:aws:iam::aws:policy/${name}` });
    });
    expect(summary(findings)).toEqual([["IAM-006", `attaches the managed policy "arn:aws:iam::aws:policy/${name}"`]]);
  });

  test("rejects full-access policies on users and groups", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamUserPolicyAttachment(stack, "User", { user: "ci", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      new IamGroupPolicyAttachment(stack, "Group", { group: "ci", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" });
      new IamUserPolicyAttachmentsExclusive(stack, "Exclusive", { userName: "ci", policyArns: ["arn:aws:iam::aws:policy/SecretsManagerReadWrite"] });
    });
    expect(findings.map((f) => [f.rule.id, f.resource.type])).toEqual([
      ["IAM-006", "aws_iam_user_policy_attachment"],
      ["IAM-006", "aws_iam_group_policy_attachment"],
      ["IAM-006", "aws_iam_user_policy_attachments_exclusive"],
    ]);
  });

  test("accepts read-only policies on users and groups", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamUserPolicyAttachment(stack, "User", { user: "ci", policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" });
      new IamGroupPolicyAttachment(stack, "Group", { group: "ci", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects IAMFullAccess in managed_policy_arns", () => {
    const findings = findingsOfStack(IAM_006, (stack) => {
      new IamRole(stack, "Role", { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] });
    });
    expect(summary(findings)).toEqual([["IAM-006", 'attaches the managed policy "arn:aws:iam::aws:policy/IAMFullAccess"']]);
  });
});

describe("IAM-007 CodeBuild service role", () => {
  test("accepts the runner's role and policy", () => {
    expect(summary(findingsOfStack(IAM_007, (stack) => runner(stack)))).toEqual([]);
  });

  test("rejects a trust policy without aws:SourceAccount", () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      runner(stack).serviceRole.addOverride(
        "assume_role_policy",
        JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      );
    });
    expect(summary(findings)).toEqual([
      ["IAM-007", "trust statement #1 has no StringEquals aws:SourceAccount condition (confused deputy: any account's CodeBuild could use the role)"],
    ]);
  });

  test("rejects a trust policy that also trusts another service", () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      runner(stack).serviceRole.addOverride(
        "assume_role_policy",
        JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: ["codebuild.amazonaws.com", "ec2.amazonaws.com"] },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
            },
          ],
        }),
      );
    });
    expect(summary(findings)).toEqual([["IAM-007", 'trust statement #1 also trusts "ec2.amazonaws.com"']]);
  });

  test("rejects a trust policy that also trusts an AWS account", () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      runner(stack).serviceRole.addOverride(
        "assume_role_policy",
        JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "codebuild.amazonaws.com", AWS: "arn:aws:iam::999999999999:root" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
            },
          ],
        }),
      );
    });
    expect(summary(findings)).toEqual([["IAM-007", 'trust statement #1 also trusts AWS "arn:aws:iam::999999999999:root"']]);
  });

  test('rejects logs actions on "*"', () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      const r = runner(stack);
      new IamRolePolicy(stack, "Logs", {
        role: r.serviceRole.name,
        policy: JSON.stringify({ Statement: [{ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }] }),
      });
    });
    expect(summary(findings)).toEqual([
      ["IAM-007", 'statement "Logs" grants logs actions on "*", not the log group of project "techblue-dev-runner" ("/aws/codebuild/techblue-dev-runner")'],
    ]);
  });

  test("rejects logs actions on another project's log group", () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      const r = runner(stack);
      new IamRolePolicy(stack, "Logs", {
        role: r.serviceRole.name,
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/other:*` }] }),
      });
    });
    expect(summary(findings)[0][1]).toContain("log-group:/aws/codebuild/other:*");
  });

  test('rejects connection actions on "*"', () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      const r = runner(stack);
      new IamRolePolicy(stack, "Conn", {
        role: r.serviceRole.name,
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "codeconnections:UseConnection", Resource: "*" }] }),
      });
    });
    expect(summary(findings)[0]).toEqual(["IAM-007", expect.stringContaining('statement #1 grants "codeconnections:UseConnection" on "*", not the connection in source.auth')]);
  });

  // Issue 9 §4: the service role is readable by every job on the runner (container credentials),
  // so an ECR push there reaches around the deploy role's trust policy.
  test("rejects the ECR push set on the service role, even on this stack's repository", () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      const r = runner(stack);
      new IamRolePolicy(stack, "Push", {
        role: r.serviceRole.name,
        policy: JSON.stringify({
          Statement: [
            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            { Sid: "EcrPush", Effect: "Allow", Action: ["ecr:PutImage", "ecr:UploadLayerPart"], Resource: SEED_REPOSITORY_ARN },
          ],
        }),
      });
    });
    expect(summary(findings).map(([, m]) => m)).toEqual([
      expect.stringMatching(/^statement "EcrLogin" grants "ecr:GetAuthorizationToken" \(ECR\): every job on the runner can use the service role through the container credentials endpoint/),
      expect.stringMatching(/^statement "EcrPush" grants "ecr:PutImage" \(ECR\)/),
      expect.stringMatching(/^statement "EcrPush" grants "ecr:UploadLayerPart" \(ECR\)/),
    ]);
  });

  test("rejects any other action, and logs:* (not only the ones the runner needs)", () => {
    const findings = findingsOfStack(IAM_007, (stack) => {
      const r = runner(stack);
      new IamRolePolicy(stack, "More", {
        role: r.serviceRole.name,
        policy: JSON.stringify({
          Statement: [
            { Sid: "S3", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::cache/*" },
            { Sid: "AllLogs", Effect: "Allow", Action: "logs:*", Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/techblue-dev-runner:*` },
          ],
        }),
      });
    });
    expect(summary(findings).map(([, m]) => m.split(":")[0])).toEqual(['statement "S3" grants "s3', 'statement "AllLogs" grants "logs']);
  });

  test("a legacy-token runner may read its own token secret, and no other", () => {
    const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:github-token-AbCdEf`;
    const build = (extra?: (stack: TerraformStack, r: CodeBuildRunner) => void) =>
      findingsOfStack(IAM_007, (stack) => {
        const r = new CodeBuildRunner(stack, "Runner", {
          ...runnerDefaults(),
          projectName: "techblue-dev-runner",
          accountId: ACCOUNT,
          region: REGION,
          scope: { kind: "repository", owner: "Test-User", repository: "techblue-dev" },
          auth: { kind: "personal-token", secretArn: SECRET, owner: "alice" },
          createWebhook: true,
          workflowNames: ["Build"],
        });
        extra?.(stack, r);
      });
    expect(summary(build())).toEqual([]);
    const other = build((stack, r) =>
      new IamRolePolicy(stack, "Other", {
        role: r.serviceRole.name,
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `${SECRET.slice(0, -6)}other` }] }),
      }),
    );
    expect(summary(other)).toEqual([["IAM-007", expect.stringMatching(/^statement #1 grants "secretsmanager:GetSecretValue" on ".*other", not the token secret/)]]);
  });
});

describe("IAM-008 every role carries the stack's boundary, under its path", () => {
  const PATH = "/github-actions-platform/";
  const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/github-actions-platform/boundary`;
  const boundary = (stack: TerraformStack) =>
    new IamPolicy(stack, "Boundary", { name: "boundary", path: PATH, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecr:PutImage", Resource: SEED_REPOSITORY_ARN }] }) });
  const bounded = (stack: TerraformStack) =>
    new DeployRole(stack, "Role", {
      roleName: "techblue-dev-ecr-push",
      oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      subjects: { exact: ["repo:Test-User/techblue-dev:ref:refs/heads/main"], wildcard: [] },
      path: PATH,
      permissionsBoundaryArn: BOUNDARY_ARN,
    });

  test("accepts the shipped example (every role under /github-actions-platform/ with the boundary)", () => {
    expect(summary(exampleFindings([IAM_008]))).toEqual([]);
  });

  test("accepts roles that carry the boundary by ARN or by reference", () => {
    const findings = findingsOfStack(IAM_008, (stack) => {
      const b = boundary(stack);
      bounded(stack);
      new IamRole(stack, "ByRef", { name: "by-ref", path: PATH, assumeRolePolicy: "{}", permissionsBoundary: b.arn });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects a role added without the boundary and outside the path", () => {
    const findings = findingsOfStack(IAM_008, (stack) => {
      boundary(stack);
      bounded(stack);
      new IamRole(stack, "Loose", { name: "hand-made", assumeRolePolicy: "{}" });
    });
    expect(summary(findings)).toEqual([
      ["IAM-008", 'role "hand-made" has no permissions boundary; the stack\'s roles carry the aws_iam_policy "boundary"'],
      ["IAM-008", 'role "hand-made" lives under the IAM path "/"; the stack\'s roles (and its boundary) live under "/github-actions-platform/"'],
    ]);
  });

  test("rejects a role with another boundary", () => {
    const findings = findingsOfStack(IAM_008, (stack) => {
      boundary(stack);
      bounded(stack);
      new IamRole(stack, "Other", { name: "other", path: PATH, assumeRolePolicy: "{}", permissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess" });
    });
    expect(summary(findings)).toEqual([
      ["IAM-008", 'role "other" has the permissions boundary "arn:aws:iam::aws:policy/AdministratorAccess"; the stack\'s roles carry the aws_iam_policy "boundary"'],
    ]);
  });

  test("does not apply to a stack without a boundary", () => {
    expect(summary(findingsOfStack(IAM_008, (stack) => deployRole(stack)))).toEqual([]);
  });
});
