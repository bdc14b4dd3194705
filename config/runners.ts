/**
 * The CodeBuild runners of a config, in one shape whichever way they are declared: a repository's
 * own `repositories[].runner`, or a shared runner of `runners[]` that workflows of several
 * repositories name with `runsOn: { runner: <name> }`. The stacks build every runner from this,
 * the GitHub stack labels jobs from it, and the cross-reference checks resolve names with it, so
 * "which runner does this workflow run on" is answered in one place.
 */
import type { PlatformConfig, RepositoryConfig, RunnerConfig, SharedRunnerConfig, WorkflowConfig } from "./schema";

/** The settings every runner has (a shared runner has no legacy token and always an organisation webhook). */
export type RunnerSettings = Omit<RunnerConfig, "projectName" | "organizationWebhook" | "legacyPersonalToken"> & {
  readonly legacyPersonalToken?: RunnerConfig["legacyPersonalToken"];
};

export interface RunnerServedRepository {
  readonly repository: RepositoryConfig;
  /** The repository's workflows that run on the runner (their `name:` is what the webhook admits). */
  readonly workflows: readonly WorkflowConfig[];
}

interface RunnerBase {
  /** The CodeBuild project name (`runs-on: codebuild-<name>-...`). */
  readonly name: string;
  /** Where it is declared, as a config path. */
  readonly path: readonly (string | number)[];
  readonly settings: RunnerSettings;
  /** A webhook of the organisation (scope GITHUB_ORGANIZATION) rather than of one repository: always for a shared runner. */
  readonly organizationWebhook: boolean;
  /**
   * The repositories whose generated workflows run on it, in config order, each with those
   * workflows. For a repository's own runner: that one repository, also with no workflow.
   */
  readonly served: readonly RunnerServedRepository[];
}

/** Declared as repositories[i].runner. */
interface RepositoryRunner extends RunnerBase {
  readonly kind: "repository";
  /** That repository (its webhook's, or its source location's). */
  readonly ownRepository: RepositoryConfig;
  readonly allowedRepositories?: undefined;
}

/** Declared as runners[k]. */
interface SharedRunner extends RunnerBase {
  readonly kind: "shared";
  readonly ownRepository?: undefined;
  /** The repositories that may use it (runners[].repositories), or undefined when any repository naming it may. */
  readonly allowedRepositories?: readonly string[];
}

export type ConfiguredRunner = RepositoryRunner | SharedRunner;

/** The runner a workflow names: its repository's own runner (`codebuild`), or a shared one by name. */
function workflowRunnerName(repo: Pick<RepositoryConfig, "runner">, wf: Pick<WorkflowConfig, "runsOn">): string | undefined {
  if (wf.runsOn === "github-hosted") return undefined;
  if (wf.runsOn === "codebuild") return repo.runner?.projectName;
  return wf.runsOn.runner;
}

const allowedCache = new WeakMap<readonly string[], Set<string>>();

/** Does a shared runner admit this repository (names compare ignoring case, as GitHub's do)? */
export function sharedRunnerAllows(runner: Pick<SharedRunnerConfig, "repositories">, repository: string): boolean {
  if (runner.repositories === undefined) return true;
  let allowed = allowedCache.get(runner.repositories);
  if (allowed === undefined) {
    // Once per runner: a shared runner may list thousands of repositories.
    allowed = new Set(runner.repositories.map((r) => r.toLowerCase()));
    allowedCache.set(runner.repositories, allowed);
  }
  return allowed.has(repository.toLowerCase());
}

/**
 * Every runner of the config: each repository's own runner (in repository order), then the shared
 * ones (in runners[] order). Linear in the number of workflows. Assumes a validated config; on an
 * invalid one, a workflow naming an unknown runner is simply not served by any.
 */
export function configuredRunners(config: Pick<PlatformConfig, "repositories" | "runners">): ConfiguredRunner[] {
  const sharedUses = new Map<string, RunnerServedRepository[]>();
  const own: ConfiguredRunner[] = [];
  config.repositories.forEach((repo, i) => {
    const byRunner = new Map<string, WorkflowConfig[]>();
    for (const wf of repo.workflows) {
      const name = workflowRunnerName(repo, wf);
      if (name === undefined) continue;
      byRunner.set(name, [...(byRunner.get(name) ?? []), wf]);
    }
    if (repo.runner) {
      const { projectName, organizationWebhook, ...settings } = repo.runner;
      own.push({
        name: projectName,
        kind: "repository",
        path: ["repositories", i, "runner"],
        settings,
        organizationWebhook,
        ownRepository: repo,
        served: [{ repository: repo, workflows: byRunner.get(projectName) ?? [] }],
      });
      byRunner.delete(projectName);
    }
    for (const [name, workflows] of byRunner) {
      sharedUses.set(name, [...(sharedUses.get(name) ?? []), { repository: repo, workflows }]);
    }
  });
  const shared = config.runners.map((runner, k): ConfiguredRunner => {
    const { name, repositories, organizationWebhook: _never, legacyPersonalToken: _none, ...settings } = runner;
    return {
      name,
      kind: "shared",
      path: ["runners", k],
      settings,
      organizationWebhook: true,
      allowedRepositories: repositories,
      served: (sharedUses.get(name) ?? []).filter((s) => sharedRunnerAllows(runner, s.repository.name)),
    };
  });
  return [...own, ...shared];
}

export interface RunnerIndex {
  /** A repository's own runner, by repository. */
  readonly own: ReadonlyMap<RepositoryConfig, ConfiguredRunner>;
  /** Shared runners by name. */
  readonly shared: ReadonlyMap<string, ConfiguredRunner>;
}

export function indexRunners(runners: readonly ConfiguredRunner[]): RunnerIndex {
  const own = new Map<RepositoryConfig, ConfiguredRunner>();
  const shared = new Map<string, ConfiguredRunner>();
  for (const r of runners) {
    if (r.kind === "repository") own.set(r.ownRepository, r);
    else if (!shared.has(r.name)) shared.set(r.name, r);
  }
  return { own, shared };
}

/** The runner a workflow of `repo` runs on, if any (undefined too for a name no runner has). */
export function runnerOfWorkflow(index: RunnerIndex, repo: RepositoryConfig, wf: Pick<WorkflowConfig, "runsOn">): ConfiguredRunner | undefined {
  const name = workflowRunnerName(repo, wf);
  if (name === undefined) return undefined;
  const own = index.own.get(repo);
  return own?.name === name ? own : index.shared.get(name);
}
