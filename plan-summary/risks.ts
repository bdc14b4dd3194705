/**
 * Risk flags: the changes a reviewer must not miss, put at the top of the comment. They inform;
 * they never fail the tool (the plan workflow posts the comment either way).
 */
import { protectedChanges, runnerProjects, type RunnerProject } from "./aws";
import { accessRows, admins, type RepositoryAccessChange } from "./github";
import { permissionChanges, trustChanges } from "./iam";
import { code, plural } from "./markdown";
import type { Change } from "./plan";

export type RiskKind = "protected-resource" | "token-owner-loses-admin" | "last-admin-removed" | "trust-widened" | "permissions-widened";

export interface RiskFlag {
  readonly kind: RiskKind;
  /** Markdown, one line. */
  readonly text: string;
}

export interface RiskInput {
  readonly changes: readonly Change[];
  readonly access: readonly RepositoryAccessChange[];
  /** github provider owner per stack, when the plans say. */
  readonly owners: ReadonlyMap<string, string>;
}

export function riskFlags(input: RiskInput): RiskFlag[] {
  const flags: RiskFlag[] = [];
  for (const p of protectedChanges(input.changes)) {
    const verb = p.action === "replace" ? "Replace" : "Destroy";
    flags.push({
      kind: "protected-resource",
      text: `**${verb} of ${p.kind} ${code(p.name)}** (${code(p.address)} in ${code(p.stack)}): ${p.consequence}.${p.reason ? ` Cause: ${p.reason}.` : ""}`,
    });
  }

  const runners = runnerProjects(input.changes, "after").filter((r) => r.identity.kind === "token" && r.tokenOwner !== undefined);
  for (const a of input.access) {
    const owner = input.owners.get(a.stack);
    const full = owner ? `${owner}/${a.repository}` : a.repository;
    for (const row of accessRows(a)) {
      if (row.grantee.kind !== "user" || row.from !== "admin" || row.kind === "unknown") continue;
      for (const runner of runners.filter((r) => r.tokenOwner!.toLowerCase() === row.grantee.name.toLowerCase() && serves(r, a.repository, owner))) {
        const now = row.kind === "removed" ? "removed from the repository" : `lowered to ${row.to}`;
        flags.push({
          kind: "token-owner-loses-admin",
          text:
            `**${code(row.grantee.name)} loses admin on ${code(full)}** (${now}), and CodeBuild runner ${code(runner.name)} registers with ${code(row.grantee.name)}'s token: ` +
            `registering a runner needs admin, so its jobs will fail with "GitHub runner JIT configuration unavailable" (seed incident 000). ` +
            `Move the runner to the GitHub App connection first, or keep ${code(row.grantee.name)} admin.`,
        });
      }
    }
    const before = admins(a.before);
    if (before.length > 0 && !a.afterUnknown && admins(a.after).length === 0) {
      flags.push({
        kind: "last-admin-removed",
        text: `**Last admin of ${code(full)} removed**: ${before.map((g) => (g.kind === "team" ? `team ${code(g.name)}` : code(g.name))).join(", ")} ${before.length === 1 ? "was the only admin" : "were the only admins"} this config manages; afterwards only owners and organisation admins can change its settings, runners or access.`,
      });
    }
  }

  for (const t of trustChanges(input.changes)) {
    if (t.widening.length === 0) continue;
    flags.push({ kind: "trust-widened", text: `**Trust widened** on role ${code(t.role)} (${code(t.stack)}): ${t.widening.join("; ")}.` });
  }
  for (const p of permissionChanges(input.changes)) {
    if (p.widening.length === 0) continue;
    flags.push({ kind: "permissions-widened", text: `**Permissions widened** in ${code(p.policy)} (${code(p.stack)}): ${p.widening.join("; ")}.` });
  }
  return flags;
}

/** Does the runner serve this repository (its own repository, or every repository of its organisation)? */
function serves(runner: RunnerProject, repository: string, owner: string | undefined): boolean {
  const scope = runner.scope;
  if (scope === undefined) return true; // unknown scope: the login losing admin is reason enough to look
  if (owner !== undefined && scope.owner !== undefined && scope.owner.toLowerCase() !== owner.toLowerCase()) return false;
  return scope.repository === undefined || scope.repository.toLowerCase() === repository.toLowerCase();
}

export function riskHeadline(flags: readonly RiskFlag[]): string {
  return flags.length === 0 ? "No risk flags." : `${plural(flags.length, "risk flag")}:`;
}
