/**
 * The rules on public repositories (CB-012, CB-013, CB-014, OIDC-014): each finds its exposure
 * when the repository is declared public, and none when it is private; the declaration is the
 * postcondition of the repository's github_repository data source.
 */
import type { TerraformStack } from "cdktf";
import { CB_012 } from "../../../guardrails/rules/codebuild/cb-012-public-runner-actor-filter";
import { CB_013 } from "../../../guardrails/rules/codebuild/cb-013-public-privileged-runner";
import { CB_014 } from "../../../guardrails/rules/codebuild/cb-014-public-organization-runner";
import { declaredVisibility } from "../../../guardrails/rules/codebuild/public";
import { OIDC_014 } from "../../../guardrails/rules/oidc/oidc-014-public-pull-request";
import { buildAppView } from "../../../guardrails/app-view";
import type { Finding } from "../../../guardrails/types";
import { CodeBuildRunner, type CodeBuildRunnerProps } from "../../../modules/codebuild-runner";
import { DeployRole } from "../../../modules/deploy-role";
import { RepositoryVisibility, type RepositoryVisibilityValue } from "../../../modules/repository-visibility";
import { WorkflowFile } from "../../../modules/workflow-file";
import { renderWorkflow } from "../../../workflows/render";
import { imageBuildPushWorkflow } from "../../../workflows/image-build-push";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { findingsOfStack } from "../helpers";
import { TerraformStack as Stack } from "cdktf";
import { testApp } from "../../helpers/synth";
import { runnerDefaults } from "../../helpers/config-defaults";

const CONNECTION = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0a1b2c3d-0000-4000-8000-000000000000";
const summary = (findings: readonly Finding[]) => findings.map((f) => [f.rule.id, f.message]);

function visibility(stack: TerraformStack, repository: string, value: RepositoryVisibilityValue, owner = "octo-org"): void {
  new RepositoryVisibility(stack, `Visibility-${repository}`, { owner, repository, visibility: value, declaredAt: "platform.yaml" });
}

function runner(stack: TerraformStack, props: Partial<CodeBuildRunnerProps> = {}): CodeBuildRunner {
  return new CodeBuildRunner(stack, "Runner", {
    ...runnerDefaults(),
    projectName: "site-runner",
    accountId: "000123456789",
    region: "ap-northeast-1",
    scope: { kind: "repository", owner: "octo-org", repository: "site" },
    auth: { kind: "connection", connectionArn: CONNECTION },
    createWebhook: true,
    workflowNames: ["Build site"],
    repositories: ["site"],
    ...props,
  });
}

describe("visibility reaches the synthesized Terraform", () => {
  test("as the postcondition of a github_repository data source, which the rules read", () => {
    const stack = new Stack(testApp(), "test");
    visibility(stack, "site", "public");
    visibility(stack, "internal-tools", "private");
    expect([...declaredVisibility(buildAppView([stack]))]).toEqual([
      ["octo-org/site", "public"],
      ["octo-org/internal-tools", "private"],
    ]);
  });
});

