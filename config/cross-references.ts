/**
 * Checks that need the whole config: names that must be unique, references between sections, and
 * ids that a chosen option needs. Runs after the schema, on typed data, and reports every problem
 * with its path, like the schema does.
 */
import { accountIssues } from "./accounts";
import {
  ecrRepositoryVariable,
  MAX_APP_TOKEN_REPOSITORIES,
  roleArnVariable,
  SELF_VARIABLES,
  VARIABLE_AWS_REGION,
  VARIABLE_ECR_REGISTRY,
} from "../domain/github";
import {
  awsAccounts,
  entryAccount,
  managedRepositories,
  repositoryNamed,
  rolesOfRepository,
  SELF_WORKFLOW_FILES,
  type AwsAccount,
} from "./derive";
import { configuredRunners, indexRunners, runnerOfWorkflow, sharedRunnerAllows, type RunnerIndex } from "./runners";
import { DEFAULT_GITHUB_HOSTED_LABEL, type DeployRoleConfig, type PlatformConfig, type RepositoryConfig, type SharedDeployRoleConfig, type WorkflowConfig } from "./schema";
import { tokenMarkerProblem } from "../modules/terraform-text";

export interface ConfigIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

function listOrNone(names: Iterable<string>): string {
  const list = [...names];
  return list.length > 0 ? list.join(", ") : "none defined";
}

/** Reports each later occurrence of a key already seen; keys are compared ignoring case. */
function checkUnique<T>(
  items: { item: T; path: (string | number)[] }[],
  key: (item: T) => string,
  what: string,
  issues: ConfigIssue[],
): void {
  const seen = new Map<string, string>();
  for (const { item, path } of items) {
    const k = key(item);
    const first = seen.get(k.toLowerCase());
    if (first !== undefined) {
      issues.push({
        path,
        message: `duplicate ${what} "${k}": already defined at ${first} (names are compared ignoring case); list each ${what} once`,
      });
    } else {
      seen.set(k.toLowerCase(), formatPath(path));
    }
  }
}

/**
 * Reports names that differ but derive the same Actions variable (e.g. "app.web" and "app-web"
 * both give ..._APP_WEB). Names that are plain duplicates are skipped: checkUnique reports those.
 */
function checkDerivedVariables(
  items: { name: string; path: (string | number)[] }[],
  variable: (name: string) => string,
  what: string,
  issues: ConfigIssue[],
): void {
  const names = new Set<string>();
  const seen = new Map<string, { name: string; path: (string | number)[] }>();
  for (const { name, path } of items) {
    if (names.has(name.toLowerCase())) continue;
    names.add(name.toLowerCase());
    const v = variable(name);
    const first = seen.get(v);
    if (first !== undefined) {
      issues.push({
        path,
        message: `${what} "${name}" gives the same Actions variable ${v} as "${first.name}" at ${formatPath(first.path)}: rename one of them so they differ in more than case and '-', '.', '_', '/'`,
      });
    } else {
      seen.set(v, { name, path });
    }
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** Every string and key of the config, free text included: none may carry cdktf's token marker. */
function checkTokenMarkers(value: unknown, path: (string | number)[], issues: ConfigIssue[]): void {
  if (typeof value === "string") {
    const problem = tokenMarkerProblem(value);
    if (problem) issues.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTokenMarkers(v, [...path, i], issues));
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const problem = tokenMarkerProblem(k);
      if (problem) issues.push({ path: [...path, k], message: problem });
      checkTokenMarkers(v, [...path, k], issues);
    }
  }
}

