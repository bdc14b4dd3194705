/**
 * Names, ARNs, OIDC subjects, runner labels and variable names derived from config by pure
 * functions. Both stacks (and the guardrails) call these, so the GitHub side can name an AWS
 * resource without a remote-state reference and each stack can be planned on its own.
 */
import type { PlatformConfig, RepositoryConfig, RunnerConfig, SelfConfig, SubjectFormat, WorkflowConfig } from "./schema";

export const OIDC_HOST = "token.actions.githubusercontent.com";
export const OIDC_URL = `https://${OIDC_HOST}`;
export const STS_AUDIENCE = "sts.amazonaws.com";

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function oidcProviderArn(accountId: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:oidc-provider/${OIDC_HOST}`;
}

/**
 * The IAM path every role (and the permissions boundary) of this template lives under. A path,
 * not a name prefix: role names stay what the config says (and what workflows and people already
 * know), while IAM lets a policy scope to `role/<path>*` and nothing else. The default keeps the
 * template's roles apart from every role created outside it.
 */
export const DEFAULT_IAM_PATH = "/github-actions-platform/";
export const DEFAULT_PERMISSIONS_BOUNDARY_NAME = "github-actions-platform-boundary";

/** The one place a role ARN is built: `arn:<partition>:iam::<account>:role<path><name>`. */
export function roleArn(accountId: string, region: string, roleName: string, iamPath: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role${iamPath}${roleName}`;
}

/** Every role under the path (what the deploy role may manage): `arn:...:role<path>*`. */
export function rolesUnderPathArn(accountId: string, region: string, iamPath: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role${iamPath}*`;
}

export interface ParsedRoleArn {
  readonly partition: string;
  readonly accountId: string;
  /** `/` when the role has no path, else `/a/b/`. */
  readonly path: string;
  readonly name: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/(?:[^/]+\/)*)([\w+=,.@-]+)$/;

/** The inverse of roleArn (and of any IAM role ARN, with or without a path). */
export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1], accountId: m[2], path: m[3], name: m[4] } : undefined;
}

/** ARN of the managed policy that is the permissions boundary of every role the template creates. */
export function permissionsBoundaryArn(accountId: string, region: string, iamPath: string, policyName: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:policy${iamPath}${policyName}`;
}

/** The service role of a CodeBuild runner project. */
export function runnerServiceRoleName(projectName: string): string {
  return `codebuild-${projectName}`;
}

export function ecrRepositoryArn(accountId: string, region: string, name: string): string {
  return `arn:${partitionOf(region)}:ecr:${region}:${accountId}:repository/${name}`;
}

export function ecrRegistry(accountId: string, region: string): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${accountId}.dkr.ecr.${region}.${suffix}`;
}

export function ecrRepositoryUrl(accountId: string, region: string, name: string): string {
  return `${ecrRegistry(accountId, region)}/${name}`;
}

export function codebuildProjectArn(accountId: string, region: string, projectName: string): string {
  return `arn:${partitionOf(region)}:codebuild:${region}:${accountId}:project/${projectName}`;
}

export function codebuildLogGroupName(projectName: string): string {
  return `/aws/codebuild/${projectName}`;
}

export function logGroupArn(accountId: string, region: string, logGroupName: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${logGroupName}`;
}

/**
 * The `name:` of a generated workflow: what the Actions tab shows, and what the runner webhook's
 * WORKFLOW_NAME filter admits.
 */
export function workflowDisplayName(wf: Pick<WorkflowConfig, "name" | "ecrRepository">): string {
  return wf.name ?? `Build and push ${wf.ecrRepository}`;
}

/** The runs-on label that makes CodeBuild pick up a queued job (one build per job attempt). */
export function runnerLabel(projectName: string): string {
  return `codebuild-${projectName}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
}

export function repositoryUrl(owner: string, repository: string): string {
  return `https://github.com/${owner}/${repository}.git`;
}

export function workflowPath(file: string): string {
  return `.github/workflows/${file}`;
}

// ---------------------------------------------------------------------------------------------
// OIDC subjects
// ---------------------------------------------------------------------------------------------

