/**
 * The pull-request comment for one or more plans: risk flags first, then counts, access, trust,
 * permissions, workflow files, variables, the trust map, and each stack's plan text collapsed.
 * The comment is kept within a character budget: plan texts are cut first, then long tables.
 */
import { createHash } from "node:crypto";
import type { IntendedEntry } from "./blocked";
import { environmentChanges, type EnvironmentChange } from "./environments";
import { accessRows, fileChanges, repositoryAccess, variableChanges, type AccessRow, type FileChange, type RepositoryAccessChange, type VariableChange } from "./github";
import { permissionChanges, trustChanges, type PermissionChange, type TrustChange, type TrustEntry } from "./iam";
import { lineDiff } from "./line-diff";
import { code, count, fence, html, lineCount, planTextForDiff, plural, renderTable, truncateLines } from "./markdown";
import type { Change, StackPlan } from "./plan";
import { riskFlags, WIDENING_KINDS, type RiskFlag } from "./risks";
import { trustMap } from "./trust-map";

export const DEFAULT_MAX_CHARS = 65_000;

export interface StackInput {
  readonly plan: StackPlan;
  /** `terraform show -no-color` of the same plan, shown collapsed. */
  readonly planText?: string;
}

export interface CommentOptions {
  /** Upper bound on the comment's length in characters. @default 65000 */
  readonly maxChars?: number;
  /** The workflow run holding the full plans; linked wherever something is cut. */
  readonly runUrl?: string;
  /** The config's intendedChanges: the deletions the deploy gate lets through are said so. */
  readonly intended?: readonly IntendedEntry[];
}

/** Resource types the template creates or this summary reads; any other type is counted and named as such. */
export const KNOWN_TYPES: ReadonlySet<string> = new Set([
  "aws_iam_openid_connect_provider",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policies_exclusive",
  "aws_iam_role_policy_attachments_exclusive",
  "aws_iam_role_policy_attachment",
  "aws_iam_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_ecr_repository",
  "aws_ecr_lifecycle_policy",
  "aws_codeconnections_connection",
  "aws_codestarconnections_connection",
  "aws_codebuild_project",
  "aws_codebuild_webhook",
  "aws_cloudwatch_log_group",
  "github_repository_collaborators",
  "github_repository_collaborator",
  "github_team_repository",
  "github_repository_file",
  "github_actions_variable",
  "github_actions_environment_variable",
  "github_actions_organization_variable",
  "github_repository_environment",
  "github_repository_environment_deployment_policy",
]);

export interface Counts {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  unchanged: number;
  read: number;
  import: number;
  forget: number;
  other: number;
}

export interface Analysis {
  readonly stacks: readonly StackPlan[];
  readonly changes: readonly Change[];
  readonly owners: ReadonlyMap<string, string>;
  readonly counts: ReadonlyMap<string, Counts>;
  /** Resource type -> instances, for managed types this summary does not interpret. */
  readonly uninterpreted: ReadonlyMap<string, number>;
  readonly destructive: readonly Change[];
  readonly access: readonly RepositoryAccessChange[];
  readonly accessRows: readonly AccessRow[];
  readonly trust: readonly TrustChange[];
  readonly permissions: readonly PermissionChange[];
  readonly files: readonly FileChange[];
  readonly variables: readonly VariableChange[];
  readonly environments: readonly EnvironmentChange[];
  readonly risks: readonly RiskFlag[];
  /** Sections that failed on unexpected input: named, never fatal. */
  readonly problems: readonly string[];
}

export function countChanges(changes: readonly Change[]): Counts {
  const c: Counts = { add: 0, change: 0, replace: 0, destroy: 0, unchanged: 0, read: 0, import: 0, forget: 0, other: 0 };
  for (const x of changes) {
    if (x.importing) c.import++;
    switch (x.action) {
      case "create":
        c.add++;
        break;
      case "update":
        c.change++;
        break;
      case "replace":
        c.replace++;
        break;
      case "delete":
        c.destroy++;
        break;
      case "no-op":
        c.unchanged++;
        break;
      case "read":
        c.read++;
        break;
      case "forget":
        c.forget++;
        break;
      default:
        c.other++;
    }
  }
  return c;
}

