import { terraformStringValue } from "../../modules/terraform-text";
import { anchoredAlternation, CodeBuildRunner, connectionActions, type CodeBuildRunnerProps } from "../../modules/codebuild-runner";
import { CodeConnection } from "../../modules/code-connection";
import { onlyResource, resourcesOf, synthJson } from "../helpers/synth";
import { runnerDefaults } from "../helpers/config-defaults";

const CONNECTION = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0c9e5d3a-1111-2222-3333-444455556666";
const BASE: CodeBuildRunnerProps = {
  ...runnerDefaults(),
  projectName: "techblue-dev-runner",
  accountId: "000123456789",
  region: "ap-northeast-1",
  scope: { kind: "repository", owner: "Test-User", repository: "techblue-dev" },
  auth: { kind: "connection", connectionArn: CONNECTION },
  createWebhook: true,
  workflowNames: ["Build and push release images on CodeBuild"],
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
    const json = synthRunner({ scope: { kind: "organization", owner: "octo-org" }, repositories: ["techblue-dev"] });
    expect(onlyResource(json, "aws_codebuild_project").source.location).toBe("CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION");
    expect(onlyResource(json, "aws_codebuild_webhook").scope_configuration).toEqual({ name: "octo-org", scope: "GITHUB_ORGANIZATION" });
  });
});

