/**
 * Layer 1 (config): the pure naming functions both stacks rely on to name each other's resources
 * without remote state. A wrong character here breaks a trust policy or a runs-on label silently,
 * so the expected strings are written out in full.
 */
import {
  codebuildProjectArn,
  ecrRegistry,
  ecrRepositoryArn,
  ecrRepositoryUrl,
  logGroupArn,
  oidcProviderArn,
  parseRoleArn,
  partitionOf,
  policyArn,
  roleArn,
  rolesUnderPathArn,
} from "../../domain/arn";
import {
  ecrRepositoryVariable,
  repositoryUrl,
  roleArnVariable,
  upperSnake,
  VARIABLE_AWS_REGION,
  VARIABLE_ECR_REGISTRY,
  workflowPath,
} from "../../domain/github";
import { OIDC_URL, STS_AUDIENCE, subjectContext } from "../../domain/oidc";
import {
  awsStackName,
  codebuildLogGroupName,
  githubStackName,
  roleSubjects,
  runnerLabel,
  subjectIdentity,
  subjectPrefixes,
  type SubjectIdentity,
} from "../../config/derive";
import { parseConfig } from "../../config/load";

const ACCOUNT = "000123456789";

describe("partitions", () => {
  it.each([
    ["ap-northeast-1", "aws"],
    ["us-east-1", "aws"],
    ["eu-central-2", "aws"],
    ["cn-north-1", "aws-cn"],
    ["cn-northwest-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-gov-east-1", "aws-us-gov"],
  ])("region %s is in partition %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it.each([
    ["ap-northeast-1", "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com"],
    ["cn-north-1", "arn:aws-cn:iam::000123456789:oidc-provider/token.actions.githubusercontent.com"],
    ["us-gov-west-1", "arn:aws-us-gov:iam::000123456789:oidc-provider/token.actions.githubusercontent.com"],
  ])("the OIDC provider ARN in %s is %s", (region, arn) => {
    expect(oidcProviderArn(ACCOUNT, region)).toBe(arn);
  });

  it.each([
    ["ap-northeast-1", "/", "arn:aws:iam::000123456789:role/deploy"],
    ["cn-north-1", "/github-actions-platform/", "arn:aws-cn:iam::000123456789:role/github-actions-platform/deploy"],
    ["us-gov-west-1", "/a/b/", "arn:aws-us-gov:iam::000123456789:role/a/b/deploy"],
  ])("a role ARN in %s under path %s is %s (IAM is global: no region in the ARN)", (region, path, arn) => {
    expect(roleArn(ACCOUNT, region, "deploy", path)).toBe(arn);
  });

  it.each(["/", "/github-actions-platform/", "/a/b/"])("parseRoleArn reads back what roleArn builds under %s", (path) => {
    expect(parseRoleArn(roleArn(ACCOUNT, "eu-west-1", "web-deploy", path))).toEqual({
      partition: "aws",
      accountId: ACCOUNT,
      path,
      name: "web-deploy",
    });
  });

  it.each(["arn:aws:iam::000123456789:user/deploy", "arn:aws:iam::123:role/deploy", "arn:aws:iam::000123456789:role/", "arn:aws:iam::000123456789:role//x"])(
    "parseRoleArn refuses %s",
    (arn) => {
      expect(parseRoleArn(arn)).toBeUndefined();
    },
  );

  test("the roles under a path and the boundary live under the same path", () => {
    expect(rolesUnderPathArn(ACCOUNT, "ap-northeast-1", "/github-actions-platform/")).toBe("arn:aws:iam::000123456789:role/github-actions-platform/*");
    expect(policyArn(ACCOUNT, "cn-north-1", "/github-actions-platform/", "boundary")).toBe(
      "arn:aws-cn:iam::000123456789:policy/github-actions-platform/boundary",
    );
  });

  it.each([
    ["ap-northeast-1", "arn:aws:ecr:ap-northeast-1:000123456789:repository/team/app"],
    ["cn-north-1", "arn:aws-cn:ecr:cn-north-1:000123456789:repository/team/app"],
    ["us-gov-west-1", "arn:aws-us-gov:ecr:us-gov-west-1:000123456789:repository/team/app"],
  ])("an ECR repository ARN in %s is %s", (region, arn) => {
    expect(ecrRepositoryArn(ACCOUNT, region, "team/app")).toBe(arn);
  });

  it.each([
    ["ap-northeast-1", "arn:aws:codebuild:ap-northeast-1:000123456789:project/runner"],
    ["cn-north-1", "arn:aws-cn:codebuild:cn-north-1:000123456789:project/runner"],
    ["us-gov-west-1", "arn:aws-us-gov:codebuild:us-gov-west-1:000123456789:project/runner"],
  ])("a CodeBuild project ARN in %s is %s", (region, arn) => {
    expect(codebuildProjectArn(ACCOUNT, region, "runner")).toBe(arn);
  });

  it.each([
    ["ap-northeast-1", "arn:aws:logs:ap-northeast-1:000123456789:log-group:/aws/codebuild/runner"],
    ["cn-north-1", "arn:aws-cn:logs:cn-north-1:000123456789:log-group:/aws/codebuild/runner"],
    ["us-gov-west-1", "arn:aws-us-gov:logs:us-gov-west-1:000123456789:log-group:/aws/codebuild/runner"],
  ])("the runner's log group ARN in %s is %s", (region, arn) => {
    expect(logGroupArn(ACCOUNT, region, codebuildLogGroupName("runner"))).toBe(arn);
  });
});

