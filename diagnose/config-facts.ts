/**
 * Where things live in platform.yaml, so a diagnosis can say which key to change. Only fields the
 * config reference documents are read; anything else is found by value (a role named elsewhere in
 * the config is reported by its path), so new config sections need no change here.
 */
import type { PlatformConfig } from "../config/schema";

type Repository = PlatformConfig["repositories"][number];
type DeployRole = Repository["deployRoles"][number];

export interface RoleLocation {
  /** e.g. `repositories[0].deployRoles[0]` */
  readonly path: string;
  readonly repositoryPath?: string;
  readonly repository?: Repository;
  readonly role?: DeployRole;
}

export function locateRole(config: PlatformConfig, roleName: string): RoleLocation | undefined {
  for (const [i, repo] of config.repositories.entries()) {
    const j = repo.deployRoles.findIndex((r) => r.name === roleName);
    if (j >= 0) return { path: `repositories[${i}].deployRoles[${j}]`, repositoryPath: `repositories[${i}]`, repository: repo, role: repo.deployRoles[j] };
  }
  // A role shared by several repositories (top-level deployRoles[]).
  const k = config.deployRoles.findIndex((r) => r.name === roleName);
  if (k >= 0) return { path: `deployRoles[${k}]` };
  const path = pathOfValue(config, roleName);
  return path === undefined ? undefined : { path };
}

export function locateRepository(config: PlatformConfig, name: string): { path: string; repository: Repository } | undefined {
  const i = config.repositories.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
  return i < 0 ? undefined : { path: `repositories[${i}]`, repository: config.repositories[i] };
}

/** `repositories[0].deployRoles[0] (name)`, or the name alone when the config does not list it. */
export function describeRole(config: PlatformConfig | undefined, roleName: string): string {
  const at = config ? locateRole(config, roleName) : undefined;
  return at ? `${roleName} (${at.path})` : roleName;
}

/** The path of the first string in the config equal to `value`, e.g. `self.deployRoleName`. */
function pathOfValue(value: unknown, wanted: string, path = ""): string | undefined {
  if (value === wanted) return path;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = pathOfValue(v, wanted, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const found = pathOfValue(v, wanted, path ? `${path}.${k}` : k);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Workflows of the config that assume a role, with their paths. */
export function workflowsUsingRole(config: PlatformConfig, roleName: string): { path: string; workflow: Repository["workflows"][number] }[] {
  return config.repositories.flatMap((repo, i) =>
    repo.workflows.flatMap((w, j) => (w.deployRole === roleName ? [{ path: `repositories[${i}].workflows[${j}] (${w.file})`, workflow: w }] : [])),
  );
}