export function crossReferenceIssues(config: PlatformConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const repos = config.repositories;
  const isOrg = config.github.ownerType === "organization";
  checkTokenMarkers(config, [], issues);
  const accountProblems = accountIssues(config);
  issues.push(...accountProblems);
  // Entries naming an unknown account cannot be placed; the checks below would only add noise.
  if (accountProblems.some((i) => i.message.startsWith("unknown AWS account"))) return issues;

  // Names that share one namespace across the config (account-wide in AWS, owner-wide in GitHub).
  checkUnique(repos.map((item, i) => ({ item, path: ["repositories", i, "name"] })), (r) => r.name, "repository", issues);
  const ecrs = repos.flatMap((r, i) =>
    r.ecrRepositories.map((item, j) => ({ item, path: ["repositories", i, "ecrRepositories", j, "name"] })),
  );
  checkUnique(ecrs, (e) => e.name, "ECR repository", issues);
  const roles = [
    ...repos.flatMap((r, i) => r.deployRoles.map((item, j) => ({ item: { name: item.name }, path: ["repositories", i, "deployRoles", j, "name"] as (string | number)[] }))),
    ...config.deployRoles.map((item, j) => ({ item: { name: item.name }, path: ["deployRoles", j, "name"] as (string | number)[] })),
  ];
  checkUnique(roles, (d) => d.name, "deploy role", issues);
  // One CodeBuild namespace: a repository's own runner and a shared runner cannot share a name.
  const runners = [
    ...repos.flatMap((r, i) => (r.runner ? [{ item: r.runner.projectName, path: ["repositories", i, "runner", "projectName"] }] : [])),
    ...config.runners.map((r, k) => ({ item: r.name, path: ["runners", k, "name"] })),
  ];
  checkUnique(runners, (name) => name, "runner project", issues);
  const runnerIndex = indexRunners(configuredRunners(config));
  issues.push(...sharedRunnerIssues(config));
  // Variable names are derived with upperSnake, so distinct names can collide there.
  checkDerivedVariables(roles.map(({ item, path }) => ({ name: item.name, path })), roleArnVariable, "deploy role", issues);
  checkDerivedVariables(ecrs.map(({ item, path }) => ({ name: item.name, path })), ecrRepositoryVariable, "ECR repository", issues);

  const ecrNames = new Set(ecrs.map((e) => e.item.name));
  // Built once, not per repository: with every ECR repository of the config in it, a per-repository
  // copy made the check quadratic in repositories (35 of the 40 CPU seconds of loading 5,000).
  const generatedEverywhere = new Set([VARIABLE_AWS_REGION, VARIABLE_ECR_REGISTRY, ...[...ecrNames].map(ecrRepositoryVariable)]);
  const needsConnection = new Map<AwsAccount, string[]>();
  // Shared runners authenticate through the connection only (their schema refuses a token).
  config.runners.forEach((runner, k) => {
    const account = entryAccount(config, {}, runner);
    needsConnection.set(account, [...(needsConnection.get(account) ?? []), `runners[${k}]`]);
  });

  repos.forEach((repo, i) => {
    const at = (...rest: (string | number)[]) => ["repositories", i, ...rest];

    if (repo.subjectFormat !== "legacy") {
      if (config.github.ownerId === undefined) {
        issues.push({
          path: ["github", "ownerId"],
          message: `required because repositories[${i}] (${repo.name}) uses subjectFormat ${repo.subjectFormat}: immutable subjects carry the owner's numeric id (find it with: gh api users/${config.github.owner} --jq .id)`,
        });
      }
      if (repo.id === undefined) {
        issues.push({
          path: at("id"),
          message: `required because subjectFormat is ${repo.subjectFormat}: immutable subjects carry the repository's numeric id (find it with: gh api repos/${config.github.owner}/${repo.name} --jq .id)`,
        });
      }
    }

    checkUnique(repo.collaborators.map((item, j) => ({ item, path: at("collaborators", j, "username") })), (c) => c.username, "collaborator", issues);
    checkUnique(repo.teams.map((item, j) => ({ item, path: at("teams", j, "slug") })), (t) => t.slug, "team", issues);
    checkUnique(repo.workflows.map((item, j) => ({ item, path: at("workflows", j, "file") })), (w) => w.file, "workflow file", issues);
    if (!isOrg && repo.teams.length > 0) {
      issues.push({ path: at("teams"), message: "teams exist only in organisations; github.ownerType is user (remove teams or set ownerType: organization)" });
    }
    issues.push(...accessIssues(config, repo, at));

    const roleVariables = new Set(rolesOfRepository(config, repo).map((d) => roleArnVariable(d.name)));
    for (const name of Object.keys(repo.variables)) {
      if (generatedEverywhere.has(name.toUpperCase()) || roleVariables.has(name.toUpperCase())) {
        issues.push({ path: at("variables", name), message: `"${name}" is set by the template itself (from aws and the ECR/role config); choose another name` });
      }
    }

    repo.deployRoles.forEach((role, j) => {
      issues.push(...trustEntryIssues(role, at("deployRoles", j)));
      issues.push(...rolePermissionIssues(config, role, [{ repository: repo, path: at("deployRoles", j) }], at("deployRoles", j), ecrNames));
    });

    if (repo.runner) {
      const account = entryAccount(config, repo, repo.runner);
      if (repo.runner.legacyPersonalToken === undefined) needsConnection.set(account, [...(needsConnection.get(account) ?? []), `repositories[${i}].runner`]);
      else issues.push(...secretArnIssues(config, account, repo.runner.legacyPersonalToken.secretArn, at("runner", "legacyPersonalToken", "secretArn")));
      if (repo.runner.organizationWebhook && !isOrg) {
        issues.push({
          path: at("runner", "organizationWebhook"),
          message: "organisation webhooks need github.ownerType organization; github.ownerType is user (remove organizationWebhook for a repository webhook)",
        });
      }
    }
    issues.push(...publicRepositoryIssues(repo, at, config.self?.repository.toLowerCase() === repo.name.toLowerCase(), runnerIndex, sharedPullRequestTrust(config, repo)));

    issues.push(...environmentIssues(config, i));

    repo.workflows.forEach((wf, j) => {
      if (wf.largerRunner !== undefined) {
        if (wf.runsOn !== "github-hosted") {
          issues.push({ path: at("workflows", j, "largerRunner"), message: "applies to runsOn github-hosted only: a codebuild job runs on this repository's runner (remove largerRunner)" });
        } else if (wf.githubHostedLabel !== DEFAULT_GITHUB_HOSTED_LABEL) {
          issues.push({
            path: at("workflows", j, "githubHostedLabel"),
            message: `set either githubHostedLabel or largerRunner, not both: the job runs on largerRunner.label ("${wf.largerRunner.label}") (remove githubHostedLabel)`,
          });
        }
      }
      if (!ecrNames.has(wf.ecrRepository)) {
        issues.push({ path: at("workflows", j, "ecrRepository"), message: `unknown ECR repository "${wf.ecrRepository}" (defined: ${listOrNone(ecrNames)})` });
      }
      issues.push(...workflowRunnerIssues(config, repo, wf, at("workflows", j, "runsOn")));
      // Jobs on either runner get AWS permissions only through a deploy role: the trust policy
      // pins the branches, tags and environments; the runner's service role grants jobs nothing.
      const repoRoles = rolesOfRepository(config, repo);
      const roleNames = repoRoles.map((d) => d.name);
      if (wf.deployRole === undefined) {
        issues.push({
          path: at("workflows", j, "deployRole"),
          message: `required for runsOn ${typeof wf.runsOn === "string" ? wf.runsOn : `{ runner: ${wf.runsOn.runner} }`}: the job assumes this role through OIDC to push (this repository's roles: ${listOrNone(roleNames)})${wf.runsOn !== "github-hosted" ? "; the runner's service role holds no ECR permissions" : ""}`,
        });
      } else {
        const role = repoRoles.find((d) => d.name === wf.deployRole);
        if (!role) {
          const shared = config.deployRoles.find((d) => d.name === wf.deployRole);
          issues.push({
            path: at("workflows", j, "deployRole"),
            message: shared
              ? `deploy role "${wf.deployRole}" (a shared role) does not trust ${repo.name}: add { repository: ${repo.name}, allow: { ... } } to its trust, or use one of this repository's roles (${listOrNone(roleNames)})`
              : `unknown deploy role "${wf.deployRole}": a workflow assumes one of its own repository's roles or a shared role that trusts it (defined: ${listOrNone(roleNames)})`,
          });
        } else if (ecrNames.has(wf.ecrRepository) && !role.ecrPush.includes(wf.ecrRepository)) {
          issues.push({
            path: at("workflows", j, "ecrRepository"),
            message: `role "${role.name}" may not push to "${wf.ecrRepository}": add it to that role's ecrPush`,
          });
        }
      }
    });
  });

  config.deployRoles.forEach((_role, j) => issues.push(...sharedRoleIssues(config, j, ecrNames)));

  issues.push(...selfIssues(config, roles.map(({ item, path }) => ({ name: item.name, path }))));

  for (const [account, runners] of needsConnection) {
    if (account.codeConnection !== undefined) continue;
    issues.push({
      path: [...account.codeConnectionAt],
      message: `required by ${runners.join(", ")}: runners authenticate to GitHub through a CodeConnections GitHub App connection (add codeConnection: { name: <new connection name> } or { existingArn: ... })${config.aws.accounts ? `, in the entry of account ${account.name}, where the runner lives` : ""}`,
    });
  }
  return issues;
}

