/**
 * Names, ARNs, OIDC subjects, runner labels and variable names derived from config by pure
 * functions. Both stacks (and the guardrails) call these, so the GitHub side can name an AWS
 * resource without a remote-state reference and each stack can be planned on its own.
 */
import type { DeployRoleConfig, PinClaimsConfig, PlatformConfig, RepositoryConfig, RunnerConfig, SelfConfig, SubjectFormat, WorkflowConfig } from "./schema";

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
  readonly trust: readonly RoleTrustEntry[];
  readonly pinClaims: PinClaimsConfig;
  readonly ecrPush: readonly string[];
  readonly ecrPull: boolean;
  readonly maxSessionDurationSeconds: number;
}

/** The repository a name refers to (GitHub compares repository names ignoring case). */
export function repositoryNamed(config: Pick<PlatformConfig, "repositories">, name: string): RepositoryConfig | undefined {
  return config.repositories.find((r) => r.name === name) ?? config.repositories.find((r) => r.name.toLowerCase() === name.toLowerCase());
}

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

/** Which of them assume the plan role (plan.yml, and deploy.yml's plan job) and the deploy role (deploy.yml's apply job). */
export const SELF_ROLE_WORKFLOWS = { plan: ["plan.yml", "deploy.yml"], deploy: ["deploy.yml"] } as const;

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
export function isRunnerReady(config: Pick<PlatformConfig, "codeConnection">, runner: RunnerConfig): boolean {
  return runner.legacyPersonalToken !== undefined || config.codeConnection?.status === "available";
}
