import { CodebuildSourceCredential } from "@cdktf/provider-aws/lib/codebuild-source-credential";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import type { TerraformStack } from "cdktf";
import { CODEBUILD_RULES } from "../../../guardrails/rules/codebuild";
import { CB_001 } from "../../../guardrails/rules/codebuild/cb-001-webhook-workflow-job-queued-only";
import { CB_002 } from "../../../guardrails/rules/codebuild/cb-002-runner-source-location";
import { CB_003 } from "../../../guardrails/rules/codebuild/cb-003-connection-auth";
import { CB_004 } from "../../../guardrails/rules/codebuild/cb-004-depends-on-connection-policy";
import { CB_005 } from "../../../guardrails/rules/codebuild/cb-005-webhook-waits-for-connection";
import { CB_006 } from "../../../guardrails/rules/codebuild/cb-006-no-privileged-mode";
import { CB_007 } from "../../../guardrails/rules/codebuild/cb-007-logs-configured";
import { CB_008 } from "../../../guardrails/rules/codebuild/cb-008-artifacts-encrypted";
import { CB_009 } from "../../../guardrails/rules/codebuild/cb-009-no-plaintext-credentials";
import type { Finding } from "../../../guardrails/types";
import { CodeBuildRunner, type CodeBuildRunnerProps } from "../../../modules/codebuild-runner";
import { CodeConnection } from "../../../modules/code-connection";
import { exampleFindings, findingsOfStack } from "../helpers";
import { runnerDefaults } from "../../helpers/config-defaults";

function summary(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.rule.id, f.message]);
}

// Shaped like real tokens, assembled at run time so no scanner mistakes this file for a leak.
const FAKE_PAT = ["ghp", "_", "a1B2".repeat(9)].join("");

const EXISTING_CONNECTION = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0a1b2c3d-0000-4000-8000-000000000000";

/** The example's runner: a repository runner on a connection created in the same stack. */
function runner(stack: TerraformStack, props: Partial<CodeBuildRunnerProps> = {}): CodeBuildRunner {
  const connection = new CodeConnection(stack, "Connection", { name: "techblue-github" });
  return new CodeBuildRunner(stack, "Runner", {
    ...runnerDefaults(),
    projectName: "techblue-dev-runner",
    accountId: "000123456789",
    region: "ap-northeast-1",
    scope: { kind: "repository", owner: "Test-User", repository: "techblue-dev" },
    auth: { kind: "connection", connectionArn: connection.arn },
    connectionStatus: connection.status,
    createWebhook: true,
    workflowNames: ["Build and push release images on CodeBuild"],
    repositories: ["techblue-dev"],
    ...props,
  });
}

describe("CODEBUILD_RULES", () => {
  test("the shipped example has no findings besides its privileged mode (CB-006, suppressed with a reason)", () => {
    const own = exampleFindings(CODEBUILD_RULES).filter((f) => ["CB-001", "CB-002", "CB-003", "CB-004", "CB-005", "CB-006", "CB-007", "CB-008", "CB-009"].includes(f.rule.id));
    expect(summary(own)).toEqual([["CB-006", "environment.privileged_mode is true"]]);
  });

  test("lists CB-001 to CB-009 in id order, each with title, why, fix and source", () => {
    const ids = CODEBUILD_RULES.map((r) => r.id).filter((id) => id <= "CB-009");
    expect(ids).toEqual(["CB-001", "CB-002", "CB-003", "CB-004", "CB-005", "CB-006", "CB-007", "CB-008", "CB-009"]);
    for (const rule of CODEBUILD_RULES) {
      expect([rule.title, rule.why, rule.fix, rule.source].every((s) => s.length > 10)).toBe(true);
    }
  });
});

