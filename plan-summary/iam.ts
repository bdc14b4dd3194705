/**
 * IAM in a plan: who a role trusts (OIDC subjects and other principals) and what its policies
 * allow, compared before/after. Policies are JSON strings in plans; a policy only known after
 * apply (it holds an ARN AWS assigns) is read from the configuration's jsonencode text instead,
 * with the unknown parts named.
 */
import { OIDC_HOST } from "../config/derive";
import { asArray, parsePolicy, type Statement } from "../guardrails/support";
import { afterValue, configText, referenceOf, type Change } from "./plan";

/** A policy from the configuration's `${jsonencode(...)}` text (guardrails' reader handles both forms). */
function parseConfigPolicy(text: string | undefined): ReturnType<typeof parsePolicy> {
  return text === undefined ? undefined : parsePolicy(text);
}

// As in modules/policy-document, without loading cdktf into this tool.
const SUB_KEY = `${OIDC_HOST}:sub`;
const AUD_KEY = `${OIDC_HOST}:aud`;

export interface TrustEntry {
  /** `repo:...` subject, `*` when the statement has no subject condition, or `service:x` / `aws:x` / `federated:x`. */
  readonly value: string;
  readonly kind: "subject" | "principal";
  /** Matched with a *Like operator (wildcards are patterns). */
  readonly like: boolean;
}

export interface Trust {
  readonly entries: ReadonlyMap<string, TrustEntry>;
  /** Some GitHub OIDC statement pins the audience. */
  readonly audiencePinned: boolean;
  readonly hasOidc: boolean;
}

const entryKey = (e: TrustEntry) => `${e.kind}:${e.like ? "like" : "eq"}:${e.value}`;

function allowsWebIdentity(s: Statement): boolean {
  return asArray(s.Action).some((a) => /^(sts:AssumeRoleWithWebIdentity|sts:\*|\*)$/i.test(a));
}

function federatedOf(s: Statement): string[] {
  const p = s.Principal;
  if (p !== null && typeof p === "object" && !Array.isArray(p)) return asArray((p as Record<string, any>).Federated).map(String);
  return [];
}

/** Condition values for a key under any operator, with whether the operator is a *Like one. */
function conditionValues(s: Statement, key: string): { value: string; like: boolean }[] {
  const out: { value: string; like: boolean }[] = [];
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    if (typeof block !== "object" || block === null) continue;
    for (const [k, v] of Object.entries(block)) {
      if (k.toLowerCase() !== key) continue;
      for (const value of asArray(v)) out.push({ value: String(value), like: /like/i.test(operator) });
    }
  }
  return out;
}

/** Reads a trust policy; undefined when it is not a readable policy document. */
export function readTrust(policy: unknown): Trust | undefined {
  const doc = typeof policy === "object" && policy !== null ? (policy as { Statement: Statement[] }) : parsePolicy(policy);
  if (doc === undefined) return undefined;
  const entries = new Map<string, TrustEntry>();
  let audiencePinned = false;
  let hasOidc = false;
  const add = (e: TrustEntry) => entries.set(entryKey(e), e);
  for (const s of doc.Statement) {
    if (s.Effect !== "Allow") continue;
    const federated = federatedOf(s);
    const isOidc =
      allowsWebIdentity(s) &&
      (federated.some((f) => f.includes(OIDC_HOST)) || conditionValues(s, SUB_KEY).length + conditionValues(s, AUD_KEY).length > 0);
    if (isOidc) {
      hasOidc = true;
      const subjects = conditionValues(s, SUB_KEY);
      if (conditionValues(s, AUD_KEY).length > 0) audiencePinned = true;
      // Without a subject condition every workflow on GitHub that asks for this audience matches.
      if (subjects.length === 0) add({ value: "*", kind: "subject", like: true });
      for (const sub of subjects) add({ value: sub.value, kind: "subject", like: sub.like });
      continue;
    }
    const p = s.Principal;
    if (p === "*") add({ value: "aws:*", kind: "principal", like: false });
    else if (p !== null && typeof p === "object" && !Array.isArray(p)) {
      for (const [kind, values] of Object.entries(p as Record<string, any>)) {
        for (const v of asArray(values)) add({ value: `${kind.toLowerCase()}:${String(v)}`, kind: "principal", like: false });
      }
    }
  }
  return { entries, audiencePinned, hasOidc };
}