/** A shared runner: an organisation webhook, of repositories this config manages. */
function sharedRunnerIssues(config: PlatformConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const known = new Set(config.repositories.map((r) => r.name.toLowerCase()));
  if (config.runners.length > 0 && config.github.ownerType !== "organization") {
    issues.push({
      path: ["runners"],
      message: `a shared runner has one organisation webhook (scope GITHUB_ORGANIZATION), which needs github.ownerType organization; github.ownerType is user: give each repository its own runner (repositories[].runner) instead, or remove runners`,
    });
  }
  config.runners.forEach((runner, k) => {
    const listed = runner.repositories ?? [];
    checkUnique(listed.map((item, m) => ({ item, path: ["runners", k, "repositories", m] })), (r) => r, "repository", issues);
    listed.forEach((name, m) => {
      if (!known.has(name.toLowerCase())) {
        issues.push({
          path: ["runners", k, "repositories", m],
          message: `unknown repository "${name}": a shared runner serves repositories of this config (repositories: ${listOrNone(config.repositories.map((r) => r.name))})`,
        });
      }
    });
  });
  return issues;
}

/** The runners a repository's workflows may name: its own, and the shared runners that admit it. */
function runnersFor(config: PlatformConfig, repo: RepositoryConfig): string[] {
  return [
    ...(repo.runner ? [`${repo.runner.projectName} (its own: runsOn: codebuild)`] : []),
    ...config.runners.filter((r) => sharedRunnerAllows(r, repo.name)).map((r) => r.name),
  ];
}