describe("CB-001 webhook filter groups", () => {
  test("accepts the runner's WORKFLOW_JOB_QUEUED webhook", () => {
    expect(summary(findingsOfStack(CB_001, (stack) => runner(stack)))).toEqual([]);
  });

  test("accepts an anchored WORKFLOW_NAME filter", () => {
    const findings = findingsOfStack(CB_001, (stack) =>
      // Overrides append to lists: this adds a filter to the runner's only group.
      runner(stack).webhook!.addOverride("filter_group.0.filter", [{ type: "WORKFLOW_NAME", pattern: "^Build and push release images on CodeBuild$" }]),
    );
    expect(summary(findings)).toEqual([]);
  });

  test("rejects PUSH next to WORKFLOW_JOB_QUEUED", () => {
    const findings = findingsOfStack(CB_001, (stack) =>
      runner(stack).webhook!.addOverride("filter_group.0.filter.0.pattern", "PUSH, WORKFLOW_JOB_QUEUED"),
    );
    expect(summary(findings)).toEqual([["CB-001", 'filter_group #1 has EVENT "PUSH, WORKFLOW_JOB_QUEUED", not exactly "WORKFLOW_JOB_QUEUED"']]);
  });

  test("rejects a PULL_REQUEST_CREATED group", () => {
    const findings = findingsOfStack(CB_001, (stack) =>
      // Appended to the runner's WORKFLOW_JOB_QUEUED group.
      runner(stack).webhook!.addOverride("filter_group", [
        { filter: [{ type: "EVENT", pattern: "PULL_REQUEST_CREATED" }, { type: "HEAD_REF", pattern: "^refs/heads/main$" }] },
      ]),
    );
    expect(summary(findings)).toEqual([
      ["CB-001", 'filter_group #2 has EVENT "PULL_REQUEST_CREATED", not exactly "WORKFLOW_JOB_QUEUED"'],
      ["CB-001", 'filter_group #2 has a HEAD_REF filter "^refs/heads/main$" (only WORKFLOW_NAME, ACTOR_ACCOUNT_ID, REPOSITORY_NAME narrow a runner webhook)'],
      ["CB-001", expect.stringMatching(/^filter_group #2 has no anchored WORKFLOW_NAME filter: a job of any workflow/)],
    ]);
  });

  test("rejects a group with the event only (the webhook before this rule required names)", () => {
    const findings = findingsOfStack(CB_001, (stack) =>
      runner(stack).webhook!.addOverride("filter_group", [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }]),
    );
    expect(summary(findings)).toEqual([
      ["CB-001", "filter_group #2 has no anchored WORKFLOW_NAME filter: a job of any workflow (any branch, any pull request) that names the project in runs-on starts a build"],
    ]);
  });

  test("rejects a WORKFLOW_NAME filter that excludes instead of admits", () => {
    const findings = findingsOfStack(CB_001, (stack) => runner(stack).webhook!.addOverride("filter_group.0.filter.1.exclude_matched_pattern", true));
    expect(summary(findings)).toEqual([["CB-001", expect.stringMatching(/^filter_group #1 has no anchored WORKFLOW_NAME filter/)]]);
  });

  test("accepts an organisation webhook with an anchored REPOSITORY_NAME filter", () => {
    const findings = findingsOfStack(CB_001, (stack) => runner(stack, { scope: { kind: "organization", owner: "octo-org" } }));
    expect(summary(findings)).toEqual([]);
  });

  test("rejects an organisation webhook without REPOSITORY_NAME: every repository of the organisation could queue jobs", () => {
    const findings = findingsOfStack(CB_001, (stack) =>
      runner(stack, { scope: { kind: "organization", owner: "octo-org" } }).webhook!.addOverride("filter_group.0.filter.2", undefined),
    );
    expect(summary(findings)).toEqual([
      ["CB-001", "filter_group #1 of an organisation webhook has no anchored REPOSITORY_NAME filter: every repository of the organisation can queue jobs on the runner"],
    ]);
  });

  test("rejects an unanchored WORKFLOW_NAME", () => {
    const findings = findingsOfStack(CB_001, (stack) =>
      runner(stack).webhook!.addOverride("filter_group.0.filter", [{ type: "WORKFLOW_NAME", pattern: "release" }]),
    );
    expect(summary(findings)[0][1]).toContain('WORKFLOW_NAME "release", not anchored');
  });

  test("rejects a webhook without filter groups", () => {
    const findings = findingsOfStack(CB_001, (stack) => runner(stack).webhook!.addOverride("filter_group", undefined));
    expect(summary(findings)).toEqual([["CB-001", "the webhook has no filter_group (every event starts a build)"]]);
  });
});

describe("CB-002 runner source location", () => {
  test("accepts a repository runner", () => {
    expect(summary(findingsOfStack(CB_002, (stack) => runner(stack)))).toEqual([]);
  });

  test("accepts an organisation runner with a scoped webhook", () => {
    const findings = findingsOfStack(CB_002, (stack) => runner(stack, { scope: { kind: "organization", owner: "octo-org" } }));
    expect(summary(findings)).toEqual([]);
  });

  test("rejects the organisation location without a webhook scope_configuration", () => {
    const findings = findingsOfStack(CB_002, (stack) => {
      runner(stack, { scope: { kind: "organization", owner: "octo-org" } }).webhook!.addOverride("scope_configuration", undefined);
    });
    expect(summary(findings)).toEqual([
      ["CB-002", 'source.location is "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION" but no webhook of the project sets scope_configuration'],
    ]);
  });

  test("accepts an organisation runner before its webhook exists (connection pending: it receives no job yet)", () => {
    const findings = findingsOfStack(CB_002, (stack) => {
      const built = runner(stack, { scope: { kind: "organization", owner: "octo-org" }, createWebhook: false });
      expect(built.webhook).toBeUndefined();
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects an organisation runner with a second webhook that sets no scope_configuration", () => {
    const findings = findingsOfStack(CB_002, (stack) => {
      const built = runner(stack, { scope: { kind: "organization", owner: "octo-org" } });
      new CodebuildWebhook(stack, "HandMadeWebhook", {
        projectName: built.project.name,
        filterGroup: [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }, { type: "WORKFLOW_NAME", pattern: "^x$" }] }],
      });
    });
    expect(summary(findings)).toEqual([
      ["CB-002", 'source.location is "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION" but 1 of its 2 webhooks set no scope_configuration'],
    ]);
  });

  test("rejects a location that is not a repository URL", () => {
    const findings = findingsOfStack(CB_002, (stack) => runner(stack).project.addOverride("source.location", "https://github.com/Test-User"));
    expect(summary(findings)).toEqual([
      ["CB-002", 'source.location is "https://github.com/Test-User", not https://github.com/<owner>/<repo>.git or CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION'],
    ]);
  });

  test("rejects a runner with a non-GitHub source", () => {
    const findings = findingsOfStack(CB_002, (stack) => runner(stack).project.addOverride("source.type", "CODECOMMIT"));
    expect(summary(findings)).toEqual([["CB-002", 'source.type is "CODECOMMIT", not "GITHUB"']]);
  });
});

describe("CB-003 connection auth", () => {
  test("accepts source.auth CODECONNECTIONS with a reference", () => {
    expect(summary(findingsOfStack(CB_003, (stack) => runner(stack)))).toEqual([]);
  });

  test("accepts source.auth CODECONNECTIONS with an existing connection ARN", () => {
    const findings = findingsOfStack(CB_003, (stack) => runner(stack, { auth: { kind: "connection", connectionArn: EXISTING_CONNECTION } }));
    expect(summary(findings)).toEqual([]);
  });

  test("rejects an account-wide personal access token (seed 000)", () => {
    const findings = findingsOfStack(CB_003, (stack) => {
      new CodebuildSourceCredential(stack, "Pat", { authType: "PERSONAL_ACCESS_TOKEN", serverType: "GITHUB", token: FAKE_PAT });
    });
    expect(summary(findings)).toEqual([
      ["CB-003", 'aws_codebuild_source_credential with auth_type "PERSONAL_ACCESS_TOKEN" for "GITHUB" becomes the default GitHub identity of every project in the account'],
    ]);
  });

  test("rejects a project without source.auth (falls back to the account default credential)", () => {
    const findings = findingsOfStack(CB_003, (stack) => runner(stack).project.addOverride("source.auth", undefined));
    expect(summary(findings)[0]).toEqual(["CB-003", expect.stringContaining("source.auth is not set")]);
  });

  test("rejects OAUTH", () => {
    const findings = findingsOfStack(CB_003, (stack) => runner(stack).project.addOverride("source.auth", { type: "OAUTH" }));
    expect(summary(findings)).toEqual([["CB-003", 'source.auth.type is "OAUTH", not "CODECONNECTIONS"']]);
  });

  test("rejects SECRETS_MANAGER without the GitHubTokenOwner tag", () => {
    const findings = findingsOfStack(CB_003, (stack) =>
      runner(stack).project.addOverride("source.auth", { type: "SECRETS_MANAGER", resource: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:gh-token" }),
    );
    expect(summary(findings)[0][1]).toContain("lacks the tag GitHubTokenOwner");
  });

  test("reports the legacy personal-token opt-in even when tagged with its owner, so its suppression (the reason) is printed", () => {
    // GIVEN a runner on alice's token, as runner.legacyPersonalToken builds it
    const findings = findingsOfStack(CB_003, (stack) =>
      runner(stack, { auth: { kind: "personal-token", secretArn: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:gh-token-AbCdEf", owner: "alice" } }),
    );
    // THEN CB-003 names the person whose token it is
    expect(summary(findings)).toEqual([["CB-003", expect.stringContaining("registers with alice's personal token instead of the connection")]]);
  });
});

describe("CB-004 depends_on the connection policy", () => {
  test("accepts the runner's project and webhook", () => {
    expect(summary(findingsOfStack(CB_004, (stack) => runner(stack)))).toEqual([]);
  });

  test("rejects a webhook that does not depend on the service policy", () => {
    const findings = findingsOfStack(CB_004, (stack) => runner(stack).webhook!.addOverride("depends_on", undefined));
    expect(summary(findings)).toEqual([["CB-004", expect.stringMatching(/^depends_on \[\] does not name aws_iam_role_policy\.Runner_ServicePolicy_/)]]);
  });

  test("rejects a service role without the connection grant", () => {
    const findings = findingsOfStack(CB_004, (stack) => {
      runner(stack, { auth: { kind: "connection", connectionArn: EXISTING_CONNECTION } }).servicePolicy.addOverride(
        "policy",
        JSON.stringify({ Statement: [{ Effect: "Allow", Action: "codeconnections:UseConnection", Resource: EXISTING_CONNECTION }] }),
      );
    });
    expect(summary(findings)).toEqual([
      ["CB-004", `no aws_iam_role_policy of the service role "codebuild-techblue-dev-runner" grants GetConnection and GetConnectionToken on ${EXISTING_CONNECTION}`],
      ["CB-004", `no aws_iam_role_policy of the service role "codebuild-techblue-dev-runner" grants GetConnection and GetConnectionToken on ${EXISTING_CONNECTION}`],
    ]);
  });
});

describe("CB-005 webhook waits for the connection", () => {
  test("accepts the runner's precondition on connection_status", () => {
    expect(summary(findingsOfStack(CB_005, (stack) => runner(stack)))).toEqual([]);
  });

  test("accepts an existing connection (not created in the stack) without precondition", () => {
    const findings = findingsOfStack(CB_005, (stack) =>
      runner(stack, { auth: { kind: "connection", connectionArn: EXISTING_CONNECTION }, connectionStatus: undefined }),
    );
    expect(summary(findings)).toEqual([]);
  });

  test("rejects a webhook on a connection of the stack without the precondition", () => {
    const findings = findingsOfStack(CB_005, (stack) => {
      const connection = new CodeConnection(stack, "Connection", { name: "techblue-github" });
      new CodeBuildRunner(stack, "Runner", {
        ...runnerDefaults(),
        projectName: "techblue-dev-runner",
        accountId: "000123456789",
        region: "ap-northeast-1",
        scope: { kind: "repository", owner: "Test-User", repository: "techblue-dev" },
        auth: { kind: "connection", connectionArn: connection.arn },
        createWebhook: true,
        workflowNames: ["Build and push release images on CodeBuild"],
      });
    });
    expect(summary(findings)).toEqual([
      ["CB-005", expect.stringMatching(/^no lifecycle\.precondition reads aws_codeconnections_connection\.Connection_\w+\.connection_status/)],
    ]);
  });
});

describe("CB-006 privileged mode", () => {
  test("accepts the default", () => {
    expect(summary(findingsOfStack(CB_006, (stack) => runner(stack)))).toEqual([]);
  });

  test("reports privileged mode", () => {
    const findings = findingsOfStack(CB_006, (stack) => runner(stack, { privilegedMode: true }));
    expect(summary(findings)).toEqual([["CB-006", "environment.privileged_mode is true"]]);
  });
});

describe("CB-007 logs configured", () => {
  test("accepts the runner's CloudWatch logs", () => {
    expect(summary(findingsOfStack(CB_007, (stack) => runner(stack)))).toEqual([]);
  });

  test("rejects CloudWatch logs disabled without S3 logs", () => {
    const findings = findingsOfStack(CB_007, (stack) => runner(stack).project.addOverride("logs_config.cloudwatch_logs.status", "DISABLED"));
    expect(summary(findings)).toEqual([["CB-007", 'logs_config.cloudwatch_logs.status is "DISABLED" and s3_logs.status is "not set": no build logs']]);
  });

  test("rejects S3 logs with encryption disabled", () => {
    const findings = findingsOfStack(CB_007, (stack) =>
      runner(stack).project.addOverride("logs_config.s3_logs", { status: "ENABLED", location: "logs-bucket/runner", encryption_disabled: true }),
    );
    expect(summary(findings)).toEqual([["CB-007", "logs_config.s3_logs.encryption_disabled is true"]]);
  });
});

describe("CB-008 artifacts encrypted", () => {
  test("accepts NO_ARTIFACTS", () => {
    expect(summary(findingsOfStack(CB_008, (stack) => runner(stack)))).toEqual([]);
  });

  test("rejects encryption_disabled artifacts", () => {
    const findings = findingsOfStack(CB_008, (stack) =>
      runner(stack).project.addOverride("artifacts", { type: "S3", location: "artifacts-bucket", encryption_disabled: true }),
    );
    expect(summary(findings)).toEqual([["CB-008", "artifacts.encryption_disabled is true"]]);
  });

  test("rejects encryption_disabled secondary artifacts", () => {
    const findings = findingsOfStack(CB_008, (stack) =>
      runner(stack).project.addOverride("secondary_artifacts", [{ type: "S3", location: "b", artifact_identifier: "reports", encryption_disabled: true }]),
    );
    expect(summary(findings)).toEqual([["CB-008", 'secondary_artifacts "reports" has encryption_disabled = true']]);
  });
});

describe("CB-009 no plaintext credentials", () => {
  test("accepts a Secrets Manager variable and a plain setting", () => {
    const findings = findingsOfStack(CB_009, (stack) =>
      runner(stack).project.addOverride("environment.environment_variable", [
        { name: "GITHUB_TOKEN", type: "SECRETS_MANAGER", value: "gh-token:token" },
        { name: "IMAGE_REPO", value: "techblue-dev" },
      ]),
    );
    expect(summary(findings)).toEqual([]);
  });

  test("rejects a plaintext value shaped like a GitHub token", () => {
    const findings = findingsOfStack(CB_009, (stack) =>
      runner(stack).project.addOverride("environment.environment_variable", [{ name: "GH", type: "PLAINTEXT", value: FAKE_PAT }]),
    );
    expect(summary(findings)).toEqual([["CB-009", 'environment variable "GH" holds a plaintext value that looks like a credential']]);
  });

  test("rejects a plaintext variable named like a secret", () => {
    const findings = findingsOfStack(CB_009, (stack) =>
      runner(stack).project.addOverride("environment.environment_variable", [{ name: "AWS_SECRET_ACCESS_KEY", value: "redacted" }]),
    );
    expect(summary(findings)).toEqual([["CB-009", 'environment variable "AWS_SECRET_ACCESS_KEY" is PLAINTEXT but its name says it holds a secret']]);
  });
});
