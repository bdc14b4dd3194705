/**
 * Layer 1 (config): several AWS accounts and regions in one config (issue 12 §2). The single-account
 * form keeps its meaning; aws.accounts[] names accounts that entries refer to; every mistake is
 * reported with its path, line and the accounts defined.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { awsAccounts, entryAccount, primaryAccount, repositoryAccount, stateKey } from "../../config/derive";
import { parseConfig } from "../../config/load";
import { configError, describeBadInputs, edited } from "../helpers/config-errors";
import { EXAMPLE_TEXT } from "../helpers/example";
import { twoAccounts, TWO_ACCOUNTS_TEXT } from "../helpers/two-accounts";
import { withSelf } from "../helpers/self";

const PROD_PROVIDER = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com";

describe("the single-account form", () => {
  test("is one account named default, with the top-level oidcProvider and codeConnection, and the key it always had", () => {
    const config = parseConfig(EXAMPLE_TEXT);
    const [only, ...rest] = awsAccounts(config);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ name: "default", accountId: "000123456789", region: "ap-northeast-1", oidcProvider: {}, at: ["aws"] });
    expect(only.codeConnection).toEqual({ name: "techblue-github", status: "available" });
    const withBackend = parseConfig(edited((d) => (d.aws.stateBackend = { bucket: "my-state" })));
    const backend = primaryAccount(withBackend).stateBackend!;
    expect(backend.ownerInKey).toBe(false);
    expect(stateKey(backend, "Test-User", "aws-000123456789-ap-northeast-1")).toBe("github-actions-platform/aws-000123456789-ap-northeast-1.tfstate");
  });

  test("ownerInKey: true is an explicit opt-in that puts the owner (lower case) in the key", () => {
    const config = parseConfig(edited((d) => (d.aws.stateBackend = { bucket: "my-state", ownerInKey: true })));
    expect(stateKey(primaryAccount(config).stateBackend!, "Test-User", "github-test-user")).toBe("github-actions-platform/test-user/github-test-user.tfstate");
  });

  test("every entry lives in the one account", () => {
    const config = parseConfig(EXAMPLE_TEXT);
    const repo = config.repositories[0];
    expect(repositoryAccount(config, repo).name).toBe("default");
    expect(entryAccount(config, repo, repo.deployRoles[0]).accountId).toBe("000123456789");
  });
});

describe("aws.accounts", () => {
  const config = parseConfig(TWO_ACCOUNTS_TEXT);
  const [service, reports] = config.repositories;

  test("lists each account with its own state, provider and connection; owner in the key by default", () => {
    const [dev, prod] = awsAccounts(config);
    expect([dev.name, dev.accountId, dev.region, prod.name, prod.accountId, prod.region]).toEqual(["dev", "111111111111", "eu-west-1", "prod", "222222222222", "us-east-1"]);
    expect(dev.stateBackend).toEqual({ bucket: "example-org-terraform-state", keyPrefix: "github-actions-platform", ownerInKey: true });
    expect(prod.oidcProvider.existingArn).toBe(PROD_PROVIDER);
    expect(dev.codeConnection).toBeUndefined();
    expect(prod.codeConnection?.name).toBe("example-org-github");
    expect(dev.iam).toEqual({ path: "/github-actions-platform/", permissionsBoundaryName: "github-actions-platform-boundary" });
    expect(primaryAccount(config)).toBe(dev);
  });

  test("entries live in the account they name, else their repository's, else the first", () => {
    expect(service.ecrRepositories.map((e) => entryAccount(config, service, e).name)).toEqual(["dev", "prod"]);
    expect(service.deployRoles.map((d) => entryAccount(config, service, d).name)).toEqual(["dev", "prod"]);
    expect(entryAccount(config, service, service.runner!).name).toBe("prod");
    expect(repositoryAccount(config, reports).name).toBe("prod");
    expect(entryAccount(config, reports, reports.deployRoles[0]).name).toBe("prod");
  });

  test("ownerInKey: false keeps the single form's key (moving a config to aws.accounts without moving its state)", () => {
    const kept = parseConfig(twoAccounts((d) => (d.aws.accounts[0].stateBackend.ownerInKey = false)));
    expect(stateKey(primaryAccount(kept).stateBackend!, "Example-Org", "github-example-org")).toBe("github-actions-platform/github-example-org.tfstate");
  });

  test("an account listed in two regions: the second references the provider and has its own boundary name", () => {
    const text = twoAccounts((d) => {
      d.aws.accounts.push({
        name: "dev-us",
        accountId: "111111111111",
        region: "us-west-2",
        oidcProvider: { existingArn: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
        iam: { permissionsBoundaryName: "github-actions-platform-boundary-us-west-2" },
      });
    });
    expect(awsAccounts(parseConfig(text)).map((a) => a.name)).toEqual(["dev", "prod", "dev-us"]);
  });
});

describe("bad account config", () => {
  const both = twoAccounts((d) => (d.aws.accountId = "111111111111"));
  describeBadInputs([
    [
      "a deploy role naming an unknown account",
      { text: twoAccounts((d) => (d.repositories[0].deployRoles[1].account = "staging")), path: "repositories[0].deployRoles[1].account", reason: 'unknown AWS account "staging" (defined: dev, prod)', at: "account: staging" },
    ],
    [
      "an ECR repository naming an unknown account",
      { text: twoAccounts((d) => (d.repositories[0].ecrRepositories[1].account = "qa")), path: "repositories[0].ecrRepositories[1].account", reason: 'unknown AWS account "qa" (defined: dev, prod)', at: "account: qa" },
    ],
    [
      "a runner naming an unknown account",
      { text: twoAccounts((d) => (d.repositories[0].runner.account = "qa")), path: "repositories[0].runner.account", reason: 'unknown AWS account "qa"', at: "account: qa" },
    ],
    [
      "a repository naming an unknown account",
      { text: twoAccounts((d) => (d.repositories[1].account = "production")), path: "repositories[1].account", reason: 'unknown AWS account "production" (defined: dev, prod)', at: "account: production" },
    ],
    [
      "the single form: any account name but default",
      { text: edited((d) => (d.repositories[0].deployRoles[0].account = "prod")), path: "repositories[0].deployRoles[0].account", reason: 'unknown AWS account "prod" (defined: default (the single account of aws.accountId is named "default"; name several under aws.accounts))', at: "account: prod" },
    ],
    [
      "two entries for the same account and region",
      {
        text: twoAccounts((d) => d.aws.accounts.push({ name: "dev2", accountId: "111111111111", region: "eu-west-1" })),
        path: "aws.accounts[2].region",
        reason: "account 111111111111 in eu-west-1 is already aws.accounts[0] (dev: 111111111111, eu-west-1): one account and region is one stack (aws-111111111111-eu-west-1)",
        at: ["region: eu-west-1", 1],
      },
    ],
    [
      "two entries with the same name",
      {
        text: twoAccounts((d) => d.aws.accounts.push({ name: "dev", accountId: "333333333333", region: "eu-west-1", oidcProvider: {} })),
        path: "aws.accounts[2].name",
        reason: 'duplicate account name "dev": already aws.accounts[0] (dev: 111111111111, eu-west-1)',
        at: ["- name: dev", 1],
      },
    ],
    [
      "an existing OIDC provider of another account (the cause named)",
      {
        text: twoAccounts((d) => (d.aws.accounts[1].oidcProvider.existingArn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com")),
        path: "aws.accounts[1].oidcProvider.existingArn",
        reason: "names the OIDC provider of account 111111111111, but this entry is account 222222222222: a role trusts a provider of its own account only",
        at: "existingArn: arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
      },
    ],
    [
      "the single form: an existing OIDC provider of another account",
      {
        text: edited((d) => (d.oidcProvider = { existingArn: "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com" })),
        path: "oidcProvider.existingArn",
        reason: "names the OIDC provider of account 999999999999, but this entry is account 000123456789",
        at: "existingArn: arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com",
      },
    ],
    [
      "an account in a second region that would create a second OIDC provider",
      {
        text: twoAccounts((d) =>
          d.aws.accounts.push({ name: "dev-us", accountId: "111111111111", region: "us-west-2", iam: { permissionsBoundaryName: "boundary-us-west-2" } }),
        ),
        path: "aws.accounts[2].oidcProvider",
        reason: "account 111111111111 is also aws.accounts[0] (dev: 111111111111, eu-west-1), whose stack creates the account's GitHub OIDC provider",
        at: "- name: dev-us",
      },
    ],
    [
      "an account in a second region with the same boundary name",
      {
        text: twoAccounts((d) =>
          d.aws.accounts.push({ name: "dev-us", accountId: "111111111111", region: "us-west-2", oidcProvider: { existingArn: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" } }),
        ),
        path: "aws.accounts[2].iam.permissionsBoundaryName",
        reason: "IAM names are account-wide, so both stacks would create the permissions boundary /github-actions-platform/github-actions-platform-boundary",
        at: "- name: dev-us",
      },
    ],
    ["accountId next to accounts", { text: both, path: "aws.accountId", reason: "write either aws.accounts or aws.accountId/region/stateBackend, not both", at: ['accountId: "111111111111"', 1] }],
    [
      "neither accountId nor accounts",
      { text: edited((d) => delete d.aws.accountId), path: "aws.accountId", reason: "required (a string), or list several accounts under aws.accounts", at: "aws:" },
    ],
    [
      "a top-level oidcProvider with accounts",
      {
        text: twoAccounts((d) => (d.oidcProvider = { existingArn: PROD_PROVIDER })),
        path: "oidcProvider",
        reason: "with aws.accounts, each account has its own provider: move oidcProvider into its entry of aws.accounts",
        at: ["oidcProvider:", 1],
      },
    ],
    [
      "a top-level codeConnection with accounts",
      {
        text: twoAccounts((d) => (d.codeConnection = { name: "other" })),
        path: "codeConnection",
        reason: "move codeConnection into the entry of the account its runners live in",
        at: ["codeConnection:", 1],
      },
    ],
    [
      "a runner in an account without a connection",
      {
        text: twoAccounts((d) => (d.repositories[0].runner.account = "dev")),
        path: "aws.accounts[0].codeConnection",
        reason: "required by repositories[0].runner: runners authenticate to GitHub through a CodeConnections GitHub App connection (add codeConnection: { name: <new connection name> } or { existingArn: ... }), in the entry of account dev, where the runner lives",
        at: "- name: dev",
      },
    ],
    [
      "a role pushing to an ECR repository of another account",
      {
        text: twoAccounts((d) => d.repositories[0].deployRoles[0].ecrPush.push("service-prod")),
        path: "repositories[0].deployRoles[0].ecrPush[1]",
        reason: 'ECR repository "service-prod" lives in account prod (222222222222, us-east-1), role "service-dev-push" in dev (111111111111, eu-west-1): a role pushes to repositories of its own account and region only (IAM-003)',
        at: "- service-prod",
      },
    ],
    [
      "an environment's deployRole that is not a role of its repository",
      {
        text: twoAccounts((d) => (d.repositories[0].environments[1].deployRole = "reports-push")),
        path: "repositories[0].environments[1].deployRole",
        reason: 'unknown deploy role "reports-push": an environment\'s AWS_ROLE_ARN names one of its own repository\'s roles (defined: service-dev-push, service-prod-push)',
        at: "deployRole: reports-push",
      },
    ],
    [
      "an environment's deployRole that does not trust the environment",
      {
        text: twoAccounts((d) => (d.repositories[0].environments[0].deployRole = "service-prod-push")),
        path: "repositories[0].environments[0].deployRole",
        reason: 'role "service-prod-push" does not trust environment:dev, the subject of every job in this environment',
        at: ["deployRole: service-prod-push", 0],
      },
    ],
    [
      "a workflow whose role lives in another region than the AWS_REGION its job reads",
      {
        text: twoAccounts((d) => {
          // The prod job without its environment: it reads the repository's (dev) AWS_REGION.
          delete d.repositories[0].workflows[1].environment;
          delete d.repositories[0].environments[1].deployRole;
        }),
        path: "repositories[0].workflows[1].deployRole",
        reason: `role "service-prod-push" lives in account prod (us-east-1), but the job reads the repository's AWS_REGION (account dev), eu-west-1: it would log in to ECR and push in the wrong region`,
        at: ["deployRole: service-prod-push", 0],
      },
    ],
    [
      "self with two accounts",
      {
        text: twoAccounts((d) => {
          withSelf(d);
          delete d.aws.stateBackend; // each account has its own
        }),
        path: "self",
        reason: "the template's plan and deploy workflows assume one role, in one account, and this config has 2 accounts",
        at: "self:",
      },
    ],
  ]);

  test("an unquoted account id in an entry is explained like aws.accountId", () => {
    const text = TWO_ACCOUNTS_TEXT.replace('accountId: "222222222222"', "accountId: 022222222222");
    expect(configError(text).message).toContain('aws.accounts[1].accountId: must be a quoted string: YAML reads the unquoted 022222222222 as the number 22222222222 and drops its leading zeros; write it as "022222222222"');
  });
});

describe("the README's example of several accounts", () => {
  test("is a valid config (with a github section) that places each entry in the account it says", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Several AWS accounts"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const config = parseConfig(`github:\n  owner: my-org\n${yaml}`);
    const [service, reports] = config.repositories;
    expect(awsAccounts(config).map((a) => `${a.name}:${a.accountId}:${a.region}`)).toEqual(["dev:111111111111:eu-west-1", "prod:222222222222:us-east-1"]);
    expect(service.deployRoles.map((d) => entryAccount(config, service, d).name)).toEqual(["dev", "prod"]);
    expect(entryAccount(config, service, service.runner!).name).toBe("prod");
    expect(repositoryAccount(config, reports).name).toBe("prod");
  });
});
