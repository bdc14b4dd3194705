/**
 * IAM in a plan: who a role trusts (OIDC subjects and other principals) and what its policies
 * allow, compared before/after. Policies are JSON strings in plans; a policy only known after
 * apply (it holds an ARN AWS assigns) is read from the configuration's jsonencode text instead,
 * with the unknown parts named.
 */
import { parseEcrRepositoryArn } from "../domain/arn";
import { AUD_KEY, OIDC_HOST, parseSubject, SUB_KEY, subjectRepository, type SubjectForm } from "../domain/oidc";
import { isWildcardPattern } from "../iam/glob";
import { asArray, parsePolicy } from "../iam/parse";
import type { Statement } from "../iam/policy";
import { afterValue, configText, referenceOf, type Change } from "./plan";

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

/** Reads a trust policy (text in either form, or parsed); undefined when it is not a readable policy document. */
export function readTrust(policy: unknown): Trust | undefined {
  const doc = parsePolicy(policy);
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

/**
 * The repository a subject names, without its ids (lower case, as GitHub compares names), and its
 * form: `repo:o/r:...` legacy, `repo:o@1/r@2:...` immutable (with `@1/@2`, the ids).
 */
export function subjectForm(subject: string): { repository: string; form: SubjectForm; ids?: string } | undefined {
  const parts = parseSubject(subject);
  if (!parts) return undefined;
  const repository = `${parts.owner}/${parts.repository}`.toLowerCase();
  if (parts.ownerId !== undefined && parts.repositoryId !== undefined) return { repository, form: "immutable", ids: `@${parts.ownerId}/@${parts.repositoryId}` };
  return parts.form === "legacy" ? { repository, form: "legacy" } : undefined;
}

/** A repository the role keeps trusting, named in another subject form after the plan. */
export interface SubjectFormatChange {
  /** `owner/repo` as the new subjects write it, without ids. */
  readonly repository: string;
  readonly from: readonly SubjectForm[];
  readonly to: readonly SubjectForm[];
  /** A subject in the new form, e.g. `repo:o@1/r@2:ref:refs/heads/main`. */
  readonly example: string;
}

interface RepositoryForms {
  readonly forms: Set<SubjectForm>;
  readonly ids: Set<string>;
}

function formsOf(entries: Iterable<TrustEntry>): Map<string, RepositoryForms> {
  const out = new Map<string, RepositoryForms>();
  for (const e of entries) {
    if (e.kind !== "subject") continue;
    const f = subjectForm(e.value);
    if (f === undefined) continue;
    const r = out.get(f.repository) ?? { forms: new Set<SubjectForm>(), ids: new Set<string>() };
    r.forms.add(f.form);
    if (f.ids !== undefined) r.ids.add(f.ids);
    out.set(f.repository, r);
  }
  return out;
}

const FORM_ORDER: readonly SubjectForm[] = ["legacy", "immutable"];

function isWildcard(e: TrustEntry): boolean {
  return e.value === "*" || (e.like && isWildcardPattern(e.value));
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
  /** Repositories trusted before and after, in another subject form (a switch to immutable subjects). */
  readonly formatChanges: readonly SubjectFormatChange[];
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
    const after = readTrust(afterText);
    const unreadable = (beforeText !== undefined && before === undefined) || (afterText !== undefined && after === undefined);
    const b = before?.entries ?? new Map<string, TrustEntry>();
    const a = after?.entries ?? new Map<string, TrustEntry>();
    const added = [...a].filter(([k]) => !b.has(k)).map(([, e]) => e);
    const removed = [...b].filter(([k]) => !a.has(k)).map(([, e]) => e);
    const widening: string[] = [];
    const beforeRepos = new Set([...b.values()].map((e) => subjectRepository(e.value)).filter((r) => r !== undefined));
    // The same repository in another subject form is not a new repository: legacy repo:o/r and
    // immutable repo:o@1/r@2 name one repository; other ids (o@1/r@3) name another one.
    const beforeForms = formsOf(b.values());
    const afterForms = formsOf(a.values());
    const sameRepository = (value: string): boolean => {
      const f = subjectForm(value);
      const known = f === undefined ? undefined : beforeForms.get(f.repository);
      if (f === undefined || known === undefined) return false;
      return f.form === "legacy" || known.ids.size === 0 || known.ids.has(f.ids!);
    };
    for (const e of added) {
      if (e.kind === "subject") {
        if (e.value === "*") widening.push("no subject condition: any workflow on GitHub that requests this audience can assume it");
        else if (isWildcard(e)) widening.push(`wildcard subject \`${e.value}\``);
        if (/:pull_request$/.test(e.value)) widening.push(`pull_request runs \`${e.value}\``);
        const repo = subjectRepository(e.value);
        // A new role trusts new repositories by definition; that is widening only for an existing role.
        if (c.action !== "create" && repo !== undefined && !beforeRepos.has(repo) && !sameRepository(e.value)) {
          widening.push(`new repository \`${repo}\``);
          beforeRepos.add(repo);
        }
      } else if (e.value === "aws:*" || (c.action !== "create" && e.value.startsWith("aws:"))) {
        widening.push(`new principal \`${e.value}\``);
      }
    }
    if (before?.audiencePinned && after !== undefined && after.hasOidc && !after.audiencePinned) widening.push("audience no longer pinned");
    const formatChanges: SubjectFormatChange[] = [];
    if (c.action !== "create" && !removedRole) {
      for (const [repo, now] of afterForms) {
        const was = beforeForms.get(repo);
        if (was === undefined) continue;
        const from = FORM_ORDER.filter((f) => was.forms.has(f));
        const to = FORM_ORDER.filter((f) => now.forms.has(f));
        if (from.join() === to.join()) continue;
        const newForm = to.find((f) => !from.includes(f)) ?? to[0];
        const example = added.find((e) => e.kind === "subject" && subjectForm(e.value)?.repository === repo && subjectForm(e.value)?.form === newForm)?.value ?? "";
        formatChanges.push({ repository: subjectRepository(example)?.replace(/@\d+/g, "") ?? repo, from, to, example });
      }
    }
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
      formatChanges,
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
  const doc = parsePolicy(policy);
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
      const after = permissionsOf(afterV.known ? afterV.value : configText(c, ["policy"]));
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
  const doc = parsePolicy(policy);
  if (doc === undefined) return [];
  const names = new Set<string>();
  for (const s of doc.Statement) {
    if (s.Effect !== "Allow") continue;
    const actions = asArray(s.Action).map(String);
    // GetAuthorizationToken is the registry login every pusher needs on "*": not a repository grant.
    const ecrActions = actions.filter((a) => /^(ecr:|\*$)/i.test(a) && a.toLowerCase() !== "ecr:getauthorizationtoken");
    if (ecrActions.length === 0) continue;
    for (const r of asArray(s.Resource).map(String)) {
      const repository = parseEcrRepositoryArn(r);
      const ref = /^\$\{((?:module\.[^.]+\.)*aws_ecr_repository\.[^.]+)\.arn\}$/.exec(r);
      if (repository) names.add(repository.name);
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
      policy = v.known ? v.value : configText(c, ["policy"]);
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
