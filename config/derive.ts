/**
 * Names, OIDC subjects and runner labels derived from config by pure functions. Both stacks (and
 * the guardrails) call these, so the GitHub side can name an AWS resource without a remote-state
 * reference and each stack can be planned on its own. The facts they are made of (ARN shapes,
 * subject forms, variable names) live in domain/.
 */
import { roleArn } from "../domain/arn";
import { workflowPath } from "../domain/github";
import { subject, subjectContext, subjectForms, subjectPrefix, type SubjectRepository } from "../domain/oidc";
import type { DeployRoleConfig, PinClaimsConfig, PlatformConfig, RepositoryConfig, RunnerConfig, SelfConfig, SubjectFormat, WorkflowConfig } from "./schema";

/**
 * The IAM path every role (and the permissions boundary) of this template lives under. A path,
 * not a name prefix: role names stay what the config says (and what workflows and people already
 * know), while IAM lets a policy scope to `role/<path>*` and nothing else. The default keeps the
 * template's roles apart from every role created outside it.
 */
export const DEFAULT_IAM_PATH = "/github-actions-platform/";
export const DEFAULT_PERMISSIONS_BOUNDARY_NAME = "github-actions-platform-boundary";

/** The service role of a CodeBuild runner project. */
export function runnerServiceRoleName(projectName: string): string {
  return `codebuild-${projectName}`;
}

export function codebuildLogGroupName(projectName: string): string {
  return `/aws/codebuild/${projectName}`;
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

/**
 * What a trust policy pins `job_workflow_ref` to for one workflow file of a repository: GitHub
 * sends `<owner>/<repo>/.github/workflows/<file>@<ref>` (the ref the run is on). The ref is left a
 * pattern (StringLike): the subject in the same statement already pins the ref or environment.
 */
export function jobWorkflowRefPattern(owner: string, repository: string, file: string): string {
  return `${owner}/${repository}/${workflowPath(file)}@*`;
}

// ---------------------------------------------------------------------------------------------
// OIDC subjects
// ---------------------------------------------------------------------------------------------

export interface SubjectIdentity extends SubjectRepository {
  readonly format: SubjectFormat;
}

/**
 * The `repo:...` part GitHub puts in front of every subject of this repository: the legacy form,
 * the immutable form with numeric ids, or both during a migration.
 */
export function subjectPrefixes(id: SubjectIdentity): string[] {
  return subjectForms(id.format).map((form) => subjectPrefix(id, form));
}

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
  const contexts = [
    ...allow.branches.map(subjectContext.branch),
    ...allow.tags.map(subjectContext.tag),
    ...allow.environments.map(subjectContext.environment),
    ...(allow.pullRequest ? [subjectContext.pullRequest()] : []),
  ];
  const prefixes = subjectPrefixes(identity);
  return {
    exact: prefixes.flatMap((p) => contexts.map((c) => subject(p, c))),
    wildcard: prefixes.flatMap((p) => wildcardPatterns.map((c) => subject(p, c))),
  };
}

// ---------------------------------------------------------------------------------------------
// Deploy roles: one repository's, or shared by several
// ---------------------------------------------------------------------------------------------

/** One repository a deploy role trusts, with its subjects. */
export interface RoleTrustEntry {
  readonly repository: RepositoryConfig;
  readonly allow: DeployRoleConfig["allow"];
  readonly wildcardSubjects: DeployRoleConfig["wildcardSubjects"];
}

/** A deploy role in one shape, whether a repository's (one trust entry) or shared (several). */
export interface ResolvedDeployRole {
  readonly name: string;
  readonly description?: string;
  /** Where it is declared, e.g. `repositories[0].deployRoles[1]` or `deployRoles[0]`. */
  readonly path: (string | number)[];
  readonly shared: boolean;
  /** The aws.accounts entry it lives in (undefined: the first account). */
  readonly account?: string;
  readonly trust: readonly RoleTrustEntry[];
  readonly pinClaims: PinClaimsConfig;
  readonly ecrPush: readonly string[];
  readonly ecrPull: boolean;
  readonly maxSessionDurationSeconds: number;
}

/** The repository a name refers to (GitHub compares repository names ignoring case). */
export function repositoryNamed(config: Pick<PlatformConfig, "repositories">, name: string): RepositoryConfig | undefined {
  let index = repositoryIndexCache.get(config.repositories);
  if (index === undefined) {
    // Indexed once per config: shared roles name thousands of repositories.
    const exact = new Map<string, RepositoryConfig>();
    const folded = new Map<string, RepositoryConfig>();
    for (const r of config.repositories) {
      if (!exact.has(r.name)) exact.set(r.name, r);
      if (!folded.has(r.name.toLowerCase())) folded.set(r.name.toLowerCase(), r);
    }
    index = { exact, folded };
    repositoryIndexCache.set(config.repositories, index);
  }
  return index.exact.get(name) ?? index.folded.get(name.toLowerCase());
}

const repositoryIndexCache = new WeakMap<object, { exact: Map<string, RepositoryConfig>; folded: Map<string, RepositoryConfig> }>();

/**
 * Every deploy role of the config: each repository's roles in config order, then the shared ones.
 * A trust entry naming no configured repository is left out (the config validator reports it).
 */
export function resolvedDeployRoles(config: Pick<PlatformConfig, "repositories" | "deployRoles">): ResolvedDeployRole[] {
  let roles = resolvedCache.get(config);
  if (roles === undefined) {
    roles = resolveDeployRoles(config);
    resolvedCache.set(config, roles);
  }
  return roles;
}