describe("CodeBuildRunner webhook", () => {
  test("only WORKFLOW_JOB_QUEUED events of the named workflows start builds", () => {
    const webhook = onlyResource(synthRunner(), "aws_codebuild_webhook");
    expect(webhook.build_type).toBe("BUILD");
    expect(webhook.filter_group).toEqual([
      {
        filter: [
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          { type: "WORKFLOW_NAME", pattern: "^Build and push release images on CodeBuild$" },
        ],
      },
    ]);
  });

  test("several workflows: one anchored alternation, regex characters escaped", () => {
    const webhook = onlyResource(synthRunner({ workflowNames: ["Release (v*)", "Nightly"] }), "aws_codebuild_webhook");
    // What CodeBuild receives: Terraform's evaluation of the literal (backslashes are written quoted).
    const pattern = terraformStringValue(webhook.filter_group[0].filter[1].pattern as string);
    expect(pattern).toBe("^(?:Release \\(v\\*\\)|Nightly)$");
    const re = new RegExp(pattern);
    expect(["Release (v*)", "Nightly"].every((n) => re.test(n))).toBe(true);
    for (const other of ["Release (v1)", "Nightly build", "My Nightly", "Release vvv"]) expect(re.test(other)).toBe(false);
  });

  test("a name with Terraform template syntax cannot form ${ or %{ in the pattern", () => {
    const pattern = anchoredAlternation(["Build ${file(\"/etc/passwd\")} %{ if true }x%{ endif }"]);
    expect(pattern).not.toMatch(/[$%]\{/);
    expect(new RegExp(pattern).test("Build ${file(\"/etc/passwd\")} %{ if true }x%{ endif }")).toBe(true);
  });

  test("actor ids become an anchored ACTOR_ACCOUNT_ID filter", () => {
    const filters = onlyResource(synthRunner({ actorAccountIds: [1234567, 89] }), "aws_codebuild_webhook").filter_group[0].filter;
    expect(filters).toContainEqual({ type: "ACTOR_ACCOUNT_ID", pattern: "^(?:1234567|89)$" });
  });

  test("an organisation webhook admits only the named repositories", () => {
    const json = synthRunner({ scope: { kind: "organization", owner: "octo-org" }, repositories: ["app", "web.site"] });
    const filters = (onlyResource(json, "aws_codebuild_webhook").filter_group[0].filter as { type: string; pattern: string }[]).map((f) => ({
      ...f,
      pattern: terraformStringValue(f.pattern),
    }));
    expect(filters).toContainEqual({ type: "REPOSITORY_NAME", pattern: "^(?:app|web\\.site)$" });
  });

  test("no webhook when it would admit nothing: no workflow, or an organisation webhook without repositories", () => {
    expect(resourcesOf(synthRunner({ workflowNames: [] }), "aws_codebuild_webhook")).toHaveLength(0);
    expect(resourcesOf(synthRunner({ scope: { kind: "organization", owner: "octo-org" } }), "aws_codebuild_webhook")).toHaveLength(0);
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

  test("logs only on its own group, connection actions only on its one connection, and nothing else (no ECR)", () => {
    const policy = JSON.parse(onlyResource(synthRunner(), "aws_iam_role_policy").policy);
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
    // The build container reads this role's credentials: what it holds, every job holds.
    expect(Object.keys(bySid)).toEqual(["WriteOwnLogs", "UseGitHubConnection"]);
    expect(JSON.stringify(policy)).not.toContain("ecr:");
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

describe("CodeBuildRunner shared by several repositories (repositoryWorkflows)", () => {
  const ORG = { kind: "organization", owner: "octo-org" } as const;
  const groups = (json: ReturnType<typeof synthRunner>) => onlyResource(json, "aws_codebuild_webhook").filter_group.map((g: any) => g.filter);

  test("one organisation webhook; each repository's jobs admitted only under its own workflow names", () => {
    // GIVEN two repositories with different workflows
    const json = synthRunner({
      scope: ORG,
      workflowNames: undefined,
      repositoryWorkflows: [
        { repository: "api", workflowNames: ["Build api"] },
        { repository: "web", workflowNames: ["Build web", "Release web"] },
      ],
    });
    // THEN one group per repository: api's jobs named "Build web" start no build
    expect(onlyResource(json, "aws_codebuild_webhook").scope_configuration).toEqual({ name: "octo-org", scope: "GITHUB_ORGANIZATION" });
    expect(groups(json)).toEqual([
      [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: "^Build api$" },
        { type: "REPOSITORY_NAME", pattern: "^api$" },
      ],
      [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: "^(?:Build web|Release web)$" },
        { type: "REPOSITORY_NAME", pattern: "^web$" },
      ],
    ]);
  });

  test("repositories with the same workflow names share one group, and every group carries the actor filter", () => {
    const json = synthRunner({
      scope: ORG,
      actorAccountIds: [583231],
      repositoryWorkflows: [
        { repository: "web", workflowNames: ["Build and push image"] },
        { repository: "api", workflowNames: ["Build api"] },
        { repository: "worker", workflowNames: ["Build and push image", "Build and push image"] },
      ],
    });
    expect(groups(json)).toEqual([
      [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: "^Build and push image$" },
        { type: "REPOSITORY_NAME", pattern: "^(?:web|worker)$" },
        { type: "ACTOR_ACCOUNT_ID", pattern: "^583231$" },
      ],
      [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: "^Build api$" },
        { type: "REPOSITORY_NAME", pattern: "^api$" },
        { type: "ACTOR_ACCOUNT_ID", pattern: "^583231$" },
      ],
    ]);
  });

  test("repository names are escaped and anchored: a dot matches only a dot", () => {
    const json = synthRunner({ scope: ORG, repositoryWorkflows: [{ repository: "app.web", workflowNames: ["Build"] }] });
    // As CodeBuild receives it: Terraform's evaluation of the literal the module wrote.
    const pattern = terraformStringValue(groups(json)[0].find((f: any) => f.type === "REPOSITORY_NAME").pattern);
    expect(pattern).toBe("^app\\.web$");
    expect(new RegExp(pattern).test("appxweb")).toBe(false);
  });

  test("no repository with a workflow on it: no webhook (it would admit nothing)", () => {
    const json = synthRunner({ scope: ORG, repositoryWorkflows: [{ repository: "api", workflowNames: [] }] });
    expect(resourcesOf(json, "aws_codebuild_webhook")).toHaveLength(0);
    expect(onlyResource(json, "aws_codebuild_project").source.location).toBe("CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION");
  });
});