describe("CB-012 public repositories: actor filter on the runner webhook, no fork-triggered jobs", () => {
  test("accepts a private repository's runner without an actor filter", () => {
    expect(summary(findingsOfStack(CB_012, (s) => (visibility(s, "site", "private"), runner(s))))).toEqual([]);
  });

  test("rejects a public repository's runner without an actor filter", () => {
    expect(summary(findingsOfStack(CB_012, (s) => (visibility(s, "site", "public"), runner(s))))).toEqual([
      ["CB-012", expect.stringMatching(/^filter_group #1 admits jobs of the public repository octo-org\/site without an anchored ACTOR_ACCOUNT_ID filter/)],
    ]);
  });

  test("accepts a public repository's runner that admits named actors only", () => {
    expect(summary(findingsOfStack(CB_012, (s) => (visibility(s, "site", "public"), runner(s, { actorAccountIds: [583231] }))))).toEqual([]);
  });

  test("rejects an organisation runner whose REPOSITORY_NAME admits a public repository, and not one that leaves it out", () => {
    const org = { scope: { kind: "organization", owner: "octo-org" } as const };
    const withPublic = findingsOfStack(CB_012, (s) => {
      visibility(s, "site", "public");
      runner(s, { ...org, repositories: ["api", "site"] });
    });
    expect(summary(withPublic)).toEqual([["CB-012", expect.stringContaining("octo-org/site")]]);
    const without = findingsOfStack(CB_012, (s) => {
      visibility(s, "site", "public");
      runner(s, { ...org, repositories: ["api", "site-private"] });
    });
    expect(summary(without)).toEqual([]);
  });

  /** The generated runner workflow with its `on:` block replaced (the generator writes push only). */
  function workflowOnRunner(stack: TerraformStack, on: string): void {
    new GithubProvider(stack, "github", { owner: "octo-org" });
    const model = imageBuildPushWorkflow({
      name: "Build site",
      triggers: { branches: ["main"], tags: [] },
      runner: { kind: "codebuild", projectName: "site-runner", roleArnVariable: "AWS_ROLE_ARN_SITE" },
      ecrRepositoryVariable: "ECR_REPOSITORY_SITE",
      regionVariable: "AWS_REGION",
      dockerfile: "Dockerfile",
      context: ".",
    });
    const content = renderWorkflow(model, { source: "test" }).replace(/^on:\n(?: .*\n)+/m, `on:\n${on}`);
    expect(content).toContain(on);
    new WorkflowFile(stack, "Workflow", { repository: "site", branch: "main", file: "build.yml", content });
  }

  test("accepts a push-triggered job on the runner of a public repository", () => {
    expect(summary(findingsOfStack(CB_012, (s) => (visibility(s, "site", "public"), workflowOnRunner(s, "  push:\n    branches: [main]\n"))))).toEqual([]);
  });

  test("rejects a job on the runner of a public repository that a fork's pull request or a comment triggers", () => {
    const findings = findingsOfStack(CB_012, (s) => (visibility(s, "site", "public"), workflowOnRunner(s, "  push:\n    branches: [main]\n  pull_request:\n  issue_comment:\n")));
    expect(summary(findings)).toEqual([
      ["CB-012", 'job "build-and-push" runs on a CodeBuild runner in the public repository octo-org/site and is triggered by pull_request, issue_comment, which people without write access can cause'],
    ]);
    expect(summary(findingsOfStack(CB_012, (s) => (visibility(s, "site", "private"), workflowOnRunner(s, "  pull_request:\n"))))).toEqual([]);
  });
});

describe("CB-013 public repositories: no privileged runner", () => {
  test("accepts a privileged runner of a private repository, and an unprivileged one of a public repository", () => {
    expect(summary(findingsOfStack(CB_013, (s) => (visibility(s, "site", "private"), runner(s, { privilegedMode: true }))))).toEqual([]);
    expect(summary(findingsOfStack(CB_013, (s) => (visibility(s, "site", "public"), runner(s))))).toEqual([]);
  });

  test("rejects a privileged runner serving a public repository, with or without its webhook yet", () => {
    const expected = [["CB-013", "environment.privileged_mode is true and the runner serves the public repository octo-org/site"]];
    expect(summary(findingsOfStack(CB_013, (s) => (visibility(s, "site", "public"), runner(s, { privilegedMode: true }))))).toEqual(expected);
    expect(summary(findingsOfStack(CB_013, (s) => (visibility(s, "site", "public"), runner(s, { privilegedMode: true, createWebhook: false }))))).toEqual(expected);
  });
});

describe("CB-014 public repositories: no organisation runner", () => {
  const org = { scope: { kind: "organization", owner: "octo-org" } as const };

  test("accepts a repository runner of a public repository, and an organisation runner of private ones", () => {
    expect(summary(findingsOfStack(CB_014, (s) => (visibility(s, "site", "public"), runner(s))))).toEqual([]);
    expect(summary(findingsOfStack(CB_014, (s) => (visibility(s, "site", "private"), runner(s, org))))).toEqual([]);
  });

  test("rejects an organisation webhook that admits a public repository", () => {
    expect(summary(findingsOfStack(CB_014, (s) => (visibility(s, "site", "public"), runner(s, org))))).toEqual([
      ["CB-014", "the organisation webhook admits jobs of the public repository octo-org/site"],
    ]);
  });

  test("rejects an organisation webhook without REPOSITORY_NAME while the organisation has a public repository", () => {
    const findings = findingsOfStack(CB_014, (s) => {
      visibility(s, "docs", "public");
      runner(s, org).webhook!.addOverride("filter_group.0.filter.2", undefined);
    });
    expect(summary(findings)).toEqual([["CB-014", "the organisation webhook admits jobs of the public repository octo-org/docs"]]);
  });
});

describe("OIDC-014 public repositories: no pull_request trust", () => {
  function role(stack: TerraformStack, exact: string[], wildcard: string[] = []): void {
    new DeployRole(stack, "Role", {
      roleName: "site-deploy",
      oidcProviderArn: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com",
      subjects: { exact, wildcard },
    });
  }

  test("accepts pull_request trust of a private repository, and branch trust of a public one", () => {
    expect(summary(findingsOfStack(OIDC_014, (s) => (visibility(s, "site", "private"), role(s, ["repo:octo-org/site:pull_request"]))))).toEqual([]);
    expect(summary(findingsOfStack(OIDC_014, (s) => (visibility(s, "site", "public"), role(s, ["repo:octo-org/site:ref:refs/heads/main"]))))).toEqual([]);
  });

  test("rejects pull_request trust of a public repository, in either subject format and through a pattern", () => {
    const findings = findingsOfStack(OIDC_014, (s) => {
      visibility(s, "site", "public");
      role(s, ["repo:octo-org/site:ref:refs/heads/main", "repo:octo-org@10/site@20:pull_request"], ["repo:octo-org/site:pull_*"]);
    });
    expect(summary(findings).map(([, m]) => m)).toEqual([
      expect.stringContaining('trusts "repo:octo-org@10/site@20:pull_request" of a public repository'),
      expect.stringContaining('trusts "repo:octo-org/site:pull_*" of a public repository'),
    ]);
  });
});