describe("ECR registry and URLs", () => {
  it.each([
    ["ap-northeast-1", "000123456789.dkr.ecr.ap-northeast-1.amazonaws.com"],
    ["us-gov-west-1", "000123456789.dkr.ecr.us-gov-west-1.amazonaws.com"],
    ["cn-north-1", "000123456789.dkr.ecr.cn-north-1.amazonaws.com.cn"],
  ])("the registry in %s is %s", (region, registry) => {
    expect(ecrRegistry(ACCOUNT, region)).toBe(registry);
  });

  it("a repository URL is the registry followed by the repository name", () => {
    expect(ecrRepositoryUrl(ACCOUNT, "ap-northeast-1", "team/app")).toBe(
      "000123456789.dkr.ecr.ap-northeast-1.amazonaws.com/team/app",
    );
    expect(ecrRepositoryUrl(ACCOUNT, "cn-north-1", "app")).toBe("000123456789.dkr.ecr.cn-north-1.amazonaws.com.cn/app");
  });
});

describe("GitHub and CodeBuild names", () => {
  it("the runner label is exactly the form CodeBuild matches, one build per job attempt", () => {
    // The literal ${{ ... }} must survive: GitHub evaluates it, not the template.
    expect(runnerLabel("techblue-dev-runner")).toBe(
      "codebuild-techblue-dev-runner-${{ github.run_id }}-${{ github.run_attempt }}",
    );
  });

  it("the runner's log group follows CodeBuild's default name", () => {
    expect(codebuildLogGroupName("techblue-dev-runner")).toBe("/aws/codebuild/techblue-dev-runner");
  });

  it("the CodeBuild source location is the repository's HTTPS clone URL", () => {
    expect(repositoryUrl("Test-User", "techblue-dev")).toBe("https://github.com/Test-User/techblue-dev.git");
  });

  it("workflow files live under .github/workflows", () => {
    expect(workflowPath("ecr-push.yml")).toBe(".github/workflows/ecr-push.yml");
  });

  it("the OIDC constants are GitHub's issuer and the STS audience", () => {
    expect(OIDC_URL).toBe("https://token.actions.githubusercontent.com");
    expect(STS_AUDIENCE).toBe("sts.amazonaws.com");
  });

  it("stack names carry the account and region, and the owner in lowercase", () => {
    expect(awsStackName(ACCOUNT, "ap-northeast-1")).toBe("aws-000123456789-ap-northeast-1");
    expect(githubStackName("Test-User")).toBe("github-test-user");
  });
});

