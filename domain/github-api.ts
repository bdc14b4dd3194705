/**
 * How many GitHub REST requests one refresh of a stack costs (terraform plan reads every resource
 * and data source once), from what each type's Read function of the github provider calls. One
 * table, one place: synth prints the estimate per stack, GH-011 holds each stack to the budget,
 * and the benchmark counts the same. Loads neither cdktf nor zod: it reads Terraform JSON.
 *
 * Read from integrations/terraform-provider-github v6.9.0 (the provider @cdktf/provider-github
 * 15.3.1 binds), files under github/. `pages(n)` is one request per 100 items (maxPerPage = 100,
 * util.go), and at least one: an empty list is one request too.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- reads the untyped synthesized Terraform JSON of every resource type */

/** The GitHub App installation's primary REST limit GitHub guarantees (more with many repositories, 15,000 on Enterprise Cloud). */
export const INSTALLATION_REQUESTS_PER_HOUR = 5_000;

/**
 * What one stack's refresh may cost: a pull request plans a changed stack once per push with the
 * plan App's token, and the deploy plans it once more before the apply writes: about 2,000 of the
 * installation's 5,000 an hour, leaving room for a second push, other pull requests and the
 * apply's own reads. Over it, split the stack (github.shards).
 */
export const STACK_REFRESH_BUDGET = 1_000;

const PER_PAGE = 100;
const pages = (items: number) => Math.max(1, Math.ceil(items / PER_PAGE));
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
/** A team given by slug is looked up by slug first (getTeamID in util.go); a numeric id is not. */
const bySlug = (teamId: unknown) => (/^\d+$/.test(String(teamId)) ? 0 : 1);

/** What one type's Read calls, given the resource's Terraform arguments (snake_case, as in cdk.tf.json). */
interface ReadCost {
  /** Where the count comes from in the provider source (file and function), for whoever checks it. */
  readonly source: string;
  readonly calls: (config: Readonly<Record<string, any>>) => number;
  /** Extra requests when an import block adopts it (the importer's own reads, before the first Read). */
  readonly importExtra?: number;
}

/**
 * Requests per refresh, per resource or data type. Lists are estimated from the config's own
 * entries (after an apply, GitHub holds what the config lists; pending invitations are assumed
 * under 100). Data sources are keyed `data.<type>`.
 */
export const READ_COSTS: Readonly<Record<string, ReadCost>> = {
  github_repository_collaborators: {
    source:
      "resource_github_repository_collaborators.go resourceGithubRepositoryCollaboratorsRead -> listAllCollaborators: ListCollaborators for affiliation direct and outside (pages of users each), ListInvitations (1 page), ListTeams (pages of teams; organisations), and getIgnoreTeamIds: GetTeamBySlug per ignore_team slug",
    calls: (c) => 2 * pages(list(c.user).length) + 1 + pages(list(c.team).length) + list(c.ignore_team).reduce<number>((n, t: any) => n + bySlug(t?.team_id), 0),
  },
  github_repository_file: {
    source:
      "resource_github_repository_file.go resourceGithubRepositoryFileRead: GetBranch (checkRepositoryBranchExists, repository_utils.go, when branch is set), GetContents, GetCommit (commit_sha is in state after create or import); the importer reads GetContents once more",
    calls: (c) => (c.branch !== undefined ? 1 : 0) + 2,
    importExtra: 1,
  },
  github_actions_variable: {
    source: "resource_github_actions_variable.go resourceGithubActionsVariableRead: GetRepoVariable",
    calls: () => 1,
  },
  github_actions_environment_variable: {
    source: "resource_github_actions_environment_variable.go resourceGithubActionsEnvironmentVariableRead: GetEnvVariable",
    calls: () => 1,
  },
  github_repository_environment: {
    source: "resource_github_repository_environment.go resourceGithubRepositoryEnvironmentRead: GetEnvironment",
    calls: () => 1,
  },
  github_repository_environment_deployment_policy: {
    source: "resource_github_repository_environment_deployment_policy.go resourceGithubRepositoryEnvironmentDeploymentPolicyRead: GetDeploymentBranchPolicy",
    calls: () => 1,
  },
  github_team_repository: {
    source: "resource_github_team_repository.go resourceGithubTeamRepositoryRead: getTeamID (GetTeamBySlug for a slug), IsTeamRepoByID",
    calls: (c) => bySlug(c.team_id) + 1,
  },
  "data.github_repository": {
    source:
      "data_source_github_repository.go dataSourceGithubRepositoryRead: Repositories.Get, then GetPagesInfo when the repository has Pages and License when it has a license (counted: the config cannot tell)",
    calls: () => 3,
  },
};

/** The provider's own requests per terraform run: config.go ConfigureOwner (Organizations.Get for the configured owner). */
const PROVIDER_CONFIGURE_CALLS = 1;

/** A type the table does not know: assumed one request (a single GET), and named in the estimate. */
const UNKNOWN_COST = 1;

export interface TypeEstimate {
  readonly type: string;
  readonly count: number;
  readonly calls: number;
  /** False for a github type the table does not list (estimated at one request each). */
  readonly known: boolean;
}

export interface StackApiEstimate {
  /** Requests of one refresh (plan) of the stack, the provider's own included. */
  readonly calls: number;
  readonly byType: readonly TypeEstimate[];
}

interface StackJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, any>>>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, any>>>>>>;
  readonly provider?: Readonly<Record<string, unknown>>;
  readonly import?: readonly { readonly to?: unknown }[];
}

/**
 * GitHub requests of one refresh of a stack, from its synthesized Terraform (cdk.tf.json, parsed).
 * Zero for a stack without the github provider. Import blocks add their importer's reads.
 */
export function estimateRefreshCalls(terraform: unknown): StackApiEstimate {
  const tf = (terraform ?? {}) as StackJson;
  if (tf.provider?.github === undefined) return { calls: 0, byType: [] };
  const byType: TypeEstimate[] = [];
  const typed = [
    ...Object.entries(tf.resource ?? {}),
    ...Object.entries(tf.data ?? {}).map(([type, byName]) => [`data.${type}`, byName] as const),
  ].filter(([type]) => type.startsWith("github_") || type.startsWith("data.github_"));
  for (const [type, byName] of typed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cost = READ_COSTS[type];
    const configs = Object.values(byName);
    const calls = configs.reduce((n, c) => n + (cost ? cost.calls(c) : UNKNOWN_COST), 0);
    byType.push({ type, count: configs.length, calls, known: cost !== undefined });
  }
  const importTypes = (tf.import ?? []).map((i) => String(i.to ?? "").split(".")[0]);
  const importCalls = importTypes.reduce((n, type) => n + (READ_COSTS[type]?.importExtra ?? 0), 0);
  if (importCalls > 0) byType.push({ type: "import", count: importTypes.length, calls: importCalls, known: true });
  const calls = PROVIDER_CONFIGURE_CALLS + byType.reduce((n, t) => n + t.calls, 0);
  return { calls, byType };
}

const number = (n: number) => n.toLocaleString("en-US");

/** One line: the stack's estimate, its largest parts, against the budget. */
export function describeEstimate(stack: string, estimate: StackApiEstimate, budget = STACK_REFRESH_BUDGET): string {
  const parts = [...estimate.byType]
    .sort((a, b) => b.calls - a.calls)
    .slice(0, 4)
    .map((t) => `${t.type} ${number(t.calls)}${t.known ? "" : " (not in the table: 1 each)"}`);
  return `GitHub API: about ${number(estimate.calls)} REST requests per refresh of ${stack} (budget ${number(budget)} per stack${parts.length ? `; ${parts.join(", ")}` : ""})`;
}