export interface SubjectIdentity {
  readonly owner: string;
  readonly ownerId?: number;
  readonly repository: string;
  readonly repositoryId?: number;
  readonly format: SubjectFormat;
}

/**
 * The `repo:...` part GitHub puts in front of every subject of this repository: the legacy form,
 * the immutable form with numeric ids, or both during a migration.
 */
export function subjectPrefixes(id: SubjectIdentity): string[] {
  const legacy = `repo:${id.owner}/${id.repository}`;
  if (id.format === "legacy") return [legacy];
  if (id.ownerId === undefined || id.repositoryId === undefined) {
    // The config validator rejects this; reaching it means a caller skipped validation.
    throw new Error(`immutable subjects of ${id.owner}/${id.repository} need github.ownerId and the repository id`);
  }
  const immutable = `repo:${id.owner}@${id.ownerId}/${id.repository}@${id.repositoryId}`;
  return id.format === "immutable" ? [immutable] : [legacy, immutable];
}

export const subjectSuffix = {
  branch: (name: string) => `ref:refs/heads/${name}`,
  tag: (name: string) => `ref:refs/tags/${name}`,
  environment: (name: string) => `environment:${name}`,
  pullRequest: () => "pull_request",
};

export function subjectIdentity(config: Pick<PlatformConfig, "github">, repo: RepositoryConfig): SubjectIdentity {
  return {
    owner: config.github.owner,
    ownerId: config.github.ownerId,
    repository: repo.name,
    repositoryId: repo.id,
    format: repo.subjectFormat,
  };
}

/** The repository holding this template, as its plan and deploy jobs' tokens name it. */
export function selfSubjectIdentity(config: Pick<PlatformConfig, "github">, self: SelfConfig): SubjectIdentity {
  return {
    owner: config.github.owner,
    ownerId: config.github.ownerId,
    repository: self.repository,
    repositoryId: self.id,
    format: self.subjectFormat,
  };
}

export interface RoleSubjects {
  /** Matched with StringEquals. */
  readonly exact: string[];
  /** Matched with StringLike; only from wildcardSubjects, each with a reason. */
  readonly wildcard: string[];
}

export function roleSubjects(
  identity: SubjectIdentity,
  allow: { branches: string[]; tags: string[]; environments: string[]; pullRequest: boolean },
  wildcardPatterns: string[],
): RoleSubjects {
  const suffixes = [
    ...allow.branches.map(subjectSuffix.branch),
    ...allow.tags.map(subjectSuffix.tag),
    ...allow.environments.map(subjectSuffix.environment),
    ...(allow.pullRequest ? [subjectSuffix.pullRequest()] : []),
  ];
  const prefixes = subjectPrefixes(identity);
  return {
    exact: prefixes.flatMap((p) => suffixes.map((s) => `${p}:${s}`)),
    wildcard: prefixes.flatMap((p) => wildcardPatterns.map((s) => `${p}:${s}`)),
  };
}

// ---------------------------------------------------------------------------------------------
// Actions variables the generated workflows read
// ---------------------------------------------------------------------------------------------

export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
}

export const VARIABLE_AWS_REGION = "AWS_REGION";
export const VARIABLE_ECR_REGISTRY = "ECR_REGISTRY";
/**
 * Set on an environment with a deployRole (with AWS_REGION and ECR_REGISTRY of that role's
 * account): the same name in every environment, so one workflow file reads each environment's role.
 */
export const VARIABLE_ENVIRONMENT_ROLE_ARN = "AWS_ROLE_ARN";

/**
 * Variables the template's own plan and deploy workflows read (.github/workflows/plan.yml and
 * deploy.yml). Plan values are repository variables; deploy values live on the deploy
 * environment, so only the job that passed its protection rules sees them.
 */
export const SELF_VARIABLES = {
  planRoleArn: "PLATFORM_PLAN_ROLE_ARN",
  planAppId: "PLATFORM_PLAN_APP_ID",
  deployRoleArn: "PLATFORM_DEPLOY_ROLE_ARN",
  deployAppId: "PLATFORM_DEPLOY_APP_ID",
  // deploy.yml's job environment reads this, so it is self.environment by construction.
  deployEnvironment: "PLATFORM_DEPLOY_ENVIRONMENT",
} as const;

