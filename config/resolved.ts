/**
 * Runners, connections and workflows as the stacks build them: what the loader's checks prove of
 * every config it returns is carried by the types here, so the stacks need no non-null assertion
 * and no fallback of their own. The checks (schema.ts and cross-references.ts) prove that a
 * connection is created by name or named by its ARN, exactly one of the two; a runner without a
 * legacy token lives in an account with a connection; a workflow names a deploy role; a workflow
 * that runs on CodeBuild names a runner of the config. The YAML is unchanged: these are views of
 * the parsed config. Resolving a config the checks would refuse is a bug of the template, and says
 * so instead of handing the stacks a half-true type.
 */
import { entryAccount, type AwsAccount } from "./derive";
import { formatPath } from "./cross-references";
import { configuredRunners, runnerOfWorkflow, type ConfiguredRunner, type RunnerIndex } from "./runners";
import type { PlatformConfig, RepositoryConfig, RunnerConfig, WorkflowConfig } from "./schema";

/** An account's connection: one this config creates (by name), or an existing one (by ARN). */
export type ResolvedConnection = { readonly status: NonNullable<AwsAccount["codeConnection"]>["status"] } & (
  | { readonly kind: "created"; readonly name: string }
  | { readonly kind: "existing"; readonly existingArn: string }
);

/** How a runner registers with GitHub: its account's connection, or (legacy) a person's token. */
export type RunnerAuth =
  | { readonly kind: "connection"; readonly connection: ResolvedConnection }
  | { readonly kind: "personal-token"; readonly token: NonNullable<RunnerConfig["legacyPersonalToken"]> };

/** A runner with the account it lives in and how it authenticates. */
export type ResolvedRunner = ConfiguredRunner & { readonly account: AwsAccount; readonly auth: RunnerAuth };

/** Where a workflow's jobs run: GitHub's hosted runners, or a CodeBuild runner of the config. */
export type WorkflowHost = { readonly kind: "github-hosted" } | { readonly kind: "codebuild"; readonly runner: ConfiguredRunner };

export interface ResolvedWorkflow {
  readonly workflow: WorkflowConfig;
  /** The deploy role its jobs assume (its repository's own, or a shared one trusting it). */
  readonly deployRole: string;
  readonly host: WorkflowHost;
}

/** The account's connection, if it has one. */
export function resolvedConnection(account: AwsAccount): ResolvedConnection | undefined {
  const c = account.codeConnection;
  if (c === undefined) return undefined;
  if (c.name !== undefined && c.existingArn === undefined) return { kind: "created", name: c.name, status: c.status };
  if (c.existingArn !== undefined && c.name === undefined) return { kind: "existing", existingArn: c.existingArn, status: c.status };
  return unchecked(formatPath(account.codeConnectionAt), "a connection has exactly one of name and existingArn");
}

/** Every runner of the config (configuredRunners' order), resolved. */
export function resolvedRunners(config: PlatformConfig): readonly ResolvedRunner[] {
  let runners = runnersCache.get(config);
  if (runners === undefined) {
    runners = configuredRunners(config).map((runner): ResolvedRunner => {
      const account = entryAccount(config, runner.ownRepository ?? {}, runner.settings);
      return { ...runner, account, auth: runnerAuth(runner, account) };
    });
    runnersCache.set(config, runners);
  }
  return runners;
}

// The config is frozen once parsed: every AWS stack reads the same runners.
const runnersCache = new WeakMap<object, readonly ResolvedRunner[]>();

function runnerAuth(runner: ConfiguredRunner, account: AwsAccount): RunnerAuth {
  const token = runner.settings.legacyPersonalToken;
  if (token !== undefined) return { kind: "personal-token", token };
  const connection = resolvedConnection(account);
  if (connection === undefined) {
    return unchecked(formatPath(runner.path), `runner ${runner.name} has no legacyPersonalToken, and its account ${account.name} no codeConnection`);
  }
  return { kind: "connection", connection };
}

/** A repository's workflows, in config order, each with its deploy role and where its jobs run. */
export function resolvedWorkflows(runners: RunnerIndex, repo: RepositoryConfig): ResolvedWorkflow[] {
  return repo.workflows.map((workflow) => {
    const where = `repository ${repo.name}, workflow ${workflow.file}`;
    if (workflow.deployRole === undefined) return unchecked(where, "no deployRole");
    let host: WorkflowHost = { kind: "github-hosted" };
    if (workflow.runsOn !== "github-hosted") {
      const runner = runnerOfWorkflow(runners, repo, workflow);
      if (runner === undefined) return unchecked(where, "runs on CodeBuild, but names no runner of the config");
      host = { kind: "codebuild", runner };
    }
    return { workflow, deployRole: workflow.deployRole, host };
  });
}

function unchecked(where: string, what: string): never {
  throw new Error(`${where}: ${what}; the config checks (config/schema.ts, config/cross-references.ts) should have refused this config`);
}