// The config is frozen once parsed: resolve it once, not once per repository (thousands of them).
const resolvedCache = new WeakMap<object, ResolvedDeployRole[]>();
const byRepositoryCache = new WeakMap<object, Map<RepositoryConfig, ResolvedDeployRole[]>>();

function resolveDeployRoles(config: Pick<PlatformConfig, "repositories" | "deployRoles">): ResolvedDeployRole[] {
  const own = config.repositories.flatMap((repo, i) =>
    repo.deployRoles.map((role, j): ResolvedDeployRole => ({
      name: role.name,
      description: role.description,
      path: ["repositories", i, "deployRoles", j],
      shared: false,
      account: role.account ?? repo.account,
      trust: [{ repository: repo, allow: role.allow, wildcardSubjects: role.wildcardSubjects }],
      pinClaims: role.pinClaims,
      ecrPush: role.ecrPush,
      ecrPull: role.ecrPull,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
    })),
  );
  const shared = config.deployRoles.map((role, j): ResolvedDeployRole => ({
    name: role.name,
    description: role.description,
    path: ["deployRoles", j],
    shared: true,
    account: role.account,
    trust: role.trust.flatMap((t) => {
      const repository = repositoryNamed(config, t.repository);
      return repository ? [{ repository, allow: t.allow, wildcardSubjects: t.wildcardSubjects }] : [];
    }),
    pinClaims: role.pinClaims,
    ecrPush: role.ecrPush,
    ecrPull: role.ecrPull,
    maxSessionDurationSeconds: role.maxSessionDurationSeconds,
  }));
  return [...own, ...shared];
}

/** The deploy roles a repository's workflows may assume: its own, and the shared ones trusting it. */
export function rolesOfRepository(config: Pick<PlatformConfig, "repositories" | "deployRoles">, repo: RepositoryConfig): ResolvedDeployRole[] {
  let map = byRepositoryCache.get(config);
  if (map === undefined) {
    map = new Map();
    for (const role of resolvedDeployRoles(config)) {
      for (const t of role.trust) {
        const list = map.get(t.repository) ?? [];
        if (!list.includes(role)) list.push(role);
        map.set(t.repository, list);
      }
    }
    byRepositoryCache.set(config, map);
  }
  return map.get(repo) ?? [];
}

// ---------------------------------------------------------------------------------------------
// The template's own repository
// ---------------------------------------------------------------------------------------------

/** The template's own workflow files (.github/workflows/ of self.repository); nothing else may write them. */
export const SELF_WORKFLOW_FILES = ["ci.yml", "plan.yml", "deploy.yml"] as const;

/** Which of them assume the plan role (plan.yml, and deploy.yml's plan job) and the deploy role (deploy.yml's apply job). */
export const SELF_ROLE_WORKFLOWS = { plan: ["plan.yml", "deploy.yml"], deploy: ["deploy.yml"] } as const;

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

// ---------------------------------------------------------------------------------------------
// AWS accounts
// ---------------------------------------------------------------------------------------------

/** The name of the one account of the single-account form (aws.accountId and aws.region). */
const SINGLE_ACCOUNT_NAME = "default";

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

/**
 * FNV-1a (32 bit) of the lowercased repository name: stable across machines, Node versions and
 * config order (GitHub compares names ignoring case). Changing it would move every repository of
 * a sharded config to another stack: never change it.
 */
export function repositoryShardHash(repository: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(repository.toLowerCase(), "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The hashed shard's label: its index, zero-padded to two digits at least (github-acme-07). */
function shardLabel(index: number, shards: number): string {
  return String(index).padStart(Math.max(2, String(shards - 1).length), "0");
}

/**
 * The GitHub stack a repository lives in: github-<owner>-<shard> for an explicit `shard`, else
 * github-<owner>-<NN> (NN = hash modulo github.shards) when sharded, else github-<owner>.
 */
export function githubStackNameFor(github: { owner: string; shards: number }, repository: { name: string; shard?: string }): string {
  if (repository.shard !== undefined) return `${githubStackName(github.owner)}-${repository.shard}`;
  if (github.shards <= 1) return githubStackName(github.owner);
  return `${githubStackName(github.owner)}-${shardLabel(repositoryShardHash(repository.name) % github.shards, github.shards)}`;
}

/** Every GitHub stack the config defines, hashed shards included when empty (a stack never comes and goes with one repository). */
export function githubStackNames(github: { owner: string; shards: number }, repositories: readonly { name: string; shard?: string }[]): string[] {
  const names = new Set<string>();
  if (github.shards <= 1) names.add(githubStackName(github.owner));
  else for (let i = 0; i < github.shards; i++) names.add(`${githubStackName(github.owner)}-${shardLabel(i, github.shards)}`);
  for (const r of repositories) names.add(githubStackNameFor(github, r));
  return [...names];
}

// ---------------------------------------------------------------------------------------------
// Runners
// ---------------------------------------------------------------------------------------------

/**
 * Can the runner take jobs? Its webhook (and the workflows that target it) are created only then:
 * a job queued for a runner with no webhook waits forever.
 */
export function isRunnerReady(
  config: AccountsSource,
  runner: Pick<RunnerConfig, "legacyPersonalToken" | "account">,
  repo: Pick<RepositoryConfig, "account"> = {},
): boolean {
  return runner.legacyPersonalToken !== undefined || entryAccount(config, repo, runner).codeConnection?.status === "available";
}
