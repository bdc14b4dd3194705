/**
 * GitHub deployment environments in a plan (modules/deploy-environment.ts emits them): reviewers,
 * admin bypass, self-review, the deployment branch policy and its branch/tag patterns. A deploy
 * role that trusts `environment:<name>` is only as narrow as these rules, so every weakening is
 * named. Attribute names are integrations/github 6.x's (github_repository_environment,
 * github_repository_environment_deployment_policy).
 */
import { afterValue, referenceOf, type Change } from "./plan";

interface EnvironmentState {
  readonly users: readonly string[];
  readonly teams: readonly string[];
  readonly canAdminsBypass: boolean;
  readonly preventSelfReview: boolean;
  /** Words for deployment_branch_policy: "any branch", "protected branches", "matching patterns". */
  readonly branchPolicy: string;
}

export interface EnvironmentChange {
  readonly stack: string;
  readonly repository: string;
  readonly environment: string;
  /** What happens to the environment itself ("unchanged" when only its patterns change). */
  readonly action: Change["action"];
  readonly addresses: readonly string[];
  /** One line each: what changes. */
  readonly notes: readonly string[];
  /** The changes that let more runs in or need fewer approvals. */
  readonly weakening: readonly string[];
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(String).sort() : []);

function stateOf(v: any): EnvironmentState {
  const reviewers = Array.isArray(v?.reviewers) ? v.reviewers[0] : undefined;
  const policy = Array.isArray(v?.deployment_branch_policy) ? v.deployment_branch_policy[0] : undefined;
  return {
    users: ids(reviewers?.users),
    teams: ids(reviewers?.teams),
    // The provider's defaults: admins may bypass, self-review allowed.
    canAdminsBypass: v?.can_admins_bypass !== false,
    preventSelfReview: v?.prevent_self_review === true,
    branchPolicy: policy?.protected_branches === true ? "protected branches" : policy?.custom_branch_policies === true ? "matching patterns" : "any branch",
  };
}

function patternOf(v: any): string | undefined {
  if (typeof v?.branch_pattern === "string" && v.branch_pattern !== "") return `branch \`${v.branch_pattern}\``;
  if (typeof v?.tag_pattern === "string" && v.tag_pattern !== "") return `tag \`${v.tag_pattern}\``;
  return undefined;
}

