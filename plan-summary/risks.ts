/**
 * Risk flags: the changes a reviewer must not miss, put at the top of the comment. They inform;
 * they never fail the tool (the plan workflow posts the comment either way).
 */
import { WORKFLOW_DIR } from "../domain/github";
import { protectedChanges, runnerProjects, type RunnerProject } from "./aws";
import { blockedChanges, type BlockedChange, type IntendedEntry } from "./blocked";
import { environmentChanges } from "./environments";
import { accessRows, admins, type Grantee, type RepositoryAccessChange } from "./github";
import { permissionChanges, trustChanges } from "./iam";
import { code } from "./markdown";
import type { Change } from "./plan";

export type RiskKind =
  | "protected-resource"
  | "token-owner-loses-admin"
  | "last-admin-removed"
  | "trust-widened"
  | "subject-format-changed"
  | "permissions-widened"
  | "known-after-apply"
  | "access-list-deleted"
  | "access-becomes-authoritative"
  | "login-case-mismatch"
  | "admin-granted"
  | "team-added"
  | "environment-weakened";

/** Flags about something that widens rather than breaks or loses: shown orange, the rest red. */
export const WIDENING_KINDS: ReadonlySet<RiskKind> = new Set<RiskKind>(["trust-widened", "permissions-widened", "admin-granted", "team-added", "environment-weakened"]);

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
  /** The config's intendedChanges, when the caller has the config; the deploy gate lets these through. */
  readonly intended?: readonly IntendedEntry[];
}

/** How a blocked change reads in a flag: refused by the gate, or let through and why. */
function gateNote(b: BlockedChange | undefined): string {
  if (b === undefined) return "";
  if (b.allowedBy !== undefined) return ` The deploy gate lets it through: allowed by intendedChanges: ${code(b.allowedBy.reason)}.`;
  const entry = b.name === undefined || b.kind === "delete-oidc-provider" ? `change: ${b.kind}` : `change: ${b.kind}, name: ${b.name}`;
  return ` **The deploy gate (\`npm run plan:check\`) refuses it** unless \`intendedChanges\` names it (${code(entry)}, with a reason).`;
}

const RANK: Record<string, number> = { read: 0, triage: 1, write: 2, maintain: 3, admin: 4 };
const granteeText = (g: Grantee) => (g.kind === "team" ? `team ${code(g.name)}` : code(g.name));

/** Attributes where a value known only after apply can hide an injected expression. */
function sensitiveUnknowns(c: Change): { what: string; paths: string[][] } | undefined {
  switch (c.type) {
    case "aws_iam_role":
      return { what: "Trust policy", paths: [["assume_role_policy"]] };
    case "aws_iam_role_policy":
    case "aws_iam_policy":
    case "aws_iam_user_policy":
    case "aws_iam_group_policy":
      return { what: "Permissions policy", paths: [["policy"]] };
    case "github_repository_environment_deployment_policy":
      return { what: "Deployment branch policy", paths: [["branch_pattern"], ["tag_pattern"]] };
    case "github_repository_environment":
      return { what: "Deployment branch policy", paths: [["deployment_branch_policy"]] };
    case "github_repository_file": {
      const file = (c.after ?? {}).file;
      // A file whose path is itself unknown may be a workflow.
      return typeof file === "string" && !file.startsWith(WORKFLOW_DIR) && !anyUnknown(c.afterUnknown?.file) ? undefined : { what: "Workflow file content", paths: [["content"], ["file"]] };
    }
    default:
      return undefined;
  }
}

function anyUnknown(marks: unknown): boolean {
  if (marks === true) return true;
  if (marks === null || typeof marks !== "object") return false;
  return Object.values(marks).some(anyUnknown);
}

function marksAt(c: Change, path: readonly string[]): unknown {
  let m: unknown = c.afterUnknown;
  for (const step of path) {
    if (m === true) return true;
    m = m !== null && typeof m === "object" ? (m as Record<string, unknown>)[step] : undefined;
  }
  return m;
}

/** The references the configuration's expression for the attribute reads (the most specific ones). */
function referencesOf(c: Change, path: readonly string[]): string[] {
  let e: any = c.expressions;
  for (const step of path) e = e?.[step];
  const refs: string[] = (Array.isArray(e?.references) ? e.references : []).filter((r: unknown): r is string => typeof r === "string");
  return [...new Set(refs.filter((r) => !refs.some((o) => o !== r && o.startsWith(`${r}.`))))];
}

