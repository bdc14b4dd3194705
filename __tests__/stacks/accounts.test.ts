/**
 * Layer 3 (stacks): several AWS accounts (issue 12 §2). One AWS stack per account and region, each
 * with its own provider pin, backend and key; every resource in the account its entry names; the
 * GitHub stack's variables naming each role in its own account, per environment where the
 * environment says which role its jobs use.
 */
import { parseConfig } from "../../config/load";
import { evaluatePolicy } from "../../iam/evaluate";
import { runGuardrails } from "../../guardrails/report";
import { managedNow } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { examplePlatform } from "../guardrails/helpers";
import { removeTestOutdir, resourcesOf, synthStack, testApp } from "../helpers/synth";
import { withSelf } from "../helpers/self";
import { twoAccounts } from "../helpers/two-accounts";

afterAll(removeTestOutdir);

const DEV = "111111111111";
const PROD = "222222222222";

function twoAccountPlatform(edit?: (d: any) => void) {
  const app = testApp();
  const platform = buildGuardedPlatform(app, parseConfig(twoAccounts(edit)));
  return { app, platform };
}

describe("two accounts", () => {
  const { platform } = twoAccountPlatform();
  const [dev, prod] = platform.awsStacks.map(synthStack);
  const github = synthStack(platform.github);
  const names = (json: ReturnType<typeof synthStack>, type: string, key = "name") => resourcesOf(json, type).map((r) => r[key]).sort();

  test("one AWS stack per account and region, named aws-<account>-<region>; the first is platform.aws", () => {
    expect(platform.awsStacks.map((s) => s.node.id)).toEqual([`aws-${DEV}-eu-west-1`, `aws-${PROD}-us-east-1`]);
    expect(platform.aws).toBe(platform.awsStacks[0]);
    expect(platform.awsStacks.map((s) => s.account.name)).toEqual(["dev", "prod"]);
  });

  test("each stack's provider is pinned to its account and region", () => {
    expect(dev.provider?.aws[0]).toMatchObject({ region: "eu-west-1", allowed_account_ids: [DEV] });
    expect(prod.provider?.aws[0]).toMatchObject({ region: "us-east-1", allowed_account_ids: [PROD] });
  });

  test("each stack has its own state: its account's bucket, a key with the owner; the GitHub stack's lives with the first account's", () => {
    expect(dev.terraform?.backend.s3).toEqual({
      bucket: "example-org-terraform-state",
      key: `github-actions-platform/example-org/aws-${DEV}-eu-west-1.tfstate`,
      region: "eu-west-1",
      encrypt: true,
      use_lockfile: true,
    });
    expect(prod.terraform?.backend.s3).toMatchObject({ bucket: "example-org-terraform-state-prod", key: `github-actions-platform/example-org/aws-${PROD}-us-east-1.tfstate`, region: "us-east-1" });
    expect(github.terraform?.backend.s3).toMatchObject({ bucket: "example-org-terraform-state", key: "github-actions-platform/example-org/github-example-org.tfstate", region: "eu-west-1" });
  });

  test("ECR repositories, deploy roles and the runner are created in the account they live in, and nowhere else", () => {
    expect(names(dev, "aws_ecr_repository")).toEqual(["service"]);
    expect(names(prod, "aws_ecr_repository")).toEqual(["reports", "service-prod"]);
    expect(names(dev, "aws_iam_role")).toEqual(["service-dev-push"]);
    expect(names(prod, "aws_iam_role")).toEqual(["codebuild-service-runner", "reports-push", "service-prod-push"]);
    expect(names(dev, "aws_codebuild_project")).toEqual([]);
    expect(names(prod, "aws_codebuild_project")).toEqual(["service-runner"]);
    expect(names(prod, "aws_codeconnections_connection")).toEqual(["example-org-github"]);
    expect(names(dev, "aws_codeconnections_connection")).toEqual([]);
  });

  test("each account has one OIDC provider: created in dev, prod's existing one referenced by prod's roles", () => {
    expect(resourcesOf(dev, "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(resourcesOf(prod, "aws_iam_openid_connect_provider")).toHaveLength(0);
    const prodRole = resourcesOf(prod, "aws_iam_role").find((r) => r.name === "service-prod-push")!;
    expect(JSON.parse(prodRole.assume_role_policy).Statement[0].Principal.Federated).toBe(`arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`);
  });

  test("push permissions name the role's own account and region; each stack's boundary is its account's", () => {
    const policy = resourcesOf(prod, "aws_iam_role_policy").find((p) => String(p.role).includes("service-prod-push"))!;
    expect(policy.policy).toContain(`arn:aws:ecr:us-east-1:${PROD}:repository/service-prod`);
    expect(policy.policy).not.toContain(DEV);
    for (const [json, account] of [[dev, DEV], [prod, PROD]] as const) {
      for (const role of resourcesOf(json, "aws_iam_role")) expect(role.permissions_boundary).toBe(`arn:aws:iam::${account}:policy/github-actions-platform/github-actions-platform-boundary`);
    }
  });

  test("repository variables: AWS_REGION and ECR_REGISTRY of the repository's account, each role ARN in its own account", () => {
    const vars = Object.fromEntries(resourcesOf(github, "github_actions_variable").map((v) => [`${v.repository}/${v.variable_name}`, v.value]));
    expect(vars).toMatchObject({
      "service/AWS_REGION": "eu-west-1",
      "service/ECR_REGISTRY": `${DEV}.dkr.ecr.eu-west-1.amazonaws.com`,
      "service/AWS_ROLE_ARN_SERVICE_DEV_PUSH": `arn:aws:iam::${DEV}:role/github-actions-platform/service-dev-push`,
      "service/AWS_ROLE_ARN_SERVICE_PROD_PUSH": `arn:aws:iam::${PROD}:role/github-actions-platform/service-prod-push`,
      "reports/AWS_REGION": "us-east-1",
      "reports/AWS_ROLE_ARN_REPORTS_PUSH": `arn:aws:iam::${PROD}:role/github-actions-platform/reports-push`,
    });
  });

  test("environment variables: the same names in each environment, with the values of its role's account", () => {
    const byEnv = (name: string) =>
      Object.fromEntries(
        resourcesOf(github, "github_actions_environment_variable")
          .filter((v) => String(v.environment).includes(`Environment-service${name}_Environment_`))
          .map((v) => [v.variable_name, v.value]),
      );
    expect(byEnv("dev")).toEqual({
      AWS_ROLE_ARN: `arn:aws:iam::${DEV}:role/github-actions-platform/service-dev-push`,
      AWS_REGION: "eu-west-1",
      ECR_REGISTRY: `${DEV}.dkr.ecr.eu-west-1.amazonaws.com`,
    });
    expect(byEnv("production")).toEqual({
      AWS_ROLE_ARN: `arn:aws:iam::${PROD}:role/github-actions-platform/service-prod-push`,
      AWS_REGION: "us-east-1",
      ECR_REGISTRY: `${PROD}.dkr.ecr.us-east-1.amazonaws.com`,
    });
    for (const v of resourcesOf(github, "github_actions_environment_variable")) expect(v.repository).toBe("service");
  });

  test("the managed inventory lists each AWS stack's ECR repositories under its own stack", () => {
    const now = managedNow(platform);
    expect(Object.keys(now).sort()).toEqual([`aws-${DEV}-eu-west-1`, `aws-${PROD}-us-east-1`, "github-example-org"]);
    expect(Object.keys(now[`aws-${PROD}-us-east-1`].ecrRepositories ?? {}).sort()).toEqual(["reports", "service-prod"]);
  });

  test("the guardrails pass across both accounts, and app.synth() writes all three stacks", () => {
    const { app, platform: p } = twoAccountPlatform();
    expect(runGuardrails([...p.awsStacks, p.github])).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test("ownerInKey: false on an entry keeps the key without the owner", () => {
    const { platform: p } = twoAccountPlatform((d) => (d.aws.accounts[1].stateBackend.ownerInKey = false));
    expect(synthStack(p.awsStacks[1]).terraform?.backend.s3.key).toBe(`github-actions-platform/aws-${PROD}-us-east-1.tfstate`);
    expect(synthStack(p.awsStacks[0]).terraform?.backend.s3.key).toBe(`github-actions-platform/example-org/aws-${DEV}-eu-west-1.tfstate`);
  });
});

describe("the single-account form", () => {
  test("is one AWS stack, platform.aws, with the key it always had", () => {
    const { platform } = examplePlatform((d) => (d.aws.stateBackend = { bucket: "my-state" }));
    expect(platform.awsStacks).toEqual([platform.aws]);
    expect(synthStack(platform.aws).terraform?.backend.s3.key).toBe("github-actions-platform/aws-000123456789-ap-northeast-1.tfstate");
    expect(synthStack(platform.github).terraform?.backend.s3.key).toBe("github-actions-platform/github-test-user.tfstate");
  });

  test("an environment with a deployRole gets AWS_ROLE_ARN too (one account: the same values as the repository's)", () => {
    const { platform } = examplePlatform((d) => {
      d.repositories[0].deployRoles[0].allow.environments = ["production"];
      d.repositories[0].environments = [{ name: "production", deployRole: "techblue-dev-ecr-push" }];
    });
    const vars = resourcesOf(synthStack(platform.github), "github_actions_environment_variable").map((v) => [v.variable_name, v.value]);
    expect(vars.sort()).toEqual([
      ["AWS_REGION", "ap-northeast-1"],
      ["AWS_ROLE_ARN", "arn:aws:iam::000123456789:role/github-actions-platform/techblue-dev-ecr-push"],
      ["ECR_REGISTRY", "000123456789.dkr.ecr.ap-northeast-1.amazonaws.com"],
    ]);
  });
});

describe("ownerInKey and the template's own CI roles", () => {
  test("the plan and deploy roles reach the states under <keyPrefix>/<owner>/ only, not another organisation's in the bucket", () => {
    const { platform } = examplePlatform((d) => {
      withSelf(d);
      d.aws.stateBackend.ownerInKey = true;
    });
    const aws = synthStack(platform.aws);
    expect(aws.terraform?.backend.s3.key).toBe("github-actions-platform/test-user/aws-000123456789-ap-northeast-1.tfstate");
    const policies = resourcesOf(aws, "aws_iam_role_policy").filter((p) => /platform-(plan|deploy)/.test(String(p.name)));
    expect(policies).toHaveLength(2);
    const bucket = "arn:aws:s3:::my-org-terraform-state";
    for (const p of policies) {
      const reads = (key: string) => evaluatePolicy(JSON.parse(p.policy), { action: "s3:GetObject", resource: `${bucket}/${key}`, context: {} }).decision;
      expect(reads("github-actions-platform/test-user/github-test-user.tfstate")).toBe("allow");
      expect(reads("github-actions-platform/other-org/aws-000123456789-ap-northeast-1.tfstate")).not.toBe("allow");
    }
  });
});