/** `repo:owner/repo:ref:...` -> `owner/repo` (immutable subjects keep their ids). */
export function subjectRepository(subject: string): string | undefined {
  const m = /^repo:([^:]+)(:|$)/.exec(subject);
  return m ? m[1] : undefined;
}

function isWildcard(e: TrustEntry): boolean {
  return e.value === "*" || (e.like && /[*?]/.test(e.value));
}

export interface TrustChange {
  readonly stack: string;
  readonly address: string;
  readonly role: string;
  readonly action: Change["action"];
  readonly added: readonly TrustEntry[];
  readonly removed: readonly TrustEntry[];
  /** Why the change lets more callers assume the role; empty when it does not. */
  readonly widening: readonly string[];
  /** The new trust policy is only known after apply. */
  readonly afterUnknown: boolean;
  /** A policy text could not be read as a policy document. */
  readonly unreadable: boolean;
}

export function roleName(change: Change): string {
  const v = change.after?.name ?? change.before?.name;
  return typeof v === "string" && v !== "" ? v : change.address;
}

/** Trust-policy changes of every aws_iam_role that is created, deleted, or whose trust changes. */
export function trustChanges(changes: readonly Change[]): TrustChange[] {
  const out: TrustChange[] = [];
  for (const c of changes) {
    if (c.type !== "aws_iam_role" || c.mode !== "managed" || c.action === "no-op" || c.action === "read") continue;
    const removedRole = c.action === "delete" || c.action === "forget";
    const beforeText = c.action === "create" ? undefined : c.before?.assume_role_policy;
    const afterV = removedRole ? { known: true as const, value: undefined } : afterValue(c, ["assume_role_policy"]);
    if (c.action === "update" && afterV.known && afterV.value === beforeText) continue;
    const before = beforeText === undefined ? undefined : readTrust(beforeText);
    // Unknown after apply: the configuration's jsonencode text still names the subjects.
    const afterText = afterV.known ? afterV.value : configText(c, ["assume_role_policy"]);
    const after = afterV.known ? (afterText === undefined ? undefined : readTrust(afterText)) : readTrust(parseConfigPolicy(afterText as string | undefined));
    const unreadable = (beforeText !== undefined && before === undefined) || (afterText !== undefined && after === undefined);
    const b = before?.entries ?? new Map<string, TrustEntry>();
    const a = after?.entries ?? new Map<string, TrustEntry>();
    const added = [...a].filter(([k]) => !b.has(k)).map(([, e]) => e);
    const removed = [...b].filter(([k]) => !a.has(k)).map(([, e]) => e);
    const widening: string[] = [];
    const beforeRepos = new Set([...b.values()].map((e) => subjectRepository(e.value)).filter((r) => r !== undefined));
    for (const e of added) {
      if (e.kind === "subject") {
        if (e.value === "*") widening.push("no subject condition: any workflow on GitHub that requests this audience can assume it");
        else if (isWildcard(e)) widening.push(`wildcard subject \`${e.value}\``);
        if (/:pull_request$/.test(e.value)) widening.push(`pull_request runs \`${e.value}\``);
        const repo = subjectRepository(e.value);
        // A new role trusts new repositories by definition; that is widening only for an existing role.
        if (c.action !== "create" && repo !== undefined && !beforeRepos.has(repo)) {
          widening.push(`new repository \`${repo}\``);
          beforeRepos.add(repo);
        }
      } else if (e.value === "aws:*" || (c.action !== "create" && e.value.startsWith("aws:"))) {
        widening.push(`new principal \`${e.value}\``);
      }
    }
    if (before?.audiencePinned && after !== undefined && after.hasOidc && !after.audiencePinned) widening.push("audience no longer pinned");
    out.push({
      stack: c.stack,
      address: c.address,
      role: roleName(c),
      action: c.action,
      added,
      removed,
      widening: [...new Set(widening)],
      afterUnknown: !afterV.known,
      unreadable,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------------------------

interface Permissions {
  /** `ecr:PutImage`, `Deny s3:*`, `NotAction iam:*`. */
  readonly actions: Set<string>;
  readonly resources: Set<string>;
}

function permissionsOf(policy: unknown): Permissions | undefined {
  const doc = typeof policy === "object" && policy !== null ? (policy as { Statement: Statement[] }) : parsePolicy(policy);
  if (doc === undefined) return undefined;
  const actions = new Set<string>();
  const resources = new Set<string>();
  for (const s of doc.Statement) {
    const prefix = s.Effect === "Deny" ? "Deny " : "";
    for (const a of asArray(s.Action)) actions.add(prefix + String(a));
    for (const a of asArray(s.NotAction)) actions.add(`${prefix}NotAction ${String(a)}`);
    for (const r of asArray(s.Resource)) resources.add(String(r));
    for (const r of asArray(s.NotResource)) resources.add(`NotResource ${String(r)}`);
  }
  return { actions, resources };
}

export interface PermissionChange {
  readonly stack: string;
  readonly address: string;
  /** Policy name (inline: `role/name`). */
  readonly policy: string;
  readonly action: Change["action"];
  readonly actionsAdded: readonly string[];
  readonly actionsRemoved: readonly string[];
  readonly resourcesAdded: readonly string[];
  readonly resourcesRemoved: readonly string[];
  /** Managed policies attached/detached (attachment resources). */
  readonly attached: readonly string[];
  readonly detached: readonly string[];
  /** Part of the new policy is only known after apply (named as `(known after apply)` in resources). */
  readonly partlyUnknown: boolean;
  /** Nothing of the new policy is known before apply. */
  readonly afterUnknown: boolean;
  /** Why this change grants much more than before (wildcard actions, admin policies). */
  readonly widening: readonly string[];
}

const POLICY_TYPES: Record<string, { owner?: string }> = {
  aws_iam_role_policy: { owner: "role" },
  aws_iam_user_policy: { owner: "user" },
  aws_iam_group_policy: { owner: "group" },
  aws_iam_policy: {},
};

/** `${aws_x.y.arn}` -> `aws_x.y.arn (known after apply)`. */
function displayResource(r: string): string {
  const m = /^\$\{([\s\S]*)\}$/.exec(r);
  return m ? `${m[1]} (known after apply)` : r;
}

function policyDisplayName(c: Change, changes: readonly Change[]): string {
  const subject = c.after ?? c.before ?? {};
  const spec = POLICY_TYPES[c.type];
  const name = typeof subject.name === "string" ? subject.name : c.address;
  if (spec?.owner === undefined) return name;
  const owner = ownerName(c, spec.owner, changes);
  return owner === undefined ? name : `${owner}/${name}`;
}

/** The role (user, group) an inline policy belongs to, through its value or its configuration reference. */
function ownerName(c: Change, attr: string, changes: readonly Change[]): string | undefined {
  const subject = c.after ?? c.before ?? {};
  if (typeof subject[attr] === "string" && subject[attr] !== "") return subject[attr];
  const ref = referenceOf(c, [attr]);
  const target = ref === undefined ? undefined : changes.find((x) => x.stack === c.stack && x.address === ref);
  return target === undefined ? undefined : roleName(target);
}

const WIDE_MANAGED = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

export function permissionChanges(changes: readonly Change[]): PermissionChange[] {
  const out: PermissionChange[] = [];
  for (const c of changes) {
    if (c.mode !== "managed" || c.action === "no-op" || c.action === "read") continue;
    const gone = c.action === "delete" || c.action === "forget";
    if (POLICY_TYPES[c.type] !== undefined) {
      const beforeText = c.action === "create" ? undefined : c.before?.policy;
      const afterV = gone ? { known: true as const, value: undefined } : afterValue(c, ["policy"]);
      if (c.action === "update" && afterV.known && afterV.value === beforeText && c.before?.name === c.after?.name) continue;
      const before = beforeText === undefined ? undefined : permissionsOf(beforeText);
      const fromConfig = afterV.known ? undefined : configText(c, ["policy"]);
      const after = afterV.known ? (afterV.value === undefined ? undefined : permissionsOf(afterV.value)) : permissionsOf(parseConfigPolicy(fromConfig));
      const diff = (x: Set<string> | undefined, y: Set<string> | undefined) => [...(y ?? [])].filter((v) => !(x ?? new Set()).has(v));
      const actionsAdded = diff(before?.actions, after?.actions);
      const widening = actionsAdded.filter((a) => !a.startsWith("Deny ") && /(^|:)\*$/.test(a)).map((a) => `wildcard action \`${a}\``);
      out.push({
        stack: c.stack,
        address: c.address,
        policy: policyDisplayName(c, changes),
        action: c.action,
        actionsAdded,
        actionsRemoved: diff(after?.actions, before?.actions),
        resourcesAdded: diff(before?.resources, after?.resources).map(displayResource),
        resourcesRemoved: diff(after?.resources, before?.resources).map(displayResource),
        attached: [],
        detached: [],
        partlyUnknown: !afterV.known && after !== undefined && [...after.resources].some((r) => r.includes("${")),
        afterUnknown: !afterV.known && after === undefined,
        widening,
      });
    } else if (c.type === "aws_iam_role_policy_attachment" || c.type === "aws_iam_role_policy_attachments_exclusive") {
      const list = (v: any, attr: string) => (v === null || v === undefined ? [] : asArray<string>(v[attr]).map(String));
      const attr = c.type === "aws_iam_role_policy_attachment" ? "policy_arn" : "policy_arns";
      const before = c.action === "create" ? [] : list(c.before, attr);
      const afterV = afterValue(c, [attr]);
      const after = gone ? [] : afterV.known ? list(c.after, attr) : [];
      const attached = after.filter((a) => !before.includes(a));
      const detached = before.filter((a) => !after.includes(a));
      if (attached.length + detached.length === 0 && afterV.known) continue;
      const owner = c.type === "aws_iam_role_policy_attachment" ? ownerName(c, "role", changes) : ownerName(c, "role_name", changes);
      out.push({
        stack: c.stack,
        address: c.address,
        policy: `${owner ?? c.address} (managed policies)`,
        action: c.action,
        actionsAdded: [],
        actionsRemoved: [],
        resourcesAdded: [],
        resourcesRemoved: [],
        attached,
        detached,
        partlyUnknown: false,
        afterUnknown: !afterV.known,
        widening: attached.filter((a) => WIDE_MANAGED.test(a)).map((a) => `managed policy \`${a}\` attached`),
      });
    }
  }
  return out;
}

/**
 * ECR repository names an Allow statement of the policy grants (`*` for every repository,
 * `ref:<address>` for a repository whose ARN is only known after apply).
 */
function ecrRepositoriesOf(policy: unknown): string[] {
  const doc = typeof policy === "object" && policy !== null ? (policy as { Statement: Statement[] }) : parsePolicy(policy);
  if (doc === undefined) return [];
  const names = new Set<string>();
  for (const s of doc.Statement) {
    if (s.Effect !== "Allow") continue;
    const actions = asArray(s.Action).map(String);
    // GetAuthorizationToken is the registry login every pusher needs on "*": not a repository grant.
    const ecrActions = actions.filter((a) => /^(ecr:|\*$)/i.test(a) && a.toLowerCase() !== "ecr:getauthorizationtoken");
    if (ecrActions.length === 0) continue;
    for (const r of asArray(s.Resource).map(String)) {
      const m = /^arn:[^:]+:ecr:[^:]*:[^:]*:repository\/(.+)$/.exec(r);
      const ref = /^\$\{((?:module\.[^.]+\.)*aws_ecr_repository\.[^.]+)\.arn\}$/.exec(r);
      if (m) names.add(m[1]);
      else if (ref) names.add(`ref:${ref[1]}`);
      else if (r === "*") names.add("*");
    }
  }
  return [...names];
}

/**
 * Role name -> ECR repositories its inline policies grant, as they stand before or after the plan.
 * An unknown policy is read from its configuration text.
 */
export function roleEcrGrants(changes: readonly Change[], side: "before" | "after"): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const c of changes) {
    if (c.type !== "aws_iam_role_policy" || c.mode !== "managed") continue;
    let policy: unknown;
    if (side === "before") {
      if (c.before === null || c.action === "create") continue;
      policy = c.before.policy;
    } else {
      if (c.after === null || c.action === "delete" || c.action === "forget") continue;
      const v = afterValue(c, ["policy"]);
      policy = v.known ? v.value : parseConfigPolicy(configText(c, ["policy"]));
    }
    const role = ownerName(c, "role", changes);
    if (role === undefined) continue;
    if (!map.has(role)) map.set(role, new Set());
    for (const name of ecrRepositoriesOf(policy)) {
      const target = name.startsWith("ref:") ? changes.find((x) => x.stack === c.stack && x.address === name.slice(4)) : undefined;
      const resolved = target === undefined ? name : (target.after?.name ?? target.before?.name);
      map.get(role)!.add(typeof resolved === "string" ? resolved : name.slice(4));
    }
  }
  return map;
}
