/**
 * The GitHub side of a plan: who may do what on each repository, the workflow files and the
 * Actions variables, each as before/after pairs read from integrations/github resources.
 */
import { WORKFLOW_DIR } from "../domain/github";
import { afterValue, type Change } from "./plan";

/** API permission words -> the words GitHub's UI and platform.yaml use. */
const UI_PERMISSION: Record<string, string> = { pull: "read", push: "write", triage: "triage", maintain: "maintain", admin: "admin" };

function uiPermission(permission: string): string {
  return UI_PERMISSION[permission.toLowerCase()] ?? permission;
}

export interface Grantee {
  readonly kind: "user" | "team";
  /** Login or team slug/id as written in the plan. */
  readonly name: string;
  /** GitHub's UI word (read, triage, write, maintain, admin) or a custom role's name. */
  readonly permission: string;
}

export interface RepositoryAccessChange {
  readonly stack: string;
  readonly repository: string;
  /** Lower-cased `kind:name` -> grantee; logins are case-insensitive on GitHub. */
  readonly before: ReadonlyMap<string, Grantee>;
  readonly after: ReadonlyMap<string, Grantee>;
  /** Some of the after side is only known after apply. */
  readonly afterUnknown: boolean;
  readonly addresses: readonly string[];
}

export interface AccessRow {
  readonly stack: string;
  readonly repository: string;
  readonly grantee: Grantee;
  readonly kind: "changed" | "added" | "removed" | "unknown";
  readonly from?: string;
  readonly to?: string;
}

const key = (g: Pick<Grantee, "kind" | "name">) => `${g.kind}:${g.name.toLowerCase()}`;

function granteesOf(value: any, kind: "user" | "team"): Grantee[] {
  const list = Array.isArray(value) ? value : [];
  return list
    .filter((e) => typeof e === "object" && e !== null)
    .map((e) => ({
      kind,
      name: String(kind === "user" ? e.username : e.team_id ?? e.slug),
      // The provider's default permission is push.
      permission: uiPermission(typeof e.permission === "string" ? e.permission : "push"),
    }));
}

/**
 * Access per repository across the plans: github_repository_collaborators (authoritative),
 * github_repository_collaborator and github_team_repository (one grant each).
 */
export function repositoryAccess(changes: readonly Change[]): RepositoryAccessChange[] {
  type Entry = { stack: string; repository: string; before: Map<string, Grantee>; after: Map<string, Grantee>; afterUnknown: boolean; addresses: string[] };
  const byRepo = new Map<string, Entry>();
  const entry = (stack: string, repository: string): Entry => {
    const k = `${stack}\u0000${repository}`;
    if (!byRepo.has(k)) byRepo.set(k, { stack, repository, before: new Map(), after: new Map(), afterUnknown: false, addresses: [] });
    return byRepo.get(k)!;
  };
  for (const c of changes) {
    if (c.mode !== "managed") continue;
    const repoOf = () => String((c.after ?? c.before)?.repository ?? "(unknown repository)");
    const gone = c.action === "delete" || c.action === "forget";
    if (c.type === "github_repository_collaborators") {
      const e = entry(c.stack, repoOf());
      e.addresses.push(c.address);
      for (const g of [...granteesOf(c.before?.user, "user"), ...granteesOf(c.before?.team, "team")]) e.before.set(key(g), g);
      if (gone) continue;
      for (const attr of ["user", "team"] as const) {
        const v = afterValue(c, [attr]);
        if (!v.known) {
          e.afterUnknown = true;
          continue;
        }
        for (const g of granteesOf(v.value, attr === "user" ? "user" : "team")) e.after.set(key(g), g);
      }
    } else if (c.type === "github_repository_collaborator" || c.type === "github_team_repository") {
      const kind = c.type === "github_team_repository" ? "team" : "user";
      const one = (v: any): Grantee | undefined =>
        v && typeof v === "object"
          ? { kind, name: String(kind === "user" ? v.username : v.team_id), permission: uiPermission(String(v.permission ?? "push")) }
          : undefined;
      const e = entry(c.stack, repoOf());
      e.addresses.push(c.address);
      const b = one(c.before);
      if (b) e.before.set(key(b), b);
      if (!gone) {
        const a = one(c.after);
        if (a) e.after.set(key(a), a);
      }
    }
  }
  return [...byRepo.values()];
}

export function accessRows(access: RepositoryAccessChange): AccessRow[] {
  const rows: AccessRow[] = [];
  const at = { stack: access.stack, repository: access.repository };
  for (const [k, b] of access.before) {
    const a = access.after.get(k);
    if (a === undefined) {
      rows.push({ ...at, grantee: b, kind: access.afterUnknown ? "unknown" : "removed", from: b.permission });
    } else if (a.permission !== b.permission) {
      rows.push({ ...at, grantee: a, kind: "changed", from: b.permission, to: a.permission });
    }
  }
  for (const [k, a] of access.after) if (!access.before.has(k)) rows.push({ ...at, grantee: a, kind: "added", to: a.permission });
  const order = { user: 0, team: 1 };
  return rows.sort((x, y) => order[x.grantee.kind] - order[y.grantee.kind] || x.grantee.name.localeCompare(y.grantee.name));
}

export function admins(grantees: ReadonlyMap<string, Grantee>): Grantee[] {
  return [...grantees.values()].filter((g) => g.permission === "admin");
}

