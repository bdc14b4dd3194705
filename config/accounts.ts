/**
 * Cross-checks of the AWS accounts (aws.accounts[] or the single aws.accountId form): every name an
 * entry gives is an account of the config, each account and region is one stack, an account has one
 * GitHub OIDC provider, and what a job reads (role ARN, region) is of the account its role lives in.
 * Runs after the schema, on typed data, like config/cross-references.ts, which calls it.
 */
import { awsAccounts, entryAccount, findAccount, repositoryAccount, type AwsAccount } from "./derive";
import { formatPath, type ConfigIssue } from "./cross-references";
import type { PlatformConfig, RepositoryConfig } from "./schema";

type Path = (string | number)[];

function describeAccount(account: AwsAccount): string {
  return `${formatPath(account.at)} (${account.name}: ${account.accountId}, ${account.region})`;
}

/** `arn:<partition>:<service>:<region>:<account>:...` -> the account id (12 digits), if any. */
function arnAccount(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

export function accountIssues(config: PlatformConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const accounts = awsAccounts(config);
  const names = accounts.map((a) => a.name);
  const known = `defined: ${names.join(", ")}${config.aws.accounts === undefined ? ` (the single account of aws.accountId is named "${names[0]}"; name several under aws.accounts)` : ""}`;

  if (config.aws.accounts !== undefined) {
    // Top-level sections of the single-account form have a place in each entry now.
    if (config.oidcProvider.existingArn !== undefined) {
      issues.push({ path: ["oidcProvider"], message: "with aws.accounts, each account has its own provider: move oidcProvider into its entry of aws.accounts (aws.accounts[<i>].oidcProvider)" });
    }
    if (config.codeConnection !== undefined) {
      issues.push({ path: ["codeConnection"], message: "with aws.accounts, each account has its own connection: move codeConnection into the entry of the account its runners live in (aws.accounts[<i>].codeConnection)" });
    }
    if (config.self !== undefined && accounts.length > 1) {
      issues.push({
        path: ["self"],
        message: `the template's plan and deploy workflows assume one role, in one account, and this config has ${accounts.length} accounts: their roles could not plan or apply the others; list one account (run the workflows per config), or deploy this config from a workstation with credentials for each account (npx cdktf deploy '*') and remove self`,
      });
    }
  }

  const seenName = new Map<string, AwsAccount>();
  const seenStack = new Map<string, AwsAccount>();
  accounts.forEach((account) => {
    const firstNamed = seenName.get(account.name);
    if (firstNamed) {
      issues.push({ path: [...account.at, "name"], message: `duplicate account name "${account.name}": already ${describeAccount(firstNamed)}; give each account its own name` });
    } else {
      seenName.set(account.name, account);
    }
    const stack = `${account.accountId}/${account.region}`;
    const firstStack = seenStack.get(stack);
    if (firstStack) {
      issues.push({
        path: [...account.at, "region"],
        message: `account ${account.accountId} in ${account.region} is already ${describeAccount(firstStack)}: one account and region is one stack (aws-${account.accountId}-${account.region}) with one state; list it once and point the entries of both names at it`,
      });
    } else {
      seenStack.set(stack, account);
    }

    const existing = account.oidcProvider.existingArn;
    const existingAccount = existing && arnAccount(existing);
    if (existingAccount !== undefined && existingAccount !== account.accountId) {
      issues.push({
        path: [...account.oidcProviderAt, "existingArn"],
        message: `names the OIDC provider of account ${existingAccount}, but this entry is account ${account.accountId}: a role trusts a provider of its own account only (STS looks the token's issuer up in the role's account), so every job assuming a role here would fail with "No OpenIDConnect provider found in your account"; use arn:aws:iam::${account.accountId}:oidc-provider/token.actions.githubusercontent.com, or remove existingArn to create it`,
      });
    }
  });

  // IAM is global: two regions of one account share its OIDC provider and its IAM names.
  accounts.forEach((account, i) => {
    const earlier = accounts.slice(0, i).find((a) => a.accountId === account.accountId && a.region !== account.region);
    if (!earlier) return;
    const bothCreate = earlier.oidcProvider.existingArn === undefined && account.oidcProvider.existingArn === undefined;
    if (bothCreate) {
      issues.push({
        path: [...account.oidcProviderAt],
        message: `account ${account.accountId} is also ${describeAccount(earlier)}, whose stack creates the account's GitHub OIDC provider (an account holds one: the second create fails with EntityAlreadyExists); set oidcProvider.existingArn: arn:aws:iam::${account.accountId}:oidc-provider/token.actions.githubusercontent.com here`,
      });
    }
    if (earlier.iam.permissionsBoundaryName === account.iam.permissionsBoundaryName && earlier.iam.path === account.iam.path) {
      issues.push({
        path: [...account.at, "iam", "permissionsBoundaryName"],
        message: `account ${account.accountId} is also ${describeAccount(earlier)}: IAM names are account-wide, so both stacks would create the permissions boundary ${account.iam.path}${account.iam.permissionsBoundaryName}; give this entry its own iam.permissionsBoundaryName (e.g. ${account.iam.permissionsBoundaryName}-${account.region})`,
      });
    }
  });

  const unknown = (name: string, path: Path) => issues.push({ path, message: `unknown AWS account "${name}" (${known})` });
  config.repositories.forEach((repo, i) => {
    const at = (...rest: Path) => ["repositories", i, ...rest];
    if (repo.account !== undefined && !findAccount(config, repo.account)) unknown(repo.account, at("account"));
    repo.ecrRepositories.forEach((e, j) => {
      if (e.account !== undefined && !findAccount(config, e.account)) unknown(e.account, at("ecrRepositories", j, "account"));
    });
    repo.deployRoles.forEach((d, j) => {
      if (d.account !== undefined && !findAccount(config, d.account)) unknown(d.account, at("deployRoles", j, "account"));
    });
    if (repo.runner?.account !== undefined && !findAccount(config, repo.runner.account)) unknown(repo.runner.account, at("runner", "account"));
  });
  // The rest needs every name to resolve.
  if (issues.some((i) => i.message.startsWith("unknown AWS account"))) return issues;

  config.repositories.forEach((repo, i) => issues.push(...repositoryIssues(config, repo, i)));
  return issues;
}

function repositoryIssues(config: PlatformConfig, repo: RepositoryConfig, i: number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (...rest: Path) => ["repositories", i, ...rest];
  const ecrAccount = new Map<string, AwsAccount>();
  for (const r of config.repositories) for (const e of r.ecrRepositories) ecrAccount.set(e.name, entryAccount(config, r, e));

  repo.deployRoles.forEach((role, j) => {
    const account = entryAccount(config, repo, role);
    role.ecrPush.forEach((name, k) => {
      const where = ecrAccount.get(name);
      if (where !== undefined && where.name !== account.name) {
        issues.push({
          path: at("deployRoles", j, "ecrPush", k),
          message: `ECR repository "${name}" lives in account ${where.name} (${where.accountId}, ${where.region}), role "${role.name}" in ${account.name} (${account.accountId}, ${account.region}): a role pushes to repositories of its own account and region only (IAM-003); give the role account: ${where.name}, or push through a role of that account`,
        });
      }
    });
  });

  repo.environments.forEach((env, j) => {
    if (env.deployRole === undefined) return;
    const role = repo.deployRoles.find((d) => d.name === env.deployRole);
    if (!role) {
      issues.push({
        path: at("environments", j, "deployRole"),
        message: `unknown deploy role "${env.deployRole}": an environment's AWS_ROLE_ARN names one of its own repository's roles (defined: ${repo.deployRoles.map((d) => d.name).join(", ") || "none defined"})`,
      });
    } else if (!role.allow.environments.some((e) => e.toLowerCase() === env.name.toLowerCase())) {
      issues.push({
        path: at("environments", j, "deployRole"),
        message: `role "${role.name}" does not trust environment:${env.name}, the subject of every job in this environment: such a job reading AWS_ROLE_ARN would be denied ("Not authorized to perform sts:AssumeRoleWithWebIdentity"); add ${env.name} to that role's allow.environments`,
      });
    }
  });

  // The region a generated job reads (vars.AWS_REGION) must be its role's: the job logs in to
  // ECR and pushes in that region, to the registry of the account it assumed a role in.
  const repoAccount = repositoryAccount(config, repo);
  repo.workflows.forEach((wf, j) => {
    const role = repo.deployRoles.find((d) => d.name === wf.deployRole);
    if (!role) return; // reported by the cross-references
    const roleAccount = entryAccount(config, repo, role);
    const env = wf.environment === undefined ? undefined : repo.environments.find((e) => e.name.toLowerCase() === wf.environment!.toLowerCase());
    const envRole = env?.deployRole === undefined ? undefined : repo.deployRoles.find((d) => d.name === env.deployRole);
    if (env?.deployRole !== undefined && !envRole) return; // reported above
    const read = envRole ? { account: entryAccount(config, repo, envRole), from: `environment ${env!.name}'s AWS_REGION (of its deployRole ${envRole.name})` } : { account: repoAccount, from: `the repository's AWS_REGION (account ${repoAccount.name})` };
    if (read.account.region !== roleAccount.region) {
      issues.push({
        path: at("workflows", j, "deployRole"),
        message: `role "${role.name}" lives in account ${roleAccount.name} (${roleAccount.region}), but the job reads ${read.from}, ${read.account.region}: it would log in to ECR and push in the wrong region; give the workflow an environment whose deployRole is in ${roleAccount.name}, or set repositories[${i}].account: ${roleAccount.name}`,
      });
    }
  });
  return issues;
}