const isPattern = (p: string) => /[*?[]/.test(p);

export function environmentChanges(changes: readonly Change[]): EnvironmentChange[] {
  type Entry = {
    stack: string;
    repository: string;
    environment: string;
    env?: Change;
    addresses: string[];
    beforePatterns: Set<string>;
    afterPatterns: Set<string>;
    unknownPatterns: number;
  };
  const byKey = new Map<string, Entry>();
  const entry = (stack: string, repository: string, environment: string): Entry => {
    const k = `${stack}\u0000${repository.toLowerCase()}\u0000${environment}`;
    if (!byKey.has(k)) byKey.set(k, { stack, repository, environment, addresses: [], beforePatterns: new Set(), afterPatterns: new Set(), unknownPatterns: 0 });
    return byKey.get(k)!;
  };
  const managed = changes.filter((c) => c.mode === "managed");
  for (const c of managed) {
    if (c.type !== "github_repository_environment") continue;
    const v = c.after ?? c.before ?? {};
    const e = entry(c.stack, String(v.repository ?? "(unknown repository)"), String(v.environment ?? "(unknown environment)"));
    e.env = c;
    e.addresses.push(c.address);
  }
  for (const c of managed) {
    if (c.type !== "github_repository_environment_deployment_policy") continue;
    const v = c.after ?? c.before ?? {};
    let environment = typeof v.environment === "string" ? v.environment : undefined;
    if (environment === undefined) {
      // environment = github_repository_environment.x.environment: follow the reference.
      const target = managed.find((x) => x.stack === c.stack && x.address === referenceOf(c, ["environment"]));
      const name = target?.after?.environment ?? target?.before?.environment;
      environment = typeof name === "string" ? name : undefined;
    }
    const e = entry(c.stack, String(v.repository ?? "(unknown repository)"), environment ?? "(unknown environment)");
    e.addresses.push(c.address);
    const before = c.action === "create" ? undefined : patternOf(c.before);
    if (before !== undefined) e.beforePatterns.add(before);
    if (c.action === "delete" || c.action === "forget") continue;
    const branch = afterValue(c, ["branch_pattern"]);
    const tag = afterValue(c, ["tag_pattern"]);
    if (!branch.known || !tag.known) e.unknownPatterns++;
    else {
      const after = patternOf(c.after);
      if (after !== undefined) e.afterPatterns.add(after);
    }
  }

  const out: EnvironmentChange[] = [];
  for (const e of byKey.values()) {
    const env = e.env;
    const action = env?.action ?? "no-op";
    const existed = env === undefined ? true : env.before !== null && env.action !== "create";
    const gone = action === "delete" || action === "forget";
    const patternsAdded = [...e.afterPatterns].filter((p) => !e.beforePatterns.has(p));
    const patternsRemoved = [...e.beforePatterns].filter((p) => !e.afterPatterns.has(p));
    const notes: string[] = [];
    const weakening: string[] = [];
    if (action === "delete") {
      weakening.push("environment deleted: a job that names it re-creates it on GitHub with no reviewers and no branch rules");
    } else if (action === "replace") {
      notes.push("environment replaced (deleted and created again)");
    }
    if (env !== undefined && !gone && env.after !== null) {
      const b = existed && env.before !== null ? stateOf(env.before) : undefined;
      const a = stateOf(env.after);
      const settingsKnown = afterValue(env, ["reviewers"]).known && afterValue(env, ["deployment_branch_policy"]).known;
      if (!settingsKnown) notes.push("reviewers or branch policy known after apply");
      const removedUsers = (b?.users ?? []).filter((u) => !a.users.includes(u));
      const removedTeams = (b?.teams ?? []).filter((t) => !a.teams.includes(t));
      const addedUsers = a.users.filter((u) => !(b?.users ?? []).includes(u));
      const addedTeams = a.teams.filter((t) => !(b?.teams ?? []).includes(t));
      if (addedUsers.length + addedTeams.length > 0) notes.push(`${b === undefined ? "reviewers" : "reviewers added"}: ${[...addedUsers.map((u) => `user ${u}`), ...addedTeams.map((t) => `team ${t}`)].join(", ")}`);
      if (settingsKnown && removedUsers.length + removedTeams.length > 0) {
        const who = [...removedUsers.map((u) => `user ${u}`), ...removedTeams.map((t) => `team ${t}`)].join(", ");
        weakening.push(a.users.length + a.teams.length === 0 ? `reviewers removed (${who}): runs enter it without approval` : `reviewers removed: ${who}`);
      }
      if (a.canAdminsBypass && (b === undefined || !b.canAdminsBypass)) weakening.push("admins can bypass its protection rules (can_admins_bypass)");
      if (b !== undefined && b.preventSelfReview && !a.preventSelfReview) weakening.push("whoever triggers a run may approve it (prevent_self_review off)");
      if (settingsKnown && b !== undefined && b.branchPolicy !== a.branchPolicy) {
        const text = `branch policy ${b.branchPolicy} -> ${a.branchPolicy}`;
        if (a.branchPolicy === "any branch" || a.branchPolicy === "protected branches") weakening.push(a.branchPolicy === "any branch" ? `${text}: every branch may deploy` : `${text}: every protected branch may deploy`);
        else notes.push(text);
      } else if (settingsKnown && b === undefined && a.branchPolicy === "any branch") {
        weakening.push("no branch policy: every branch may deploy");
      }
    }
    for (const p of patternsAdded) {
      if (existed && !gone) weakening.push(`new ${p} may deploy`);
      else if (isPattern(p)) weakening.push(`${p} is a pattern: every matching ref may deploy`);
      else notes.push(`${p} may deploy`);
    }
    // A new wildcard on an existing environment is named once, as new.
    if (patternsRemoved.length > 0) notes.push(`no longer allowed: ${patternsRemoved.join(", ")}`);
    if (e.unknownPatterns > 0) notes.push(`${e.unknownPatterns === 1 ? "a branch/tag pattern" : `${e.unknownPatterns} branch/tag patterns`} known only after apply`);
    if (action === "no-op" && notes.length + weakening.length === 0) continue;
    out.push({ stack: e.stack, repository: e.repository, environment: e.environment, action, addresses: e.addresses, notes, weakening: [...new Set(weakening)] });
  }
  return out;
}
