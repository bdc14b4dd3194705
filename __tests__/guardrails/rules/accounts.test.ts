/**
 * Layer 4/5 (guardrails, cross-checks) across AWS accounts (issue 12 §2): OIDC-009 evaluates the
 * role in the account the job will assume, reading the role ARN as GitHub resolves the job's
 * variables (its environment's over the repository's); OIDC-002 counts providers per account.
 */
import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { parseConfig } from "../../../config/load";
import { OIDC_009 } from "../../../guardrails/rules/cross/oidc-009-workflow-trust";
import { OIDC_002 } from "../../../guardrails/rules/oidc/oidc-002-one-provider";
import { ST_005 } from "../../../guardrails/rules/state/st-005-one-state-per-stack";
import { GithubOidcProvider } from "../../../modules/github-oidc-provider";
import { type Platform } from "../../../stacks/platform";
import { buildGuardedPlatform } from "../../helpers/platform";
import { escapeForTerraform, unescapeFromTerraform } from "../../../workflows/render";
import { findings } from "../helpers";
import { removeTestOutdir, testApp } from "../../helpers/synth";
import { twoAccounts } from "../../helpers/two-accounts";

afterAll(removeTestOutdir);

const DEV_ROLE = "arn:aws:iam::111111111111:role/github-actions-platform/service-dev-push";

function platformOf(edit?: (d: any) => void): Platform {
  return buildGuardedPlatform(testApp(), parseConfig(twoAccounts(edit)));
}

const stacksOf = (p: Platform) => [...p.awsStacks, p.github];

/** Rewrites the prod workflow (push-prod.yml of service): its job environment and the role variable it reads. */
function editProdWorkflow(p: Platform, edit: (yaml: string) => string): void {
  const file = p.github.workflowFiles.find((w) => w.content.includes("Release to production"))!;
  file.resource.addOverride("content", escapeForTerraform(edit(unescapeFromTerraform(file.content))));
}

const readsEnvironmentRole = (yaml: string) => yaml.replace("${{ vars.AWS_ROLE_ARN_SERVICE_PROD_PUSH }}", "${{ vars.AWS_ROLE_ARN }}");

function messages(p: Platform, rule = OIDC_009): string[] {
  return findings(stacksOf(p), [rule]).map((f) => f.message);
}

describe("OIDC-009 across accounts", () => {
  test("compliant: every generated job of the two-account config assumes a role its account's trust policy allows", () => {
    expect(messages(platformOf())).toEqual([]);
  });

  test("compliant: one workflow file reading vars.AWS_ROLE_ARN assumes prod's role in production and dev's role in dev", () => {
    const inProduction = platformOf();
    editProdWorkflow(inProduction, readsEnvironmentRole);
    expect(messages(inProduction)).toEqual([]);

    const inDev = platformOf();
    editProdWorkflow(inDev, (y) => readsEnvironmentRole(y).replace("environment: production", "environment: dev"));
    expect(messages(inDev)).toEqual([]);
  });

  test("must fail: the same job in dev reading prod's role: prod's trust policy is evaluated, and it does not trust environment:dev", () => {
    const p = platformOf();
    editProdWorkflow(p, (y) => y.replace("environment: production", "environment: dev"));
    expect(messages(p)).toEqual([
      expect.stringMatching(/will present sub "repo:Example-Org\/service:environment:dev" .*which role service-prod-push does not trust \(it trusts: repo:Example-Org\/service:environment:production\)/),
    ]);
  });

  test("must fail: an environment's role ARN naming the wrong account is a role that does not exist there", () => {
    const p = platformOf();
    editProdWorkflow(p, readsEnvironmentRole);
    const variable = p.github.environments["service/production"].variables.AWS_ROLE_ARN as ActionsEnvironmentVariable;
    // The dev role's name, in prod's account: no such role.
    variable.addOverride("value", DEV_ROLE.replace("111111111111", "222222222222"));
    expect(messages(p)).toEqual([
      expect.stringContaining(
        'assumes arn:aws:iam::222222222222:role/github-actions-platform/service-dev-push, in account 222222222222, but this app creates service-dev-push in account 111111111111 (stack aws-111111111111-eu-west-1): the ARN names no role',
      ),
    ]);
  });

  test("must fail: an environment variable overriding a role ARN with another role is what the job assumes", () => {
    const p = platformOf();
    // Environment variables win over repository variables: the production job now assumes the dev role.
    new ActionsEnvironmentVariable(p.github.environments["service/production"], "Override", {
      repository: "service",
      environment: p.github.environments["service/production"].environment.environment,
      variableName: "AWS_ROLE_ARN_SERVICE_PROD_PUSH",
      value: DEV_ROLE,
    });
    expect(messages(p)).toEqual([expect.stringContaining('which role service-dev-push does not trust (it trusts: repo:Example-Org/service:ref:refs/heads/main, repo:Example-Org/service:environment:dev)')]);
  });

  test("must fail: a job outside any environment reading vars.AWS_ROLE_ARN, which only environments define", () => {
    const p = platformOf();
    editProdWorkflow(p, (y) => readsEnvironmentRole(y).replace(/\n\s+environment: production/, ""));
    expect(messages(p)).toEqual([expect.stringContaining(`role-to-assume "\${{ vars.AWS_ROLE_ARN }}" does not resolve to a role ARN through this app's Actions variables of service`)]);
  });
});

describe("OIDC-002 per account", () => {
  const secondRegion = (d: any) =>
    d.aws.accounts.push({
      name: "dev-us",
      accountId: "111111111111",
      region: "us-west-2",
      oidcProvider: { existingArn: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
      iam: { permissionsBoundaryName: "github-actions-platform-boundary-us-west-2" },
    });

  test("compliant: one provider in dev, none created in prod or in dev's second region", () => {
    expect(messages(platformOf(secondRegion), OIDC_002)).toEqual([]);
  });

  test("compliant: a provider added by hand in prod is prod's only one", () => {
    const p = platformOf();
    new GithubOidcProvider(p.awsStacks[1], "HandMadeProvider");
    expect(messages(p, OIDC_002)).toEqual([]);
  });

  test("must fail: a second provider in the same account, from the stack of its other region", () => {
    const p = platformOf(secondRegion);
    new GithubOidcProvider(p.awsStacks[2], "HandMadeProvider");
    expect(messages(p, OIDC_002)).toEqual(["a GitHub OIDC provider for 111111111111 is already created at aws-111111111111-eu-west-1/GithubOidcProvider/Resource"]);
  });
});

describe("ST-005 one state per stack", () => {
  test("compliant: the two-account config's three stacks keep three states", () => {
    expect(messages(platformOf(), ST_005)).toEqual([]);
  });

  test("compliant: local state files, one per stack (the single form without a backend)", () => {
    expect(messages(platformOf((d) => d.aws.accounts.forEach((a: any) => delete a.stateBackend)), ST_005)).toEqual([]);
  });

  test("must fail: prod's stack pointed at dev's state (a bucket and key written by hand)", () => {
    const p = platformOf();
    p.awsStacks[1].addOverride("terraform.backend.s3.bucket", "example-org-terraform-state");
    p.awsStacks[1].addOverride("terraform.backend.s3.key", "github-actions-platform/example-org/aws-111111111111-eu-west-1.tfstate");
    expect(messages(p, ST_005)).toEqual([
      'stack "aws-222222222222-us-east-1" keeps its state in s3://example-org-terraform-state/github-actions-platform/example-org/aws-111111111111-eu-west-1.tfstate, where stack "aws-111111111111-eu-west-1" keeps its own',
    ]);
  });
});