export function analyse(stacks: readonly StackPlan[], intended?: readonly IntendedEntry[]): Analysis {
  const changes = stacks.flatMap((s) => s.changes);
  const owners = new Map<string, string>();
  for (const s of stacks) if (s.githubOwner !== undefined) owners.set(s.stack, s.githubOwner);
  const problems: string[] = [];
  // One section failing on input nobody foresaw must not cost the reviewer the others.
  const safely = <T>(section: string, fallback: T, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      problems.push(`${section}: ${(e as Error).message}`);
      return fallback;
    }
  };
  const uninterpreted = new Map<string, number>();
  for (const c of changes) if (c.mode === "managed" && !KNOWN_TYPES.has(c.type)) uninterpreted.set(c.type, (uninterpreted.get(c.type) ?? 0) + 1);
  const access = safely("repository access", [], () => repositoryAccess(changes));
  return {
    stacks,
    changes,
    owners,
    counts: new Map(stacks.map((s) => [s.stack, countChanges(s.changes)])),
    uninterpreted,
    destructive: changes.filter((c) => c.mode === "managed" && (c.action === "delete" || c.action === "replace")),
    access,
    accessRows: safely("repository access", [], () => access.flatMap(accessRows)),
    trust: safely("trust policies", [], () => trustChanges(changes)),
    permissions: safely("IAM permissions", [], () => permissionChanges(changes)),
    files: safely("workflow files", [], () => fileChanges(changes)),
    variables: safely("Actions variables", [], () => variableChanges(changes)),
    environments: safely("deployment environments", [], () => environmentChanges(changes)),
    risks: safely("risk flags", [], () => riskFlags({ changes, access, owners, intended })),
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/** How much detail the summary keeps; the renderer steps down these until the comment fits. */
interface Level {
  readonly rows: number;
  readonly diffLines: number;
  readonly mapEdges: number;
}

const LEVELS: readonly Level[] = [
  { rows: Infinity, diffLines: 300, mapEdges: 150 },
  { rows: 50, diffLines: 100, mapEdges: 100 },
  { rows: 20, diffLines: 0, mapEdges: 60 },
  { rows: 8, diffLines: 0, mapEdges: 0 },
  { rows: 3, diffLines: 0, mapEdges: 0 },
];

const FULL_PLAN = "see the full plan in the workflow run";

function seeRun(runUrl: string | undefined): string {
  return runUrl ? `${FULL_PLAN}: ${runUrl}` : "see the full plan with terraform show on the plan file";
}

function repoName(owners: ReadonlyMap<string, string>, stack: string, repository: string): string {
  const owner = owners.get(stack);
  return owner && !repository.startsWith("(") ? `${owner}/${repository}` : repository;
}

function countsLine(c: Counts): string {
  return `${count(c.add)} to add, ${count(c.change)} to change, ${count(c.replace)} to replace, ${count(c.destroy)} to destroy`;
}

function actionWord(action: Change["action"]): string {
  return { create: "created", update: "updated", replace: "replaced", delete: "destroyed", forget: "forgotten", "no-op": "unchanged", read: "read", other: "changed" }[action];
}

function list(items: readonly string[], empty = ""): string {
  return items.length === 0 ? empty : items.join("<br>");
}

function trustEntry(e: TrustEntry): string {
  if (e.kind === "subject" && e.value === "*") return "any subject (no `sub` condition)";
  const text = e.kind === "principal" ? `principal ${code(e.value)}` : code(e.value);
  return e.like ? `${text} (pattern)` : text;
}

function renderSummary(a: Analysis, level: Level, options: CommentOptions): string {
  const more = (hidden: number) => `… and ${plural(hidden, "more row")} not shown to keep the comment within GitHub's size limit; ${seeRun(options.runUrl)}.`;
  const out: string[] = ["## Terraform plan summary", ""];

  for (const s of a.stacks) if (s.errored) out.push(`> [!CAUTION]\n> The plan of ${code(s.stack)} stopped with an error: what it lists is incomplete.`, "");
  for (const p of a.problems) out.push(`> [!NOTE]\n> Part of this summary could not be computed (${p}); the plan text below is complete.`, "");

  // Risk flags first: they are the reason this comment exists.
  if (a.risks.length === 0) out.push("**Risk flags:** none.", "");
  else {
    out.push(`**Risk flags (${a.risks.length}):**`, "");
    const limit = Math.max(level.rows, 10);
    for (const r of a.risks.slice(0, limit)) out.push(`- ${WIDENING_KINDS.has(r.kind) ? "🟠" : "🔴"} ${r.text}`);
    if (a.risks.length > limit) out.push(`- … and ${plural(a.risks.length - limit, "more flag")}; ${seeRun(options.runUrl)}.`);
    out.push("");
  }

  out.push("### Changes per stack", "");
  out.push(
    renderTable(
      {
        header: ["Stack", "Add", "Change", "Replace", "Destroy", "Unchanged", "Other"],
        rows: a.stacks.map((s) => {
          const c = a.counts.get(s.stack)!;
          const other = [
            c.import ? `${count(c.import)} import` : "",
            c.read ? `${count(c.read)} read` : "",
            c.forget ? `${count(c.forget)} forget` : "",
            c.other ? `${count(c.other)} other` : "",
            s.deferred ? `${count(s.deferred)} deferred` : "",
            s.drift ? `${count(s.drift)} changed outside Terraform` : "",
          ].filter(Boolean);
          return [code(s.stack), count(c.add), count(c.change), count(c.replace), count(c.destroy), count(c.unchanged), other.join(", ") || "–"];
        }),
      },
      Infinity,
      more,
    ),
  );
  if (a.destructive.length > 0) {
    out.push("", `**Destroyed or replaced (${a.destructive.length}):**`, "");
    const shown = a.destructive.slice(0, level.rows);
    for (const c of shown) out.push(`- ${c.action === "replace" ? "replace" : "destroy"} ${code(c.address)} (${code(c.stack)})`);
    if (a.destructive.length > shown.length) out.push(`- ${more(a.destructive.length - shown.length)}`);
  }
  if (a.uninterpreted.size > 0) {
    const types = [...a.uninterpreted].sort(([x], [y]) => x.localeCompare(y)).map(([t, n]) => `${code(t)} (${n})`);
    const shown = types.slice(0, Math.max(level.rows, 10));
    const rest = types.length > shown.length ? ` and ${plural(types.length - shown.length, "more type")}` : "";
    out.push("", `Counted above but not interpreted here (types outside this template): ${shown.join(", ")}${rest}.`);
  }
  out.push("");

  if (a.accessRows.length > 0) {
    out.push("### Repository access", "");
    const rows = a.accessRows.map((r) => {
      const who = r.grantee.kind === "team" ? `team ${code(r.grantee.name)}` : code(r.grantee.name);
      let change: string;
      switch (r.kind) {
        case "changed":
          change = `${r.from} -> ${r.to}`;
          break;
        case "added":
          change = `added (${r.to})`;
          break;
        case "removed":
          change = `removed (was ${r.from})`;
          break;
        default:
          change = `${r.from} -> (known after apply)`;
      }
      if (r.from === "admin" && r.kind !== "unknown") change += " ⚠️";
      return [code(repoName(a.owners, r.stack, r.repository)), who, change];
    });
    out.push(renderTable({ header: ["Repository", "Who", "Change"], rows }, level.rows, more), "");
  }

  if (a.trust.length > 0) {
    out.push("### Trust policies", "");
    const rows = a.trust.map((t) => {
      const warn = t.widening.length > 0 ? `⚠️ widens trust: ${t.widening.join("; ")}` : "";
      const notes = [
        t.afterUnknown ? "new policy known after apply (subjects read from the configuration)" : "",
        t.unreadable ? "a policy could not be read as JSON" : "",
        ...t.formatChanges.map((f) => `${code(f.repository)}: same repository, subject form ${f.from.join(" and ")} → ${f.to.join(" and ")}`),
      ].filter(Boolean);
      return [code(t.role), actionWord(t.action), list(t.added.map(trustEntry), "–"), list(t.removed.map(trustEntry), "–"), [warn, ...notes].filter(Boolean).join("<br>") || "–"];
    });
    out.push(renderTable({ header: ["Role", "Change", "Trusted: added", "Trusted: removed", "Notes"], rows }, level.rows, more), "");
  }

  if (a.permissions.length > 0) {
    out.push("### IAM permissions", "");
    const rows = a.permissions.map((p) => {
      const added = [...p.actionsAdded.map((x) => code(x)), ...p.attached.map((x) => `attach ${code(x)}`)];
      const removed = [...p.actionsRemoved.map((x) => code(x)), ...p.detached.map((x) => `detach ${code(x)}`)];
      const resources = [...p.resourcesAdded.map((r) => `+ ${code(r)}`), ...p.resourcesRemoved.map((r) => `− ${code(r)}`)];
      const notes = [p.widening.length > 0 ? `⚠️ ${p.widening.join("; ")}` : "", p.afterUnknown ? "new policy known after apply" : "", p.partlyUnknown ? "parts known after apply" : ""].filter(Boolean);
      return [code(p.policy), actionWord(p.action), list(added, "–"), list(removed, "–"), list(resources, "–"), notes.join("<br>") || "–"];
    });
    out.push(renderTable({ header: ["Policy", "Change", "Actions added", "Actions removed", "Resources", "Notes"], rows }, level.rows, more), "");
  }

  if (a.files.length > 0) {
    out.push("### Workflow files", "");
    const diffs: string[] = [];
    let diffBudget = level.diffLines;
    const rows = a.files.map((f) => {
      let lines = "–";
      if (f.action === "changed" || f.action === "replaced") {
        if (f.after === undefined || f.before === undefined) lines = "content known after apply";
        else {
          const d = lineDiff(f.before, f.after);
          lines = d.added + d.removed === 0 ? "content unchanged" : `+${d.added} −${d.removed}`;
          if (diffBudget > 0 && d.lines.length > 0) {
            const shown = d.lines.slice(0, diffBudget);
            diffBudget -= shown.length;
            const cut = d.lines.length - shown.length;
            diffs.push(`${code(`${repoName(a.owners, f.stack, f.repository)}/${f.path}`)}`, "", fence(shown.join("\n") + (cut > 0 ? `\n… ${cut} more diff lines` : ""), "diff"), "");
          }
        }
      } else if (f.action === "added") lines = f.after === undefined ? "content known after apply" : plural(lineCount(f.after), "line");
      else if (f.action === "removed") lines = f.before === undefined ? "–" : "file deleted from the repository";
      return [code(repoName(a.owners, f.stack, f.repository)), code(f.path) + (f.isWorkflow ? "" : " (not a workflow)"), f.action, lines];
    });
    out.push(renderTable({ header: ["Repository", "File", "Change", "Lines"], rows }, level.rows, more), "");
    if (diffs.length > 0) out.push("<details><summary>Diff of changed workflow files</summary>", "", ...diffs, "</details>", "");
  }

  if (a.variables.length > 0) {
    out.push("### Actions variables", "");
    const value = (v: string | undefined) => (v === undefined ? "(known after apply)" : maskedValue(v));
    const rows = a.variables.map((v) => {
      const change =
        v.action === "added"
          ? `added: ${value(v.after)}`
          : v.action === "removed"
            ? `removed (was ${value(v.before)})`
            : `${value(v.before)} -> ${v.afterKnown ? value(v.after) : "(known after apply)"}${v.action === "replaced" ? " (replaced)" : ""}`;
      return [code(repoName(a.owners, v.stack, v.repository)), code(v.name), change];
    });
    out.push(renderTable({ header: ["Repository", "Variable", "Change"], rows }, level.rows, more), "");
  }

  if (a.environments.length > 0) {
    out.push("### Deployment environments", "");
    const rows = a.environments.map((e) => [
      code(repoName(a.owners, e.stack, e.repository)),
      code(e.environment),
      actionWord(e.action),
      list([...e.weakening.map((w) => `⚠️ ${w}`), ...e.notes], "–"),
    ]);
    out.push(renderTable({ header: ["Repository", "Environment", "Change", "Details"], rows }, level.rows, more), "");
  }

  if (level.mapEdges > 0) {
    let map: ReturnType<typeof trustMap> | undefined;
    try {
      map = trustMap({ changes: a.changes, owners: a.owners }, { maxEdges: level.mapEdges });
    } catch (e) {
      out.push("### Trust map", "", `Trust map not drawn: ${(e as Error).message}.`, "");
    }
    if (map !== undefined && (map.markdown !== undefined || map.note !== undefined)) {
      out.push("### Trust map", "");
      if (map.markdown !== undefined) {
        out.push(map.markdown, "");
        out.push(
          "<sub>repository → workflow → role → ECR; CodeBuild runner → its service role and the identity it uses on GitHub. Thick arrows are links this plan adds, dotted ones links it removes; green: new, yellow: changed, orange: replaced, red: removed.</sub>",
          "",
        );
      }
      if (map.note !== undefined) out.push(map.note, "");
    }
  } else if (a.changes.length > 0) {
    out.push("### Trust map", "", `Trust map left out to keep the comment within GitHub's size limit; ${seeRun(options.runUrl)}.`, "");
  }
  return out.join("\n");
}

interface PlanSection {
  readonly stack: string;
  readonly counts: Counts;
  /** Plan text with markers moved for diff highlighting. */
  readonly text: string;
}

function renderPlan(p: PlanSection, budget: number, options: CommentOptions): string {
  const cut = truncateLines(p.text, Math.max(0, budget));
  const note =
    cut.cutChars > 0
      ? `\n✂️ Plan truncated to fit the comment: ${count(cut.cutChars)} of ${count(p.text.length)} characters (${plural(cut.cutLines, "line")}) not shown; ${seeRun(options.runUrl)}.\n`
      : "";
  const body = cut.text === "" ? "" : `${fence(cut.text, "diff")}\n`;
  return `<details><summary>Plan of <code>${html(p.stack)}</code>: ${countsLine(p.counts)}</summary>\n\n${body}${note}\n</details>\n`;
}

function footer(a: Analysis, options: CommentOptions): string {
  const run = options.runUrl ? ` · [workflow run](${options.runUrl})` : "";
  return `\n<sub>Summary of ${plural(a.stacks.length, "plan")} (terraform show -json) by npm run plan:summary${run}.</sub>\n`;
}

/** The comment for these stacks, at most options.maxChars characters long. */
export function renderComment(inputs: readonly StackInput[], options: CommentOptions = {}): string {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const a = analyse(
    inputs.map((i) => i.plan),
    options.intended,
  );
  const plans: PlanSection[] = inputs
    .filter((i) => i.planText !== undefined)
    .map((i) => ({ stack: i.plan.stack, counts: a.counts.get(i.plan.stack)!, text: planTextForDiff(i.planText!) }));
  const plansHeader = plans.length > 0 ? "\n### Plans\n\n" : "";
  const foot = footer(a, options);

  for (const level of LEVELS) {
    const summary = renderSummary(a, level, options);
    const fixed = summary.length + plansHeader.length + foot.length;
    const emptyPlans = plans.map((p) => renderPlan(p, 0, options).length).reduce((x, y) => x + y, 0);
    if (fixed + emptyPlans > max) continue;
    let budget = max - fixed;
    // The overhead of each section is counted with its note; shrink until the whole fits (the
    // note's numbers change length with the cut, so a couple of rounds may be needed).
    for (let round = 0; round < 8; round++) {
      const shares = allocate(plans.map((p) => p.text.length), budget - emptyPlans);
      const rendered = summary + plansHeader + plans.map((p, i) => renderPlan(p, shares[i], options)).join("\n") + foot;
      if (rendered.length <= max) return rendered;
      budget -= rendered.length - max + 20;
    }
  }
  // Even the shortest summary is too long (a tiny --max-chars): cut it at a line and say so.
  const summary = renderSummary(a, LEVELS[LEVELS.length - 1], options);
  const note = `\n\n✂️ Summary truncated to fit ${count(max)} characters; ${seeRun(options.runUrl)}.\n`;
  if (note.length >= max) return note.slice(0, max);
  return truncateLines(summary, max - note.length).text + note;
}

/**
 * An Actions variable's value as the comment shows it: never whole (a value may hold what should
 * have been a secret, and the comment is public to everyone who can read the pull request). A
 * short preview of its first characters, only while they are plain ARN/URL characters, its
 * length and the first 12 hex digits of its SHA-256, which a reviewer can compare with
 * `printf %s "$VALUE" | sha256sum`.
 */
function maskedValue(value: string): string {
  const hash = createHash("sha256").update(value, "utf8").digest("hex").slice(0, 12);
  const keep = Math.min(12, Math.floor(value.length / 3));
  const preview = /^[A-Za-z0-9:/._-]*/.exec(value.slice(0, keep))![0];
  return `${preview === "" ? "" : `${code(`${preview}…`)} · `}${plural(value.length, "char")} · sha256 ${hash}`;
}

/**
 * Splits a character budget between plan texts: short plans are shown whole, the long ones share
 * what is left equally.
 */
export function allocate(lengths: readonly number[], budget: number): number[] {
  const shares = lengths.map(() => 0);
  let left = Math.max(0, budget);
  const order = lengths.map((l, i) => [l, i] as const).sort((x, y) => x[0] - y[0]);
  order.forEach(([length, i], k) => {
    const share = Math.floor(left / (order.length - k));
    shares[i] = Math.min(length, share);
    left -= shares[i];
  });
  return shares;
}
