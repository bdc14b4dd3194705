import { CodeBuildRunner, connectionActions, type CodeBuildRunnerProps } from "../../modules/codebuild-runner";
import { CodeConnection } from "../../modules/code-connection";
import { onlyResource, resourcesOf, synthJson } from "../helpers/synth";

const CONNECTION = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0c9e5d3a-1111-2222-3333-444455556666";
const BASE: CodeBuildRunnerProps = {
  projectName: "techblue-dev-runner",
  accountId: "000123456789",
  region: "ap-northeast-1",
  scope: { kind: "repository", owner: "Test-User", repository: "techblue-dev" },
  auth: { kind: "connection", connectionArn: CONNECTION },
  createWebhook: true,
};

function synthRunner(extra: Partial<CodeBuildRunnerProps> = {}) {
  return synthJson((scope) => new CodeBuildRunner(scope, "runner", { ...BASE, ...extra }));
}

describe("CodeBuildRunner project", () => {
  test("GitHub source at the repository URL, authenticated through the connection, never a person's token", () => {
    const project = onlyResource(synthRunner(), "aws_codebuild_project");
    expect(project.source).toEqual({
      type: "GITHUB",
      location: "https://github.com/Test-User/techblue-dev.git",
      auth: { type: "CODECONNECTIONS", resource: CONNECTION },
    });
    expect(project.artifacts).toEqual({ type: "NO_ARTIFACTS" });
    expect(resourcesOf(synthRunner(), "aws_codebuild_source_credential")).toHaveLength(0);
  });

  test("logs go to its own log group, with retention", () => {
    const json = synthRunner({ logRetentionDays: 14 });
    const group = onlyResource(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/aws/codebuild/techblue-dev-runner", retention_in_days: 14 });
    expect(onlyResource(json, "aws_codebuild_project").logs_config).toEqual({
      cloudwatch_logs: { status: "ENABLED", group_name: "/aws/codebuild/techblue-dev-runner" },
    });
  });

  test("privileged mode is off unless asked for", () => {
    expect(onlyResource(synthRunner(), "aws_codebuild_project").environment.privileged_mode).toBe(false);
    expect(onlyResource(synthRunner({ privilegedMode: true }), "aws_codebuild_project").environment.privileged_mode).toBe(true);
  });

  test("project and webhook wait for the service policy (else 'Access denied to connection')", () => {
    const json = synthRunner();
    const policyRef = expect.stringMatching(/^aws_iam_role_policy\./);
    expect(onlyResource(json, "aws_codebuild_project").depends_on).toEqual(expect.arrayContaining([policyRef]));
    expect(onlyResource(json, "aws_codebuild_webhook").depends_on).toEqual([policyRef]);
  });

  test("organisation scope uses the default webhook source location and an organisation scope", () => {
    const json = synthRunner({ scope: { kind: "organization", owner: "octo-org" } });
    expect(onlyResource(json, "aws_codebuild_project").source.location).toBe("CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION");
    expect(onlyResource(json, "aws_codebuild_webhook").scope_configuration).toEqual({ name: "octo-org", scope: "GITHUB_ORGANIZATION" });
  });
});

describe("CodeBuildRunner webhook", () => {
  test("only WORKFLOW_JOB_QUEUED events start builds", () => {
    const webhook = onlyResource(synthRunner(), "aws_codebuild_webhook");
    expect(webhook.build_type).toBe("BUILD");
    expect(webhook.filter_group).toEqual([{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }]);
  });

  test("not created while the connection is pending", () => {
    expect(resourcesOf(synthRunner({ createWebhook: false }), "aws_codebuild_webhook")).toHaveLength(0);
  });

  test("a connection created by this app guards the webhook with a precondition on its status", () => {
    const json = synthJson((scope) => {
      const connection = new CodeConnection(scope, "conn", { name: "techblue-github" });
      new CodeBuildRunner(scope, "runner", {
        ...BASE,
        auth: { kind: "connection", connectionArn: connection.arn },
        connectionStatus: connection.status,
      });
    });
    const [pre] = onlyResource(json, "aws_codebuild_webhook").lifecycle.precondition;
    expect(pre.condition).toMatch(/aws_codeconnections_connection\.\S+\.connection_status == "AVAILABLE"/);
    expect(pre.error_message).toMatch(/Update pending connection/);
  });
});

describe("CodeBuildRunner with a person's token (legacy opt-in)", () => {
  const SECRET = "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:github-token-AbCdEf";
  const json = () => synthRunner({ auth: { kind: "personal-token", secretArn: SECRET, owner: "alice" } });

  test("the source reads the token from Secrets Manager and the project names its owner", () => {
    const project = onlyResource(json(), "aws_codebuild_project");
    expect(project.source.auth).toEqual({ type: "SECRETS_MANAGER", resource: SECRET });
    expect(project.tags).toEqual({ GitHubTokenOwner: "alice" });
  });

  test("the service role may read that one secret and no connection", () => {
    const policy = JSON.parse(onlyResource(json(), "aws_iam_role_policy").policy);
    expect(policy.Statement).toContainEqual({ Sid: "ReadGitHubToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET });
    expect(JSON.stringify(policy)).not.toContain("codeconnections");
  });
});

describe("CodeBuildRunner service role", () => {
  test("trusted only by CodeBuild, for this account and project", () => {
    const trust = JSON.parse(onlyResource(synthRunner(), "aws_iam_role").assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "codebuild.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "000123456789" },
          ArnLike: { "aws:SourceArn": "arn:aws:codebuild:ap-northeast-1:000123456789:project/techblue-dev-runner" },
        },
      },
    ]);
  });

  test("logs only on its own group, connection actions only on its one connection, ECR push when asked", () => {
    const ecr = "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev";
    const policy = JSON.parse(onlyResource(synthRunner({ ecrPushRepositoryArns: [ecr] }), "aws_iam_role_policy").policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(bySid.WriteOwnLogs.Resource).toEqual([
      "arn:aws:logs:ap-northeast-1:000123456789:log-group:/aws/codebuild/techblue-dev-runner",
      "arn:aws:logs:ap-northeast-1:000123456789:log-group:/aws/codebuild/techblue-dev-runner:*",
    ]);
    expect(bySid.UseGitHubConnection).toEqual({
      Sid: "UseGitHubConnection",
      Effect: "Allow",
      Action: ["codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection"],
      Resource: CONNECTION,
    });
    expect(bySid.EcrPush.Resource).toEqual([ecr]);
  });

  test("older codestar-connections ARNs get that prefix's actions", () => {
    expect(connectionActions("arn:aws:codestar-connections:us-east-1:000123456789:connection/0c9e5d3a-1111-2222-3333-444455556666")).toEqual([
      "codestar-connections:GetConnection",
      "codestar-connections:GetConnectionToken",
      "codestar-connections:UseConnection",
    ]);
  });
});

describe("CodeBuildRunner service role", () => {
  const BOUNDARY = "arn:aws:iam::000123456789:policy/github-actions-platform/github-actions-platform-boundary";

  test("lives under the given IAM path with the given permissions boundary", () => {
    const role = onlyResource(synthRunner({ rolePath: "/github-actions-platform/", permissionsBoundaryArn: BOUNDARY }), "aws_iam_role");
    expect(role).toMatchObject({ name: "codebuild-techblue-dev-runner", path: "/github-actions-platform/", permissions_boundary: BOUNDARY });
  });

  test("is authoritative over its policies: only codebuild-runner inline, no managed policies", () => {
    const json = synthRunner();
    const inline = onlyResource(json, "aws_iam_role_policies_exclusive");
    expect(inline.policy_names).toEqual(["codebuild-runner"]);
    expect(onlyResource(json, "aws_iam_role_policy").name).toBe("codebuild-runner");
    expect(inline.role_name).toMatch(/^\$\{aws_iam_role\..*\.name\}$/);
    // Waits for the policy it keeps, or the first apply would delete it as unlisted.
    expect(inline.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
    expect(onlyResource(json, "aws_iam_role_policy_attachments_exclusive").policy_arns).toEqual([]);
  });
});
