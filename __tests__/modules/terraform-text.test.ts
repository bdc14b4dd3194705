/**
 * Every module writes its props through the boundary (modules/terraform-text.ts): handed the
 * attack strings in every string prop, past the config validation, none of them emits a sequence
 * Terraform would evaluate (TF-001 finds nothing), while the module's own references stay.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { buildAppView } from "../../guardrails/app-view";
import { evaluateRules, formatFinding } from "../../guardrails/engine";
import { TF_001 } from "../../guardrails/rules/terraform/tf-001-no-foreign-expressions";
import { ActionsVariables } from "../../modules/actions-variables";
import { planPolicy } from "../../modules/ci-policies";
import { CodeBuildRunner } from "../../modules/codebuild-runner";
import { CodeConnection } from "../../modules/code-connection";
import { DeployEnvironment } from "../../modules/deploy-environment";
import { DeployRole } from "../../modules/deploy-role";
import { EcrRepository } from "../../modules/ecr-repository";
import { GithubOidcProvider } from "../../modules/github-oidc-provider";
import { RepositoryAccess } from "../../modules/repository-access";
import { WorkflowFile } from "../../modules/workflow-file";
import { GENERATED_MARKER } from "../../domain/github";
import { ATTACKS } from "../helpers/injection";
import { testApp } from "../helpers/synth";
import { ecrDefaults, runnerDefaults } from "../helpers/config-defaults";

const ALL = Object.values(ATTACKS).join(" ");

const MODULES: readonly [string, (scope: Construct) => void][] = [
  ["GithubOidcProvider", (s) => new GithubOidcProvider(s, "Oidc", { tags: { [ATTACKS.directive]: ALL } })],
  [
    "DeployRole",
    (s) =>
      new DeployRole(s, "Role", {
        roleName: ATTACKS.readEnvironment,
        description: ALL,
        oidcProviderArn: ATTACKS.templatefile,
        subjects: { exact: Object.values(ATTACKS), wildcard: [ATTACKS.anyBranch] },
        ecrPushRepositoryArns: [ATTACKS.deferredRead],
        tags: { [ATTACKS.spliceDescription]: ALL },
        inlinePolicies: {
          extra: planPolicy({
            accountId: ATTACKS.readEnvironment,
            region: "ap-northeast-1",
            oidcProviderArn: ALL,
            stateBucket: ALL,
            stateKeyPrefix: ALL,
            codebuildProjects: [ALL],
            iamPath: `/${ATTACKS.directive}/`,
            permissionsBoundaryArn: ALL,
            ciRoleNames: [ATTACKS.readEnvironment],
          }),
        },
      }),
  ],
  [
    "EcrRepository",
    (s) => new EcrRepository(s, "Ecr", { ...ecrDefaults(), name: ALL, encryption: { type: "KMS", kmsKeyArn: ATTACKS.readEnvironment }, tags: { [ALL]: ALL } }),
  ],
  ["CodeConnection", (s) => new CodeConnection(s, "Connection", { name: ALL, tags: { t: ATTACKS.directive } })],
  [
    "CodeBuildRunner (a connection this app creates: jsonencode policy, precondition)",
    (s) => {
      const connection = new CodeConnection(s, "RunnerConnection", { name: "c" });
      new CodeBuildRunner(s, "Runner", {
        ...runnerDefaults(),
        projectName: ATTACKS.readEnvironment,
        accountId: ATTACKS.templatefile,
        region: ATTACKS.anyBranch,
        scope: { kind: "repository", owner: ATTACKS.spliceDescription, repository: ALL },
        auth: { kind: "connection", connectionArn: connection.arn },
        connectionStatus: connection.status,
        createWebhook: true,
        image: ATTACKS.deferredRead,
        workflowNames: [ALL, ATTACKS.directive],
        actorAccountIds: [1],
        tags: { [ALL]: ALL },
      });
    },
  ],
  [
    "CodeBuildRunner (organisation webhook, personal token)",
    (s) =>
      new CodeBuildRunner(s, "OrgRunner", {
        ...runnerDefaults(),
        projectName: "p",
        accountId: "000123456789",
        region: "ap-northeast-1",
        scope: { kind: "organization", owner: ALL },
        auth: { kind: "personal-token", secretArn: ATTACKS.readEnvironment, owner: ALL },
        workflowNames: [ALL],
        repositories: [ALL, ATTACKS.spliceDescription],
        createWebhook: true,
      }),
  ],
  [
    "RepositoryAccess",
    (s) =>
      new RepositoryAccess(s, "Access", {
        repository: ALL,
        collaborators: [{ username: ATTACKS.readEnvironment, permission: "push" }],
        teams: [{ slug: ATTACKS.directive, permission: "pull" }],
        ignoreTeams: [],
      }),
  ],
  ["ActionsVariables", (s) => new ActionsVariables(s, "Variables", { repository: ALL, variables: { NOTE: ALL, [ATTACKS.directive]: ALL } })],
  [
    "DeployEnvironment",
    (s) =>
      new DeployEnvironment(s, "Environment", {
        repository: ALL,
        environment: ATTACKS.readEnvironment,
        branches: [ATTACKS.anyBranch],
        tags: [ATTACKS.anyBranch],
        reviewers: { users: [1], teams: [] },
        variables: { V: ALL },
      }),
  ],
  [
    "WorkflowFile",
    (s) =>
      new WorkflowFile(s, "Workflow", {
        repository: ALL,
        branch: ATTACKS.anyBranch,
        file: "x.yml",
        content: `${GENERATED_MARKER}\nname: ${ALL}\n`,
        commitMessage: ALL,
      }),
  ],
];

describe.each(MODULES)("%s", (_name, build) => {
  test("writes attack strings in every prop as literals (no TF-001 finding)", () => {
    const stack = new TerraformStack(testApp(), "test");
    build(stack);
    const view = buildAppView([stack]);
    expect(evaluateRules(view, [TF_001]).map(formatFinding)).toEqual([]);
    // The attack text is there, escaped: the module wrote it, it did not drop it.
    expect(JSON.stringify(view.resources.map((r) => r.config))).toContain("{file(");
  });
});