function knownAfterApplyFlags(changes: readonly Change[]): RiskFlag[] {
  const flags: RiskFlag[] = [];
  for (const c of changes) {
    if (c.mode !== "managed" || !["create", "update", "replace"].includes(c.action) || c.after === null) continue;
    const spec = sensitiveUnknowns(c);
    if (spec === undefined) continue;
    const unknown = spec.paths.filter((p) => anyUnknown(marksAt(c, p)));
    if (unknown.length === 0) continue;
    const refs = [...new Set(unknown.flatMap((p) => referencesOf(c, p)))];
    const reads = refs.length > 0 ? ` The configuration computes it from ${refs.map((r) => code(r)).join(", ")}: check that these are the resources you expect.` : " The plan names no reference it is computed from: read it in the synthesized cdk.tf.json.";
    flags.push({
      kind: "known-after-apply",
      text: `**${spec.what} known only after apply** (${code(c.address)} in ${code(c.stack)}): this plan cannot show what it will be, and an injected \`\${...}\` expression hides exactly there.${reads}`,
    });
  }
  return flags;
}

export function riskFlags(input: RiskInput): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const blocked = blockedChanges(input.changes, input.intended ?? []);
  const gateOf = (kind: BlockedChange["kind"], stack: string, address: string) => blocked.find((b) => b.kind === kind && b.stack === stack && b.addresses.includes(address));
  const PROTECTED_KIND: Record<string, BlockedChange["kind"]> = {
    aws_ecr_repository: "delete-ecr-repository",
    aws_iam_openid_connect_provider: "delete-oidc-provider",
    aws_codeconnections_connection: "delete-connection",
    aws_codestarconnections_connection: "delete-connection",
  };
  const typeOf = new Map(input.changes.map((c) => [`${c.stack}\u0000${c.address}`, c.type]));
  for (const p of protectedChanges(input.changes)) {
    const verb = p.action === "replace" ? "Replace" : "Destroy";
    const gate = gateOf(PROTECTED_KIND[typeOf.get(`${p.stack}\u0000${p.address}`) ?? ""], p.stack, p.address);
    flags.push({
      kind: "protected-resource",
      text: `**${verb} of ${p.kind} ${code(p.name)}** (${code(p.address)} in ${code(p.stack)}): ${p.consequence}.${p.reason ? ` Cause: ${p.reason}.` : ""}${gateNote(gate)}`,
    });
  }
  for (const b of blocked.filter((x) => x.kind === "delete-repository-access")) {
    const owner = input.owners.get(b.stack);
    const full = owner ? `${owner}/${b.name}` : String(b.name);
    flags.push({
      kind: "access-list-deleted",
      text: `**${b.action === "replace" ? "Replace" : "Destroy"} of the access list of ${code(full)}** (${b.addresses.map((a) => code(a)).join(", ")} in ${code(b.stack)}): ${b.lost}.${gateNote(b)}`,
    });
  }
  flags.push(...knownAfterApplyFlags(input.changes));

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
        text: `**Last admin of ${code(full)} removed**: ${before.map((g) => (g.kind === "team" ? `team ${code(g.name)}` : code(g.name))).join(", ")} ${before.length === 1 ? "was the only admin" : "were the only admins"} this config manages; afterwards only owners and organisation admins can change its settings, runners or access.${gateNote(blocked.find((b) => b.kind === "remove-last-admin" && b.stack === a.stack && b.name === a.repository))}`,
      });
    }
    flags.push(...accessFlags(a, full, input.changes));
  }
  for (const e of environmentChanges(input.changes)) {
    if (e.weakening.length === 0) continue;
    const owner = input.owners.get(e.stack);
    const full = owner && !e.repository.startsWith("(") ? `${owner}/${e.repository}` : e.repository;
    flags.push({ kind: "environment-weakened", text: `**Environment ${code(e.environment)} of ${code(full)} weakened** (${code(e.stack)}): ${e.weakening.join("; ")}.` });
  }

  for (const t of trustChanges(input.changes)) {
    for (const f of t.formatChanges) {
      // Adding the second form (a migration) breaks nothing; dropping the form GitHub sends today does.
      const dropped = f.from.filter((x) => !f.to.includes(x));
      if (dropped.length === 0) continue;
      const now = f.to.join(" and ");
      flags.push({
        kind: "subject-format-changed",
        text:
          `**${code(f.repository)} trusted in another subject format** on role ${code(t.role)} (${code(t.stack)}): the same repository, now in the ${now} form only${f.example ? ` (${code(f.example)})` : ""}, no longer ${dropped.join(" or ")}. ` +
          `Its runs fail with "Not authorized to perform sts:AssumeRoleWithWebIdentity" until GitHub sends that form (the repository's OIDC subject setting); trust both forms (\`subjectFormat: both\`) until the switch is made.`,
      });
    }
    if (t.widening.length === 0) continue;
    flags.push({ kind: "trust-widened", text: `**Trust widened** on role ${code(t.role)} (${code(t.stack)}): ${t.widening.join("; ")}.` });
  }
  for (const p of permissionChanges(input.changes)) {
    if (p.widening.length === 0) continue;
    flags.push({ kind: "permissions-widened", text: `**Permissions widened** in ${code(p.policy)} (${code(p.stack)}): ${p.widening.join("; ")}.` });
  }
  return flags;
}

