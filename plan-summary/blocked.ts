/**
 * The deploy gate's classification, shared by `npm run plan:check` (which fails on it) and the plan
 * summary (which flags it): the changes that lose access or data, each allowed only when the
 * config's `intendedChanges` names it. One function, so the comment and the gate cannot disagree.
 */
import type { IntendedChangeKind } from "../config/schema";
import { admins, repositoryAccess, type Grantee } from "./github";
import type { Change } from "./plan";

/** The shape of one `intendedChanges` entry (config/schema.ts), without loading zod here. */
export interface IntendedEntry {
  readonly change: IntendedChangeKind;
  readonly name?: string;
  readonly reason: string;
}

export interface BlockedChange {
  readonly kind: IntendedChangeKind;
  readonly stack: string;
  /** Every resource address behind it (a last-admin removal can span several grants). */
  readonly addresses: readonly string[];
  /** Repository, ECR repository or connection; undefined for the OIDC provider. */
  readonly name?: string;
  /** "delete", "replace" (its delete half) or "update" (a last admin lowered). */
  readonly action: "delete" | "replace" | "update";
  /** What is lost, in words (one sentence, no trailing period). */
  readonly lost: string;
  /** The entry that allows it, when the config has one. */
  readonly allowedBy?: IntendedEntry;
}

const ACCESS_TYPES = new Set(["github_repository_collaborators", "github_team_repository", "github_repository_collaborator"]);
const CONNECTION_TYPES = new Set(["aws_codeconnections_connection", "aws_codestarconnections_connection"]);

/** Terraform deletes the object (alone or as half of a replace); a `forget` keeps it. */
function deletes(c: Change): c is Change & { action: "delete" | "replace" } {
  return c.mode === "managed" && (c.action === "delete" || c.action === "replace");
}

function granteeText(g: Grantee): string {
  return `${g.kind === "team" ? `team ${g.name}` : g.name} (${g.permission})`;
}

function grantsOf(c: Change): Grantee[] {
  const b = c.before ?? {};
  if (c.type === "github_repository_collaborators") {
    const list = (v: unknown, kind: "user" | "team"): Grantee[] =>
      (Array.isArray(v) ? v : [])
        .filter((e) => typeof e === "object" && e !== null)
        .map((e: any) => ({ kind, name: String(kind === "user" ? e.username : (e.team_id ?? e.slug)), permission: uiWord(e.permission) }));
    return [...list(b.user, "user"), ...list(b.team, "team")];
  }
  const kind = c.type === "github_team_repository" ? "team" : "user";
  const name = kind === "team" ? b.team_id : b.username;
  return name === undefined ? [] : [{ kind, name: String(name), permission: uiWord(b.permission) }];
}

const UI: Record<string, string> = { pull: "read", push: "write" };
const uiWord = (p: unknown) => (typeof p === "string" ? (UI[p] ?? p) : "write");

/** What replacing or deleting each kind of object loses. */
function lostText(c: Change): string {
  const replace = c.action === "replace";
  switch (c.type) {
    case "aws_ecr_repository":
      return replace ? "the repository is deleted and created empty: every image in it is lost" : "the repository and every image in it";
    case "aws_iam_openid_connect_provider":
      return "every role that trusts GitHub Actions in this account stops working until the provider exists again";
    default:
      // A connection.
      return replace
        ? "the new connection is PENDING until someone completes the GitHub App handshake; runners cannot register until then"
        : "the GitHub App connection the runners use; a new one needs the console handshake again";
  }
}

function accessLost(c: Change, repository: string): string {
  const grants = grantsOf(c);
  const who = grants.length === 0 ? "nobody listed in the state" : grants.map(granteeText).join(", ");
  return c.action === "replace"
    ? `the access list of ${repository} is deleted and created again: ${who} ${grants.length === 1 ? "loses" : "lose"} access in between (invitations are sent again)`
    : `${who} ${grants.length === 1 ? "loses" : "lose"} their access to ${repository}`;
}

function sameName(kind: IntendedChangeKind, entry: string | undefined, name: string | undefined): boolean {
  if (kind === "delete-oidc-provider") return true;
  if (entry === undefined || name === undefined) return false;
  // GitHub repository names are case-insensitive; AWS names are not.
  return kind === "delete-repository-access" || kind === "remove-last-admin" ? entry.toLowerCase() === name.toLowerCase() : entry === name;
}

/** Every change of these plans that the deploy gate refuses unless `intended` names it. */
export function blockedChanges(changes: readonly Change[], intended: readonly IntendedEntry[] = []): BlockedChange[] {
  const found: Omit<BlockedChange, "allowedBy">[] = [];
  for (const c of changes) {
    if (!deletes(c)) continue;
    const before = c.before ?? {};
    if (ACCESS_TYPES.has(c.type)) {
      const repository = String(before.repository ?? c.after?.repository ?? "(unknown repository)");
      found.push({ kind: "delete-repository-access", stack: c.stack, addresses: [c.address], name: repository, action: c.action, lost: accessLost(c, repository) });
    } else if (c.type === "aws_ecr_repository") {
      found.push({ kind: "delete-ecr-repository", stack: c.stack, addresses: [c.address], name: String(before.name ?? c.address), action: c.action, lost: lostText(c) });
    } else if (c.type === "aws_iam_openid_connect_provider") {
      found.push({ kind: "delete-oidc-provider", stack: c.stack, addresses: [c.address], action: c.action, lost: lostText(c) });
    } else if (CONNECTION_TYPES.has(c.type)) {
      found.push({ kind: "delete-connection", stack: c.stack, addresses: [c.address], name: String(before.name ?? c.address), action: c.action, lost: lostText(c) });
    }
  }
  for (const a of repositoryAccess(changes)) {
    const before = admins(a.before);
    if (before.length === 0 || a.afterUnknown || admins(a.after).length > 0) continue;
    // Deleting every grant of the repository is already a delete-repository-access, named per resource.
    const remaining = changes.filter((c) => a.addresses.includes(c.address) && c.stack === a.stack && !deletes(c) && c.action !== "forget");
    if (remaining.length === 0) continue;
    found.push({
      kind: "remove-last-admin",
      stack: a.stack,
      addresses: a.addresses,
      name: a.repository,
      action: remaining.some((c) => c.action === "update" || c.action === "create") ? "update" : "delete",
      lost: `${before.map(granteeText).join(", ")} ${before.length === 1 ? "is the last admin" : "are the last admins"} of ${a.repository} in this config; afterwards only owners and organisation admins can change its settings, runners or access`,
    });
  }
  return found.map((b) => {
    const allowedBy = intended.find((e) => e.change === b.kind && sameName(b.kind, e.name, b.name));
    return allowedBy === undefined ? b : { ...b, allowedBy };
  });
}

/** The `intendedChanges` entry that allows a blocked change, as YAML lines (2-space list item). */
export function intendedEntryYaml(b: Pick<BlockedChange, "kind" | "name">): string[] {
  const lines = [`- change: ${b.kind}`];
  if (b.kind !== "delete-oidc-provider" && b.name !== undefined) lines.push(`  name: ${JSON.stringify(b.name)}`);
  lines.push(`  reason: "<why losing this is intended, at least 10 characters>"`);
  return lines;
}