describe("OIDC subjects", () => {
  const legacy: SubjectIdentity = { owner: "octo-org", repository: "app", format: "legacy" };
  const withIds = { ownerId: 1234, repositoryId: 5678 };

  it("legacy subjects start with repo:owner/repo", () => {
    expect(subjectPrefixes(legacy)).toEqual(["repo:octo-org/app"]);
  });

  it("legacy subjects ignore ids even when they are known", () => {
    expect(subjectPrefixes({ ...legacy, ...withIds })).toEqual(["repo:octo-org/app"]);
  });

  it("immutable subjects carry the numeric owner and repository ids", () => {
    expect(subjectPrefixes({ ...legacy, ...withIds, format: "immutable" })).toEqual(["repo:octo-org@1234/app@5678"]);
  });

  it("during a migration both forms are trusted, legacy first", () => {
    expect(subjectPrefixes({ ...legacy, ...withIds, format: "both" })).toEqual([
      "repo:octo-org/app",
      "repo:octo-org@1234/app@5678",
    ]);
  });

  it.each(["immutable", "both"] as const)("format %s without ids is a programming error, not a silent legacy subject", (format) => {
    expect(() => subjectPrefixes({ ...legacy, ownerId: 1234, format })).toThrow(/need the owner id and the repository id/);
    expect(() => subjectPrefixes({ ...legacy, repositoryId: 5678, format })).toThrow(/need the owner id and the repository id/);
  });

  it("suffixes follow GitHub's claim format", () => {
    expect(subjectContext.branch("main")).toBe("ref:refs/heads/main");
    expect(subjectContext.tag("v1.0.0")).toBe("ref:refs/tags/v1.0.0");
    expect(subjectContext.environment("prod")).toBe("environment:prod");
    expect(subjectContext.pullRequest()).toBe("pull_request");
  });

  it("exact subjects are every prefix with every allowed branch, tag, environment and pull_request", () => {
    // GIVEN a role on a migrating repository that allows one of each kind
    const identity: SubjectIdentity = { ...legacy, ...withIds, format: "both" };
    const allow = { branches: ["main"], tags: ["v1"], environments: ["prod"], pullRequest: true };

    // WHEN its subjects are derived
    const subjects = roleSubjects(identity, allow, []);

    // THEN both forms appear for each suffix, and nothing is a pattern
    expect(subjects.exact).toEqual([
      "repo:octo-org/app:ref:refs/heads/main",
      "repo:octo-org/app:ref:refs/tags/v1",
      "repo:octo-org/app:environment:prod",
      "repo:octo-org/app:pull_request",
      "repo:octo-org@1234/app@5678:ref:refs/heads/main",
      "repo:octo-org@1234/app@5678:ref:refs/tags/v1",
      "repo:octo-org@1234/app@5678:environment:prod",
      "repo:octo-org@1234/app@5678:pull_request",
    ]);
    expect(subjects.wildcard).toEqual([]);
  });

  it("wildcard patterns go to their own list, with the exact repository in front", () => {
    // GIVEN a role with one exact branch and one opted-in pattern
    const allow = { branches: ["main"], tags: [], environments: [], pullRequest: false };

    // WHEN its subjects are derived
    const subjects = roleSubjects(legacy, allow, ["ref:refs/heads/release/*"]);

    // THEN the pattern is only in the StringLike list, and the exact branch only in StringEquals
    expect(subjects.exact).toEqual(["repo:octo-org/app:ref:refs/heads/main"]);
    expect(subjects.wildcard).toEqual(["repo:octo-org/app:ref:refs/heads/release/*"]);
  });

  it("pull_request is trusted only when asked for", () => {
    const allow = { branches: [], tags: [], environments: [], pullRequest: false };
    expect(roleSubjects(legacy, allow, [])).toEqual({ exact: [], wildcard: [] });
  });

  it("subjectIdentity takes the owner from the config and the rest from the repository", () => {
    // GIVEN a loaded config with an immutable-format repository
    const config = parseConfig(
      [
        "github: { owner: octo-org, ownerId: 1234 }",
        'aws: { accountId: "000123456789", region: us-east-1 }',
        "repositories:",
        "  - { name: app, id: 5678, subjectFormat: immutable }",
      ].join("\n"),
    );

    // WHEN / THEN
    expect(subjectIdentity(config, config.repositories[0])).toEqual({
      owner: "octo-org",
      ownerId: 1234,
      repository: "app",
      repositoryId: 5678,
      format: "immutable",
    });
  });
});

describe("Actions variable names", () => {
  it.each([
    ["techblue-dev", "TECHBLUE_DEV"],
    ["team/app", "TEAM_APP"],
    ["my.app_v2", "MY_APP_V2"],
    ["deployRole", "DEPLOY_ROLE"],
    ["ECRPush", "ECRPUSH"],
    ["a--b__c", "A_B_C"],
    ["-edge-", "EDGE"],
    ["v2Api", "V2_API"],
  ])("upperSnake(%s) is %s", (name, expected) => {
    expect(upperSnake(name)).toBe(expected);
  });

  it("role ARN variables are AWS_ROLE_ARN_ followed by the role name in upper snake case", () => {
    expect(roleArnVariable("techblue-dev-ecr-push")).toBe("AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH");
  });

  it("ECR repository variables are ECR_REPOSITORY_ followed by the repository name in upper snake case", () => {
    expect(ecrRepositoryVariable("team/app")).toBe("ECR_REPOSITORY_TEAM_APP");
  });

  it("names that differ only in separators map to the same variable (the config checks reject that)", () => {
    expect(roleArnVariable("deploy.app")).toBe(roleArnVariable("deploy-app"));
  });

  it("the fixed variables are AWS_REGION and ECR_REGISTRY", () => {
    expect(VARIABLE_AWS_REGION).toBe("AWS_REGION");
    expect(VARIABLE_ECR_REGISTRY).toBe("ECR_REGISTRY");
  });
});
