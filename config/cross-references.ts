/**
 * Checks that need the whole config: names that must be unique, references between sections, and
 * ids that a chosen option needs. Runs after the schema, on typed data, and reports every problem
 * with its path, like the schema does.
 */
import {
  ecrRepositoryVariable,
  roleArnVariable,
  SELF_VARIABLES,
  VARIABLE_AWS_REGION,
  VARIABLE_ECR_REGISTRY,
} from "./derive";
import type { PlatformConfig, RepositoryConfig } from "./schema";

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

export function crossReferenceIssues(config: PlatformConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const repos = config.repositories;
  const isOrg = config.github.ownerType === "organization";

  // Names that share one namespace across the config (account-wide in AWS, owner-wide in GitHub).
  checkUnique(repos.map((item, i) => ({ item, path: ["repositories", i, "name"] })), (r) => r.name, "repository", issues);
  const ecrs = repos.flatMap((r, i) =>
    r.ecrRepositories.map((item, j) => ({ item, path: ["repositories", i, "ecrRepositories", j, "name"] })),
  );
  checkUnique(ecrs, (e) => e.name, "ECR repository", issues);
  const roles = repos.flatMap((r, i) =>
    r.deployRoles.map((item, j) => ({ item, path: ["repositories", i, "deployRoles", j, "name"] })),
  );
  checkUnique(roles, (d) => d.name, "deploy role", issues);
  const runners = repos.flatMap((r, i) =>
    r.runner ? [{ item: r.runner, path: ["repositories", i, "runner", "projectName"] }] : [],
  );
  checkUnique(runners, (p) => p.projectName, "runner project", issues);
  // Variable names are derived with upperSnake, so distinct names can collide there.
  checkDerivedVariables(roles.map(({ item, path }) => ({ name: item.name, path })), roleArnVariable, "deploy role", issues);
  checkDerivedVariables(ecrs.map(({ item, path }) => ({ name: item.name, path })), ecrRepositoryVariable, "ECR repository", issues);

  const ecrNames = new Set(ecrs.map((e) => e.item.name));
  const needsConnection: string[] = [];

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

    const generated = new Set([
      VARIABLE_AWS_REGION,
      VARIABLE_ECR_REGISTRY,
      ...repo.deployRoles.map((d) => roleArnVariable(d.name)),
      ...repos.flatMap((r) => r.ecrRepositories).map((e) => ecrRepositoryVariable(e.name)),
    ]);
    for (const name of Object.keys(repo.variables)) {
      if (generated.has(name.toUpperCase())) {
        issues.push({ path: at("variables", name), message: `"${name}" is set by the template itself (from aws and the ECR/role config); choose another name` });
      }
    }

    repo.deployRoles.forEach((role, j) => {
      const { branches, tags, environments, pullRequest } = role.allow;
      if (branches.length + tags.length + environments.length === 0 && !pullRequest && role.wildcardSubjects.length === 0) {
        issues.push({
          path: at("deployRoles", j, "allow"),
          message: "the role trusts no subject and could never be assumed: list branches, tags, environments or pullRequest: true",
        });
      }
      role.ecrPush.forEach((name, k) => {
        if (!ecrNames.has(name)) {
          issues.push({ path: at("deployRoles", j, "ecrPush", k), message: `unknown ECR repository "${name}" (defined: ${listOrNone(ecrNames)})` });
        }
      });
    });

    if (repo.runner) {
      if (repo.runner.legacyPersonalToken === undefined) needsConnection.push(`repositories[${i}].runner`);
      if (repo.runner.organizationWebhook && !isOrg) {
        issues.push({
          path: at("runner", "organizationWebhook"),
          message: "organisation webhooks need github.ownerType organization; github.ownerType is user (remove organizationWebhook for a repository webhook)",
        });
      }
    }
    issues.push(...publicRepositoryIssues(repo, at, config.self?.repository.toLowerCase() === repo.name.toLowerCase()));

    repo.workflows.forEach((wf, j) => {
      if (!ecrNames.has(wf.ecrRepository)) {
        issues.push({ path: at("workflows", j, "ecrRepository"), message: `unknown ECR repository "${wf.ecrRepository}" (defined: ${listOrNone(ecrNames)})` });
      }
      if (wf.runsOn === "codebuild" && !repo.runner) {
        issues.push({ path: at("workflows", j, "runsOn"), message: "runsOn codebuild needs a runner on this repository (add a runner section)" });
      }
      // Jobs on either runner get AWS permissions only through a deploy role: the trust policy
      // pins the branches, tags and environments; the runner's service role grants jobs nothing.
      const roleNames = repo.deployRoles.map((d) => d.name);
      if (wf.deployRole === undefined) {
        issues.push({
          path: at("workflows", j, "deployRole"),
          message: `required for runsOn ${wf.runsOn}: the job assumes this role through OIDC to push (this repository's roles: ${listOrNone(roleNames)})${wf.runsOn === "codebuild" ? "; the runner's service role holds no ECR permissions" : ""}`,
        });
      } else {
        const role = repo.deployRoles.find((d) => d.name === wf.deployRole);
        if (!role) {
          issues.push({
            path: at("workflows", j, "deployRole"),
            message: `unknown deploy role "${wf.deployRole}": a workflow assumes one of its own repository's roles (defined: ${listOrNone(roleNames)})`,
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

  issues.push(...selfIssues(config, roles.map(({ item, path }) => ({ name: item.name, path }))));

  if (needsConnection.length > 0 && config.codeConnection === undefined) {
    issues.push({
      path: ["codeConnection"],
      message: `required by ${needsConnection.join(", ")}: runners authenticate to GitHub through a CodeConnections GitHub App connection (add codeConnection: { name: <new connection name> } or { existingArn: ... })`,
    });
  }
  return issues;
}

type OptIn = keyof NonNullable<RepositoryConfig["publicRepositoryOptIns"]>;

/**
 * A public repository's pull requests (a fork's included) and anyone's workflow runs reach what
 * the repository trusts: each exposure needs its opt-in, and an opt-in needs its exposure.
 */
function publicRepositoryIssues(repo: RepositoryConfig, at: (...rest: (string | number)[]) => (string | number)[], isSelf: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const optIns = repo.publicRepositoryOptIns ?? {};
  const exposures: Record<OptIn, { at: (string | number)[]; what: string } | undefined> = {
    pullRequestTrust: (() => {
      const j = repo.deployRoles.findIndex((d) => d.allow.pullRequest);
      if (j >= 0) return { at: at("deployRoles", j, "allow", "pullRequest"), what: `role "${repo.deployRoles[j].name}" trusts pull_request, the subject of every pull request, a fork's included` };
      // The template's own plan role trusts the pull_request subject of the self repository.
      return isSelf ? { at: at("visibility"), what: "it is the self repository, whose plan role trusts pull_request, the subject of every pull request, a fork's included" } : undefined;
    })(),
    privilegedRunner: repo.runner?.privilegedMode.enabled
      ? { at: at("runner", "privilegedMode", "enabled"), what: "the runner is privileged, and any workflow run GitHub queues on it gets the Docker daemon" }
      : undefined,
    organizationRunner: repo.runner?.organizationWebhook
      ? { at: at("runner", "organizationWebhook"), what: "the runner is an organisation runner, shared with the organisation's other repositories" }
      : undefined,
    runnerWithoutActorFilter:
      repo.runner && repo.runner.allowedActorIds.length === 0
        ? { at: at("runner", "allowedActorIds"), what: "the runner admits jobs of anyone's workflow run (no runner.allowedActorIds)" }
        : undefined,
  };
  for (const [key, exposure] of Object.entries(exposures) as [OptIn, (typeof exposures)[OptIn]][]) {
    const reason = optIns[key];
    if (repo.visibility === "public" && exposure !== undefined && reason === undefined) {
      issues.push({
        path: exposure.at,
        message: `${repo.name} is public and ${exposure.what}: remove it${key === "runnerWithoutActorFilter" ? " by listing the numeric GitHub ids of the people whose runs may use the runner under runner.allowedActorIds" : ""}, or accept it with publicRepositoryOptIns.${key}: <reason> (at least 10 characters; printed on every synth)`,
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
  if (config.aws.stateBackend === undefined) {
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