/** The template's own workflow files (.github/workflows/ of self.repository); nothing else may write them. */
export const SELF_WORKFLOW_FILES = ["ci.yml", "plan.yml", "deploy.yml"] as const;

/** GitHub mints an installation token for at most this many named repositories. */
export const MAX_APP_TOKEN_REPOSITORIES = 500;

/**
 * The repositories the stacks touch, sorted, each once (names compare ignoring case): the scope of
 * the App tokens the plan and deploy workflows mint, which reach no other repository.
 */
export function managedRepositories(config: Pick<PlatformConfig, "repositories" | "self">): string[] {
  const names = new Map<string, string>();
  for (const name of [...config.repositories.map((r) => r.name), ...(config.self ? [config.self.repository] : [])]) {
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()].sort();
}

/** Secrets the same workflows read; set by a person once (README: bootstrap), never by Terraform. */
export const SELF_SECRETS = {
  planAppPrivateKey: "PLATFORM_PLAN_APP_PRIVATE_KEY",
  deployAppPrivateKey: "PLATFORM_DEPLOY_APP_PRIVATE_KEY",
} as const;

export function roleArnVariable(roleName: string): string {
  return `AWS_ROLE_ARN_${upperSnake(roleName)}`;
}

export function ecrRepositoryVariable(name: string): string {
  return `ECR_REPOSITORY_${upperSnake(name)}`;
}

// ---------------------------------------------------------------------------------------------
// AWS accounts
// ---------------------------------------------------------------------------------------------

/** The name of the one account of the single-account form (aws.accountId and aws.region). */
export const SINGLE_ACCOUNT_NAME = "default";

type StateBackendConfig = NonNullable<PlatformConfig["aws"]["stateBackend"]>;
type CodeConnectionConfig = NonNullable<PlatformConfig["codeConnection"]>;

/** One AWS account and region of the config: one AWS stack, with its own state. */
export interface AwsAccount {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** Its stack's remote state; `ownerInKey` resolved (false for aws.accountId, true for aws.accounts[]). */
  readonly stateBackend?: StateBackendConfig & { readonly ownerInKey: boolean };
  readonly oidcProvider: { readonly existingArn?: string };
  readonly codeConnection?: CodeConnectionConfig;
  readonly iam: { readonly path: string; readonly permissionsBoundaryName: string };
  /** Config paths, for messages: the entry, its oidcProvider and codeConnection sections. */
  readonly at: readonly (string | number)[];
  readonly oidcProviderAt: readonly (string | number)[];
  readonly codeConnectionAt: readonly (string | number)[];
}

type AccountsSource = Pick<PlatformConfig, "aws" | "oidcProvider" | "codeConnection">;
const accountsCache = new WeakMap<object, readonly AwsAccount[]>();

/**
 * Every account of the config, in config order, whichever form it is written in. The single form
 * (aws.accountId, aws.region, top-level oidcProvider and codeConnection) is one account named
 * "default" whose state key is the one it always had.
 */
export function awsAccounts(config: AccountsSource): readonly AwsAccount[] {
  const cached = accountsCache.get(config.aws);
  if (cached) return cached;
  const { aws } = config;
  let accounts: AwsAccount[];
  if (aws.accounts !== undefined) {
    accounts = aws.accounts.map((a, i) => ({
      name: a.name,
      accountId: a.accountId,
      region: a.region,
      stateBackend: a.stateBackend && { ...a.stateBackend, ownerInKey: a.stateBackend.ownerInKey ?? true },
      oidcProvider: a.oidcProvider,
      codeConnection: a.codeConnection,
      iam: { path: a.iam?.path ?? aws.iam.path, permissionsBoundaryName: a.iam?.permissionsBoundaryName ?? aws.iam.permissionsBoundaryName },
      at: ["aws", "accounts", i],
      oidcProviderAt: ["aws", "accounts", i, "oidcProvider"],
      codeConnectionAt: ["aws", "accounts", i, "codeConnection"],
    }));
  } else {
    accounts = [
      {
        name: SINGLE_ACCOUNT_NAME,
        // The schema requires both when aws.accounts is absent.
        accountId: aws.accountId as string,
        region: aws.region as string,
        stateBackend: aws.stateBackend && { ...aws.stateBackend, ownerInKey: aws.stateBackend.ownerInKey ?? false },
        oidcProvider: config.oidcProvider,
        codeConnection: config.codeConnection,
        iam: aws.iam,
        at: ["aws"],
        oidcProviderAt: ["oidcProvider"],
        codeConnectionAt: ["codeConnection"],
      },
    ];
  }
  accountsCache.set(config.aws, accounts);
  return accounts;
}

