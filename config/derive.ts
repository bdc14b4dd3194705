/**
 * Names, OIDC subjects and runner labels derived from config by pure functions. Both stacks (and
 * the guardrails) call these, so the GitHub side can name an AWS resource without a remote-state
 * reference and each stack can be planned on its own. The facts they are made of (ARN shapes,
 * subject forms, variable names) live in domain/.
 */
import { subject, subjectContext, subjectForms, subjectPrefix, type SubjectRepository } from "../domain/oidc";
import type { PlatformConfig, RepositoryConfig, RunnerConfig, SelfConfig, SubjectFormat, WorkflowConfig } from "./schema";

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
// The template's own repository
// ---------------------------------------------------------------------------------------------

/** The template's own workflow files (.github/workflows/ of self.repository); nothing else may write them. */
export const SELF_WORKFLOW_FILES = ["ci.yml", "plan.yml", "deploy.yml"] as const;

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
export function isRunnerReady(config: Pick<PlatformConfig, "codeConnection">, runner: Pick<RunnerConfig, "legacyPersonalToken">): boolean {
  return runner.legacyPersonalToken !== undefined || config.codeConnection?.status === "available";
}