/** A workflow on CodeBuild names a runner that exists and serves its repository. */
function workflowRunnerIssues(config: PlatformConfig, repo: RepositoryConfig, wf: WorkflowConfig, path: (string | number)[]): ConfigIssue[] {
  if (wf.runsOn === "github-hosted") return [];
  // Only built for a message: a valid config with many workflows never pays for it.
  const available = () => `runners ${repo.name} may use: ${listOrNone(runnersFor(config, repo))}`;
  if (wf.runsOn === "codebuild") {
    if (repo.runner) return [];
    const other = config.repositories.find((r) => r !== repo && r.runner !== undefined);
    const shared =
      config.runners.length > 0
        ? `, or run on a shared runner with runsOn: { runner: <name> } (${available()})`
        : config.github.ownerType === "organization"
          ? `, or share one runner between repositories: declare it under runners[] and name it with runsOn: { runner: <name> }${other ? ` (e.g. move ${other.name}'s runner ${other.runner!.projectName} there)` : ""}`
          : "";
    return [{ path, message: `runsOn codebuild needs a runner on this repository (add a runner section)${shared}` }];
  }
  const name = wf.runsOn.runner;
  const at = [...path, "runner"];
  if (repo.runner?.projectName === name) return [];
  const k = config.runners.findIndex((r) => r.name === name);
  if (k < 0) {
    const owner = config.repositories.findIndex((r) => r.runner?.projectName === name);
    const why =
      owner >= 0
        ? `"${name}" is the own runner of ${config.repositories[owner].name} (repositories[${owner}].runner), which serves that repository only; to share it, move it to runners[] (name: ${name}), with the same settings`
        : `unknown runner "${name}"`;
    return [{ path: at, message: `${why} (${available()}; shared runners are declared under runners[])` }];
  }
  const runner = config.runners[k];
  if (!sharedRunnerAllows(runner, repo.name)) {
    return [
      {
        path: at,
        message: `runner "${name}" does not serve ${repo.name}: runners[${k}].repositories lists ${listOrNone(runner.repositories ?? [])}; add ${repo.name} there, or choose another runner (${available()})`,
      },
    ];
  }
  return [];
}

/** A trust entry (a repository's role, or one repository of a shared role) that trusts no subject. */
function trustEntryIssues(entry: Pick<DeployRoleConfig, "allow" | "wildcardSubjects">, at: (string | number)[]): ConfigIssue[] {
  const { branches, tags, environments, pullRequest } = entry.allow;
  if (branches.length + tags.length + environments.length === 0 && !pullRequest && entry.wildcardSubjects.length === 0) {
    return [{ path: [...at, "allow"], message: "the role trusts no subject and could never be assumed: list branches, tags, environments or pullRequest: true" }];
  }
  return [];
}

/**
 * What a role's permissions and pinned claims need: known ECR repositories, the id of each
 * repository whose repository_id it pins, and a generated workflow of each repository whose
 * job_workflow_ref it pins (else nothing could assume it there).
 */
function rolePermissionIssues(
  config: PlatformConfig,
  role: Pick<DeployRoleConfig, "name" | "pinClaims" | "ecrPush">,
  trusted: { repository: RepositoryConfig; path: (string | number)[] }[],
  at: (string | number)[],
  ecrNames: ReadonlySet<string>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  role.ecrPush.forEach((name, k) => {
    if (!ecrNames.has(name)) issues.push({ path: [...at, "ecrPush", k], message: `unknown ECR repository "${name}" (defined: ${listOrNone(ecrNames)})` });
  });
  for (const { repository } of trusted) {
    if (role.pinClaims.repositoryId && repository.id === undefined) {
      issues.push({
        path: [...at, "pinClaims", "repositoryId"],
        message: `pins repository_id, but ${repository.name} has no id: set its repositories[].id (find it with: gh api repos/${config.github.owner}/${repository.name} --jq .id), or remove pinClaims.repositoryId`,
      });
    }
    if (role.pinClaims.jobWorkflowRef && !repository.workflows.some((w) => w.deployRole === role.name)) {
      issues.push({
        path: [...at, "pinClaims", "jobWorkflowRef"],
        message: `pins job_workflow_ref to the generated workflows that use role "${role.name}", but no workflow of ${repository.name} uses it, so no job there could assume the role: give one of its workflows deployRole: ${role.name}, or remove pinClaims.jobWorkflowRef`,
      });
    }
  }
  return issues;
}

/** A shared role: known, distinct repositories, each trusting a subject, in environments the config manages. */
function sharedRoleIssues(config: PlatformConfig, j: number, ecrNames: ReadonlySet<string>): ConfigIssue[] {
  const role: SharedDeployRoleConfig = config.deployRoles[j];
  const at = (...rest: (string | number)[]) => ["deployRoles", j, ...rest];
  const issues: ConfigIssue[] = [];
  const trusted: { repository: RepositoryConfig; path: (string | number)[] }[] = [];
  const seen = new Map<RepositoryConfig, number>();
  role.trust.forEach((t, k) => {
    const repository = repositoryNamed(config, t.repository);
    if (repository === undefined) {
      issues.push({ path: at("trust", k, "repository"), message: `unknown repository "${t.repository}": a shared role trusts repositories of this config (defined: ${listOrNone(config.repositories.map((r) => r.name))})` });
      return;
    }
    const first = seen.get(repository);
    if (first !== undefined) {
      issues.push({ path: at("trust", k, "repository"), message: `${repository.name} is already trusted at deployRoles[${j}].trust[${first}]: list each repository once, with all its subjects` });
      return;
    }
    seen.set(repository, k);
    trusted.push({ repository, path: at("trust", k) });
    issues.push(...trustEntryIssues(t, at("trust", k)));
    const i = config.repositories.indexOf(repository);
    const managed = managedEnvironments(config, repository);
    t.allow.environments.forEach((name, e) => {
      if (!managed.has(name.toLowerCase())) {
        issues.push({ path: at("trust", k, "allow", "environments", e), message: unmanagedEnvironment(config, i, name, `role "${role.name}" trusts`) });
      }
    });
    t.wildcardSubjects.forEach((w, e) => {
      if (w.pattern.startsWith("environment:")) issues.push({ path: at("trust", k, "wildcardSubjects", e, "pattern"), message: environmentPatternMessage(i) });
    });
  });
  issues.push(...rolePermissionIssues(config, role, trusted, at(), ecrNames));
  return issues;
}

/**
 * Access lists the github provider 6.9 cannot converge on (github_repository_collaborators,
 * github/resource_github_repository_collaborators.go at v6.9.0): they fail the apply or show a
 * change on every plan.
 */
function accessIssues(config: PlatformConfig, repo: PlatformConfig["repositories"][number], at: (...rest: (string | number)[]) => (string | number)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owner = config.github.owner;
  if (config.github.ownerType === "user") {
    repo.collaborators.forEach((c, j) => {
      // listUserCollaborators skips the owner of a user-owned repository when it reads the list
      // (`if !isOrg && c.GetLogin() == owner { continue }`), so a listed owner is never in state.
      if (c.username.toLowerCase() === owner.toLowerCase()) {
        issues.push({
          path: at("collaborators", j, "username"),
          message: `"${c.username}" owns this repository (github.owner, ownerType user): the owner always has admin and is not a collaborator; the github provider leaves the owner out when it reads collaborators, so this entry would show as a change on every plan (remove it)`,
        });
      } else if (c.permission === "triage" || c.permission === "maintain") {
        // Organisation roles: the provider's docs (website/docs/r/repository_collaborators, v6.9.0)
        // say personal repositories grant collaborators write; its acceptance tests on an
        // individual account invite with push and pull only. The provider does not check it.
        issues.push({
          path: at("collaborators", j, "permission"),
          message: `"${c.permission}" exists only on repositories owned by an organisation: GitHub refuses it (422) on a repository owned by a user (github.ownerType user); use read or write there, or move the repository to an organisation`,
        });
      }
    });
    if (repo.ignoreTeams.length > 0) {
      issues.push({ path: at("ignoreTeams"), message: "teams exist only in organisations; github.ownerType is user (remove ignoreTeams or set ownerType: organization)" });
    }
    return issues;
  }
  if (repo.ignoreTeams.length > 0 && repo.collaborators.length + repo.teams.length === 0) {
    issues.push({
      path: at("ignoreTeams"),
      message: "has no effect: this repository's access is not managed (no collaborators or teams listed); list them, or remove ignoreTeams",
    });
  }
  const listed = new Map(repo.teams.map((t, j) => [t.slug.toLowerCase(), j] as const));
  repo.ignoreTeams.forEach((slug, k) => {
    const j = listed.get(slug.toLowerCase());
    if (j !== undefined) {
      issues.push({
        path: at("ignoreTeams", k),
        message: `team "${slug}" is also listed at teams[${j}]: the provider skips ignored teams when it reads access, so its permission would show as a change on every plan; list it in teams (managed) or ignoreTeams (left alone), not both`,
      });
    }
  });
  return issues;
}

/** A secret the runner's service role may read: one secret of this config's account and region. */
function secretArnIssues(config: PlatformConfig, runnerAccount: AwsAccount, arn: string, path: (string | number)[]): ConfigIssue[] {
  const [, , , region, account] = arn.split(":");
  const { accountId, region: configRegion } = runnerAccount;
  const where = config.aws.accounts ? `account ${runnerAccount.name} (${accountId}, ${configRegion})` : `aws.accountId ${accountId}, aws.region ${configRegion}`;
  if (account !== accountId || region !== configRegion) {
    return [
      {
        path,
        message: `names a secret in account ${account}, region ${region}; the runner runs in ${where}: use a secret of that account and region (its ARN starts with arn:aws:secretsmanager:${configRegion}:${accountId}:secret:)`,
      },
    ];
  }
  return [];
}

/**
 * An environment a role trusts (or a workflow enters) is one this config manages. GitHub creates a
 * missing environment on first use with no protection: anyone who can push a branch could then run
 * a job in it and present the role's `environment:<name>` subject.
 */
function environmentIssues(config: PlatformConfig, i: number): ConfigIssue[] {
  const repo = config.repositories[i];
  const at = (...rest: (string | number)[]) => ["repositories", i, ...rest];
  const issues: ConfigIssue[] = [];
  checkUnique(repo.environments.map((item, j) => ({ item, path: at("environments", j, "name") })), (e) => e.name, "environment", issues);
  repo.environments.forEach((env, j) => {
    // Each pattern becomes one policy resource, named after it ('/' and '_' alike).
    for (const kind of ["branches", "tags"] as const) {
      checkUnique(env[kind].map((item, k) => ({ item, path: at("environments", j, kind, k) })), (p) => p.replace(/\//g, "_"), kind === "branches" ? "branch pattern" : "tag pattern", issues);
    }
  });
  const managed = managedEnvironments(config, repo);
  const self = config.self;
  const isSelf = self !== undefined && self.repository.toLowerCase() === repo.name.toLowerCase();
  if (isSelf) {
    repo.environments.forEach((env, j) => {
      if (env.name.toLowerCase() === self.environment.toLowerCase()) {
        issues.push({
          path: at("environments", j, "name"),
          message: `"${env.name}" is self.environment, which the template already manages for its own deploy job (branch self.defaultBranch, self.reviewers): remove it here`,
        });
      }
    });
  }
  const unmanaged = (name: string, who: string) => unmanagedEnvironment(config, i, name, who);
  repo.deployRoles.forEach((role, j) => {
    role.allow.environments.forEach((name, k) => {
      if (!managed.has(name.toLowerCase())) issues.push({ path: at("deployRoles", j, "allow", "environments", k), message: unmanaged(name, `role "${role.name}" trusts`) });
    });
    role.wildcardSubjects.forEach((w, k) => {
      if (!w.pattern.startsWith("environment:")) return;
      issues.push({ path: at("deployRoles", j, "wildcardSubjects", k, "pattern"), message: environmentPatternMessage(i) });
    });
  });
  repo.workflows.forEach((wf, j) => {
    if (wf.environment !== undefined && !managed.has(wf.environment.toLowerCase())) {
      issues.push({ path: at("workflows", j, "environment"), message: unmanaged(wf.environment, `the workflow's job enters`) });
    }
  });
  if (isSelf) {
    const own = new Set<string>(SELF_WORKFLOW_FILES);
    repo.workflows.forEach((wf, j) => {
      if (own.has(wf.file.toLowerCase())) {
        issues.push({
          path: at("workflows", j, "file"),
          message: `${repo.name} is self.repository: .github/workflows/${wf.file} would overwrite the template's own ${wf.file.toLowerCase()} (${SELF_WORKFLOW_FILES.join(", ")} are the template's); choose another file name`,
        });
      }
    });
  }
  return issues;
}

/** Environments (lower case) the config manages on a repository: its own, and self.environment on the self repository. */
function managedEnvironments(config: PlatformConfig, repo: RepositoryConfig): Set<string> {
  const managed = new Set(repo.environments.map((e) => e.name.toLowerCase()));
  if (config.self !== undefined && config.self.repository.toLowerCase() === repo.name.toLowerCase()) managed.add(config.self.environment.toLowerCase());
  return managed;
}

function unmanagedEnvironment(config: PlatformConfig, i: number, name: string, who: string): string {
  const repo = config.repositories[i];
  const fix = `add it to repositories[${i}] (${repo.name}): environments: [{ name: ${name}, branches: [${repo.defaultBranch}], reviewers: { users: [<user id>], teams: [<team id>] } }] (ids: gh api users/<login> --jq .id, gh api orgs/${config.github.owner}/teams/<slug> --jq .id)`;
  return `${who} environment "${name}", which this config does not manage: GitHub creates it on first use with no protection, so anyone who can push a branch could run a job in it and present environment:${name}; ${fix}`;
}

function environmentPatternMessage(i: number): string {
  return `an environment pattern trusts environments nobody manages: anyone who can push a workflow creates a matching environment, unprotected, by naming it in a job; list exact names under allow.environments instead and manage each under repositories[${i}].environments`;
}

type OptIn = keyof NonNullable<RepositoryConfig["publicRepositoryOptIns"]>;

/**
 * A public repository's pull requests (a fork's included) and anyone's workflow runs reach what
 * the repository trusts: each exposure needs its opt-in, and an opt-in needs its exposure.
 */
/** The first shared role that trusts the pull_request subject of this repository, with where it says so. */
function sharedPullRequestTrust(config: PlatformConfig, repo: RepositoryConfig): { at: (string | number)[]; role: string } | undefined {
  let byRepository = pullRequestTrustCache.get(config);
  if (byRepository === undefined) {
    // One pass over every shared role's trust, not one per repository.
    byRepository = new Map();
    for (const [j, role] of config.deployRoles.entries()) {
      role.trust.forEach((t, k) => {
        const repository = t.allow.pullRequest ? repositoryNamed(config, t.repository) : undefined;
        if (repository && !byRepository!.has(repository)) byRepository!.set(repository, { at: ["deployRoles", j, "trust", k, "allow", "pullRequest"], role: role.name });
      });
    }
    pullRequestTrustCache.set(config, byRepository);
  }
  return byRepository.get(repo);
}

const pullRequestTrustCache = new WeakMap<object, Map<RepositoryConfig, { at: (string | number)[]; role: string }>>();

function publicRepositoryIssues(
  repo: RepositoryConfig,
  at: (...rest: (string | number)[]) => (string | number)[],
  isSelf: boolean,
  runners: RunnerIndex,
  sharedRole?: { at: (string | number)[]; role: string },
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const optIns = repo.publicRepositoryOptIns ?? {};
  // The first workflow on a shared runner: the repository shares that runner's exposures.
  const j = repo.workflows.findIndex((wf) => runnerOfWorkflow(runners, repo, wf)?.kind === "shared");
  const shared = j >= 0 ? runnerOfWorkflow(runners, repo, repo.workflows[j]) : undefined;
  const sharedAt = at("workflows", j, "runsOn", "runner");
  const sharedName = shared ? `the shared runner "${shared.name}" (${formatPath(shared.path)})` : "";
  const exposures: Record<OptIn, { at: (string | number)[]; what: string; actorsAt?: string } | undefined> = {
    pullRequestTrust: (() => {
      const j = repo.deployRoles.findIndex((d) => d.allow.pullRequest);
      if (j >= 0) return { at: at("deployRoles", j, "allow", "pullRequest"), what: `role "${repo.deployRoles[j].name}" trusts pull_request, the subject of every pull request, a fork's included` };
      if (sharedRole) return { at: sharedRole.at, what: `the shared role "${sharedRole.role}" trusts its pull_request, the subject of every pull request, a fork's included` };
      // The template's own plan role trusts the pull_request subject of the self repository.
      return isSelf ? { at: at("visibility"), what: "it is the self repository, whose plan role trusts pull_request, the subject of every pull request, a fork's included" } : undefined;
    })(),
    privilegedRunner: repo.runner?.privilegedMode.enabled
      ? { at: at("runner", "privilegedMode", "enabled"), what: "the runner is privileged, and any workflow run GitHub queues on it gets the Docker daemon" }
      : shared?.settings.privilegedMode.enabled
        ? { at: sharedAt, what: `its workflows run on ${sharedName}, which is privileged: any workflow run GitHub queues on it gets the Docker daemon` }
        : undefined,
    organizationRunner: repo.runner?.organizationWebhook
      ? { at: at("runner", "organizationWebhook"), what: "the runner is an organisation runner, shared with the organisation's other repositories" }
      : shared
        ? { at: sharedAt, what: `its workflows run on ${sharedName}, an organisation runner shared with the organisation's other repositories` }
        : undefined,
    runnerWithoutActorFilter:
      repo.runner && repo.runner.allowedActorIds.length === 0
        ? { at: at("runner", "allowedActorIds"), what: "the runner admits jobs of anyone's workflow run (no runner.allowedActorIds)", actorsAt: "runner.allowedActorIds" }
        : shared && shared.settings.allowedActorIds.length === 0
          ? {
              at: sharedAt,
              what: `its workflows run on ${sharedName}, which admits jobs of anyone's workflow run (no ${formatPath(shared.path)}.allowedActorIds)`,
              actorsAt: `${formatPath(shared.path)}.allowedActorIds`,
            }
          : undefined,
  };
  for (const [key, exposure] of Object.entries(exposures) as [OptIn, (typeof exposures)[OptIn]][]) {
    const reason = optIns[key];
    if (repo.visibility === "public" && exposure !== undefined && reason === undefined) {
      issues.push({
        path: exposure.at,
        message: `${repo.name} is public and ${exposure.what}: remove it${exposure.actorsAt ? ` by listing the numeric GitHub ids of the people whose runs may use the runner under ${exposure.actorsAt}` : ""}, or accept it with publicRepositoryOptIns.${key}: <reason> (at least 10 characters; printed on every synth)`,
      });
    } else if (reason !== undefined && (repo.visibility !== "public" || exposure === undefined)) {
      issues.push({
        path: at("publicRepositoryOptIns", key),
        message:
          repo.visibility !== "public"
            ? `opt-ins apply to public repositories only, and ${repo.name} is ${repo.visibility}: remove publicRepositoryOptIns.${key}`
            : `nothing to accept: ${repo.name} has no ${key === "pullRequestTrust" ? "role trusting pull_request" : key === "privilegedRunner" ? "privileged runner" : key === "organizationRunner" ? "organisation runner" : "runner without allowedActorIds"}; remove publicRepositoryOptIns.${key}`,
      });
    }
  }
  return issues;
}

/** The template's own CI identity: needs shared state, distinct role names and the ids its subjects carry. */
function selfIssues(config: PlatformConfig, deployRoles: { name: string; path: (string | number)[] }[]): ConfigIssue[] {
  const self = config.self;
  if (self === undefined) return [];
  const issues: ConfigIssue[] = [];
  if (awsAccounts(config)[0].stateBackend === undefined) {
    issues.push({
      path: ["self"],
      message:
        "needs aws.stateBackend: the plan and deploy workflows run on fresh checkouts, so local state files would make every plan start from nothing (add aws.stateBackend with an existing S3 bucket, or remove self)",
    });
  }
  if (self.planRoleName.toLowerCase() === self.deployRoleName.toLowerCase()) {
    issues.push({ path: ["self", "deployRoleName"], message: `must differ from self.planRoleName ("${self.planRoleName}"): plans are read-only, deploys are not` });
  }
  for (const key of ["planRoleName", "deployRoleName"] as const) {
    const clash = deployRoles.find((r) => r.name.toLowerCase() === self[key].toLowerCase());
    if (clash) {
      issues.push({ path: ["self", key], message: `"${self[key]}" is already a deploy role at ${formatPath(clash.path)}; IAM role names are unique per account: choose another name` });
    }
  }
  if (self.pinClaims.repositoryId && self.id === undefined) {
    issues.push({
      path: ["self", "pinClaims", "repositoryId"],
      message: `pins repository_id, but self has no id: set self.id (find it with: gh api repos/${config.github.owner}/${self.repository} --jq .id), or remove pinClaims.repositoryId`,
    });
  }
  if (self.subjectFormat !== "legacy") {
    if (config.github.ownerId === undefined) {
      issues.push({
        path: ["github", "ownerId"],
        message: `required because self uses subjectFormat ${self.subjectFormat}: immutable subjects carry the owner's numeric id (find it with: gh api users/${config.github.owner} --jq .id)`,
      });
    }
    if (self.id === undefined) {
      issues.push({
        path: ["self", "id"],
        message: `required because subjectFormat is ${self.subjectFormat}: immutable subjects carry the repository's numeric id (find it with: gh api repos/${config.github.owner}/${self.repository} --jq .id)`,
      });
    }
  }
  const scope = managedRepositories(config).length;
  if (scope > MAX_APP_TOKEN_REPOSITORIES) {
    issues.push({
      path: ["repositories"],
      message: `${scope} repositories: the plan and deploy workflows mint App tokens for the repositories they manage, and GitHub names at most ${MAX_APP_TOKEN_REPOSITORIES} in one token (a token for the whole installation is never used instead); split the config into several, each with its own self`,
    });
  }
  const listed = config.repositories.findIndex((r) => r.name.toLowerCase() === self.repository.toLowerCase());
  if (listed >= 0) {
    const repo = config.repositories[listed];
    if (repo.subjectFormat !== self.subjectFormat || repo.id !== self.id) {
      issues.push({
        path: ["self", "subjectFormat"],
        message: `${self.repository} is also repositories[${listed}]: give both the same subjectFormat and id (GitHub uses one format per repository)`,
      });
    }
    const reserved = new Set<string>(Object.values(SELF_VARIABLES));
    for (const name of Object.keys(repo.variables)) {
      if (reserved.has(name.toUpperCase())) {
        issues.push({ path: ["repositories", listed, "variables", name], message: `"${name}" is set by the template for its own workflows (self); choose another name` });
      }
    }
  }
  return issues;
}