/**
 * The first account: the default of every entry that names none, and the one holding the GitHub
 * stack's state and the template's own CI roles (self).
 */
export function primaryAccount(config: AccountsSource): AwsAccount {
  return awsAccounts(config)[0];
}

/** The account of that name; `undefined` names the primary one. Undefined for an unknown name. */
export function findAccount(config: AccountsSource, name: string | undefined): AwsAccount | undefined {
  return name === undefined ? primaryAccount(config) : awsAccounts(config).find((a) => a.name === name);
}

function accountNamed(config: AccountsSource, name: string | undefined): AwsAccount {
  const account = findAccount(config, name);
  // config/cross-references.ts reports unknown names; reaching this means validation was skipped.
  if (!account) throw new Error(`unknown AWS account "${name}" (defined: ${awsAccounts(config).map((a) => a.name).join(", ")})`);
  return account;
}

/** Where a repository's entries live unless they name an account, and whose region AWS_REGION is. */
export function repositoryAccount(config: AccountsSource, repo: Pick<RepositoryConfig, "account">): AwsAccount {
  return accountNamed(config, repo.account);
}

/** The account an ECR repository, deploy role or runner of `repo` lives in. */
export function entryAccount(config: AccountsSource, repo: Pick<RepositoryConfig, "account">, entry: { readonly account?: string }): AwsAccount {
  return accountNamed(config, entry.account ?? repo.account);
}

/** A role's ARN in the account it lives in. */
export function accountRoleArn(account: AwsAccount, roleName: string): string {
  return roleArn(account.accountId, account.region, roleName, account.iam.path);
}

/**
 * The one place a state key is built. Without the owner: `<keyPrefix>/<stack>.tfstate` (the key of
 * the single-account form, unchanged); with it: `<keyPrefix>/<owner>/<stack>.tfstate`, so configs of
 * two organisations sharing a bucket and prefix never read each other's state.
 */
export function stateKey(backend: { readonly keyPrefix: string; readonly ownerInKey: boolean }, owner: string, stackName: string): string {
  return `${stateKeyFolder(backend, owner)}/${stackName}.tfstate`;
}

/**
 * The key folder every state of this config lives in (`<keyPrefix>` or `<keyPrefix>/<owner>`): the
 * scope of the plan and deploy roles' state access, so another organisation's states in the same
 * bucket stay out of their reach.
 */
export function stateKeyFolder(backend: { readonly keyPrefix: string; readonly ownerInKey: boolean }, owner: string): string {
  return backend.ownerInKey ? `${backend.keyPrefix}/${owner.toLowerCase()}` : backend.keyPrefix;
}

// ---------------------------------------------------------------------------------------------
// Stacks
// ---------------------------------------------------------------------------------------------

export function awsStackName(accountId: string, region: string): string {
  return `aws-${accountId}-${region}`;
}

export function githubStackName(owner: string): string {
  return `github-${owner.toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------
// Runners
// ---------------------------------------------------------------------------------------------

/**
 * Can the runner take jobs? Its webhook (and the workflows that target it) are created only then:
 * a job queued for a runner with no webhook waits forever.
 */
export function isRunnerReady(config: AccountsSource, repo: Pick<RepositoryConfig, "account">, runner: RunnerConfig): boolean {
  return runner.legacyPersonalToken !== undefined || entryAccount(config, repo, runner).codeConnection?.status === "available";
}