/** Who loses access when the list becomes authoritative, logins in another case, admin/maintain grants, teams added. */
function accessFlags(a: RepositoryAccessChange, full: string, changes: readonly Change[]): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const lists = changes.filter((c) => c.stack === a.stack && a.addresses.includes(c.address) && c.type === "github_repository_collaborators");
  const authoritative = lists.filter((c) => c.importing || c.action === "create");
  if (authoritative.some((c) => c.importing) && !a.afterUnknown) {
    const losing = [...a.before].filter(([k]) => !a.after.has(k)).map(([, g]) => g);
    if (losing.length > 0) {
      flags.push({
        kind: "access-becomes-authoritative",
        text: `**Access to ${code(full)} becomes authoritative** (imported; ${lists.map((c) => code(c.address)).join(", ")}): ${losing.map((g) => `${granteeText(g)} (${g.permission})`).join(", ")} ${losing.length === 1 ? "has" : "have"} access on GitHub today, ${losing.length === 1 ? "is" : "are"} not in the config, and will be removed. Add them to the repository's \`collaborators\` to keep them.`,
      });
    }
  } else if (authoritative.some((c) => c.action === "create" && !c.importing)) {
    flags.push({
      kind: "access-becomes-authoritative",
      text: `**Access to ${code(full)} becomes authoritative** (created without an import): when applied, the provider removes every direct collaborator and team of the repository that the config does not list, and this plan cannot show who they are. Import the existing access list first so the plan lists them.`,
    });
  }
  for (const [k, b] of a.before) {
    const now = a.after.get(k);
    if (b.kind !== "user" || now === undefined || now.name === b.name) continue;
    flags.push({
      kind: "login-case-mismatch",
      text: `**${code(b.name)} removed and ${code(now.name)} added on ${code(full)}**: the provider compares logins exactly, so the same person is removed and invited again (no access until they accept, and the next plan shows it again). Write the login as GitHub has it: ${code(b.name)}.`,
    });
  }
  for (const row of accessRows(a)) {
    if (row.kind === "added" && row.grantee.kind === "team") {
      flags.push({
        kind: "team-added",
        text: `**Team ${code(row.grantee.name)} added to ${code(full)}** (${row.to}): everyone in the team, now and later, gets this access${row.to === "admin" || row.to === "maintain" ? `, including ${row.to}` : ""}.`,
      });
    } else if ((row.kind === "added" || row.kind === "changed") && (row.to === "admin" || row.to === "maintain") && (row.from === undefined || (RANK[row.from] ?? -1) < RANK[row.to])) {
      flags.push({
        kind: "admin-granted",
        text: `**${row.grantee.kind === "team" ? `Team ${code(row.grantee.name)}` : code(row.grantee.name)} gets ${row.to} on ${code(full)}** (${row.kind === "added" ? "new" : `was ${row.from}`}).`,
      });
    }
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