// ---------------------------------------------------------------------------------------------
// Workflow files and variables
// ---------------------------------------------------------------------------------------------

export interface FileChange {
  readonly stack: string;
  readonly address: string;
  readonly repository: string;
  readonly path: string;
  readonly action: "added" | "changed" | "removed" | "replaced";
  readonly isWorkflow: boolean;
  readonly before?: string;
  /** undefined when the content is only known after apply. */
  readonly after?: string;
  readonly afterKnown: boolean;
}

/** github_repository_file changes (no-ops excluded). Content in plan JSON is the file's text: Terraform's $${ escaping is already undone. */
export function fileChanges(changes: readonly Change[]): FileChange[] {
  const out: FileChange[] = [];
  for (const c of changes) {
    if (c.type !== "github_repository_file" || c.mode !== "managed") continue;
    const action = c.action === "create" ? "added" : c.action === "delete" ? "removed" : c.action === "replace" ? "replaced" : c.action === "update" ? "changed" : undefined;
    if (action === undefined) continue;
    const content = afterValue(c, ["content"]);
    const subject = c.after ?? c.before ?? {};
    const path = String(subject.file ?? "(unknown file)");
    out.push({
      stack: c.stack,
      address: c.address,
      repository: String(subject.repository ?? "(unknown repository)"),
      path,
      action,
      isWorkflow: path.startsWith(WORKFLOW_DIR),
      before: typeof c.before?.content === "string" ? c.before.content : undefined,
      after: action !== "removed" && content.known && typeof content.value === "string" ? content.value : undefined,
      afterKnown: action === "removed" || content.known,
    });
  }
  return out;
}

export interface VariableChange {
  readonly stack: string;
  readonly repository: string;
  readonly name: string;
  readonly action: "added" | "changed" | "removed" | "replaced";
  readonly before?: string;
  readonly after?: string;
  readonly afterKnown: boolean;
}

const VARIABLE_TYPES = new Set(["github_actions_variable", "github_actions_environment_variable", "github_actions_organization_variable"]);

function variableScope(v: any, type: string): string {
  if (type === "github_actions_organization_variable") return "(organisation)";
  const repo = String(v?.repository ?? "(unknown repository)");
  return type === "github_actions_environment_variable" ? `${repo} (environment ${String(v?.environment)})` : repo;
}

export function variableChanges(changes: readonly Change[]): VariableChange[] {
  const out: VariableChange[] = [];
  for (const c of changes) {
    if (!VARIABLE_TYPES.has(c.type) || c.mode !== "managed") continue;
    const action = c.action === "create" ? "added" : c.action === "delete" ? "removed" : c.action === "replace" ? "replaced" : c.action === "update" ? "changed" : undefined;
    if (action === undefined) continue;
    const subject = c.after ?? c.before ?? {};
    const value = afterValue(c, ["value"]);
    out.push({
      stack: c.stack,
      repository: variableScope(subject, c.type),
      name: String(subject.variable_name ?? "(unknown)"),
      action,
      before: typeof c.before?.value === "string" ? c.before.value : undefined,
      after: value.known && typeof value.value === "string" ? value.value : undefined,
      afterKnown: action === "removed" || value.known,
    });
  }
  return out;
}

/**
 * Repository Actions variables as they stand before and after the plan: repository -> name -> value
 * (undefined value: known after apply).
 */
export function variableStates(changes: readonly Change[], side: "before" | "after"): Map<string, Map<string, string | undefined>> {
  const map = new Map<string, Map<string, string | undefined>>();
  for (const c of changes) {
    if (c.type !== "github_actions_variable" || c.mode !== "managed") continue;
    let value: string | undefined;
    let subject: any;
    if (side === "before") {
      if (c.before === null || c.action === "create") continue;
      subject = c.before;
      value = typeof c.before.value === "string" ? c.before.value : undefined;
    } else {
      if (c.after === null || c.action === "delete" || c.action === "forget") continue;
      subject = c.after;
      const v = afterValue(c, ["value"]);
      value = v.known && typeof v.value === "string" ? v.value : undefined;
    }
    const repo = String(subject.repository);
    if (!map.has(repo)) map.set(repo, new Map());
    map.get(repo)!.set(String(subject.variable_name), value);
  }
  return map;
}

export interface WorkflowState {
  readonly stack: string;
  readonly address: string;
  readonly repository: string;
  readonly path: string;
  /** undefined: known after apply. */
  readonly text?: string;
}

/** Workflow files as they stand before or after the plan (no-ops included). */
export function workflowStates(changes: readonly Change[], side: "before" | "after"): WorkflowState[] {
  const out: WorkflowState[] = [];
  for (const c of changes) {
    if (c.type !== "github_repository_file" || c.mode !== "managed") continue;
    if (side === "before" ? c.before === null || c.action === "create" : c.after === null || c.action === "delete" || c.action === "forget") continue;
    const subject = side === "before" ? c.before : c.after;
    const path = String(subject.file ?? "");
    if (!path.startsWith(WORKFLOW_DIR)) continue;
    let text: string | undefined;
    if (side === "before") text = typeof subject.content === "string" ? subject.content : undefined;
    else {
      const v = afterValue(c, ["content"]);
      text = v.known && typeof v.value === "string" ? v.value : undefined;
    }
    out.push({ stack: c.stack, address: c.address, repository: String(subject.repository ?? ""), path, text });
  }
  return out;
}
