/**
 * The trust map: which workflow of which repository assumes which role, which ECR repositories
 * that role may push to, and which identity each CodeBuild runner uses on GitHub, before and after
 * the plan, as one Mermaid flowchart (GitHub renders it in the comment).
 *
 * Links come from the values the plan holds: a workflow's `role-to-assume: ${{ vars.X }}` is
 * resolved through the github_actions_variable X of its repository, `runs-on: codebuild-<project>-...`
 * names the runner project, a role's ECR repositories come from its inline policies' Resource ARNs,
 * and a project's identity from its source auth (connection) or GitHubTokenOwner tag (token).
 */
import { JSON_SCHEMA, load as loadYaml } from "js-yaml";
import { roleNameOfArn } from "../domain/arn";
import { variableOfExpression } from "../domain/github";
import { connections, ecrRepositories, exists, runnerProjects } from "./aws";
import { variableStates, workflowStates } from "./github";
import { roleEcrGrants, roleName } from "./iam";
import type { Change } from "./plan";

type Kind = "repository" | "workflow" | "role" | "ecr" | "project" | "identity" | "unresolved";
type Status = "added" | "changed" | "replaced" | "removed";

interface NodeInfo {
  readonly kind: Kind;
  readonly label: string;
  status?: Status;
  /** Stands for a resource in the plans (not only for a name something refers to). */
  resource?: boolean;
}

interface Graph {
  readonly nodes: Map<string, NodeInfo>;
  readonly edges: Set<string>;
}

const SEP = "\u0000";

function statusOf(action: Change["action"]): Status | undefined {
  switch (action) {
    case "create":
      return "added";
    case "update":
      return "changed";
    case "replace":
      return "replaced";
    case "delete":
    case "forget":
      return "removed";
    default:
      return undefined;
  }
}

export interface WorkflowLinks {
  /** `role-to-assume` values, as written. */
  readonly roles: string[];
  /** Runner project names from `runs-on: codebuild-<project>-...` labels. */
  readonly projects: string[];
}

/** Roles and CodeBuild projects a workflow's jobs use. Tolerates YAML that does not parse. */
export function workflowLinks(text: string, knownProjects: readonly string[]): WorkflowLinks {
  let doc: any;
  try {
    // JSON_SCHEMA reads `on:` as a key, not as true (as the guardrails do).
    doc = loadYaml(text, { schema: JSON_SCHEMA });
  } catch {
    return { roles: [], projects: [] };
  }
  const roles = new Set<string>();
  const projects = new Set<string>();
  const jobs = doc && typeof doc === "object" ? doc.jobs : undefined;
  for (const job of Object.values<any>(jobs && typeof jobs === "object" ? jobs : {})) {
    if (!job || typeof job !== "object") continue;
    const runsOn = job["runs-on"];
    const labels: unknown[] = typeof runsOn === "string" ? [runsOn] : Array.isArray(runsOn) ? runsOn : runsOn && typeof runsOn === "object" ? [].concat(runsOn.labels ?? []) : [];
    for (const label of labels) {
      const project = codebuildProject(String(label), knownProjects);
      if (project !== undefined) projects.add(project);
    }
    for (const step of Array.isArray(job.steps) ? job.steps : []) {
      const role = step?.with?.["role-to-assume"];
      if (typeof role === "string" && role.trim() !== "") roles.add(role.trim());
    }
  }
  return { roles: [...roles], projects: [...projects] };
}

/** `codebuild-<project>-${{ github.run_id }}-...` -> project (project names may contain '-'). */
export function codebuildProject(label: string, knownProjects: readonly string[]): string | undefined {
  if (!label.startsWith("codebuild-")) return undefined;
  const rest = label.slice("codebuild-".length);
  const known = knownProjects.filter((p) => rest === p || rest.startsWith(`${p}-`)).sort((a, b) => b.length - a.length)[0];
  if (known !== undefined) return known;
  const cut = rest.indexOf("-${{");
  return cut > 0 ? rest.slice(0, cut) : rest;
}

interface MapInput {
  readonly changes: readonly Change[];
  readonly owners: ReadonlyMap<string, string>;
}

function buildGraph(input: MapInput, side: "before" | "after"): Graph {
  const { changes } = input;
  const nodes = new Map<string, NodeInfo>();
  const edges = new Set<string>();
  const node = (key: string, kind: Kind, label: string, action?: Change["action"]) => {
    const existing = nodes.get(key);
    const status = side === "after" && action !== undefined ? statusOf(action) : undefined;
    if (existing === undefined) nodes.set(key, { kind, label, status, resource: action !== undefined });
    else {
      if (status !== undefined && existing.status === undefined) existing.status = status;
      if (action !== undefined) existing.resource = true;
    }
    return key;
  };
  const edge = (from: string, to: string) => edges.add(`${from}${SEP}${to}`);

  const roleKey = (name: string) => `role:${name}`;
  const ecrKey = (name: string) => `ecr:${name}`;
  const projectKey = (name: string) => `project:${name}`;

  for (const c of changes) {
    if (c.type === "aws_iam_role" && c.mode === "managed" && exists(c, side)) node(roleKey(roleName(c)), "role", `role: ${roleName(c)}`, c.action);
  }
  for (const e of ecrRepositories(changes, side)) node(ecrKey(e.name), "ecr", `ECR: ${e.name}`, e.action);
  for (const [role, repos] of roleEcrGrants(changes, side)) {
    node(roleKey(role), "role", `role: ${role}`);
    for (const repo of repos) edge(roleKey(role), node(ecrKey(repo), "ecr", repo === "*" ? "ECR: every repository (*)" : `ECR: ${repo}`));
  }

  const conns = connections(changes, side);
  for (const conn of conns) node(`connection:${conn.name}`, "identity", `connection: ${conn.name}`, conn.action);
  const projects = runnerProjects(changes, side);
  for (const p of projects) {
    const key = node(projectKey(p.name), "project", `CodeBuild: ${p.name}`, p.action);
    if (p.serviceRole !== undefined) edge(key, node(roleKey(p.serviceRole), "role", `role: ${p.serviceRole}`));
    const id = p.identity;
    if (id.kind === "connection") {
      const conn = conns.find((x) => (id.arn !== undefined && x.arn === id.arn) || (id.address !== undefined && x.address === id.address && x.stack === p.stack));
      if (conn !== undefined) edge(key, `connection:${conn.name}`);
      else if (id.arn !== undefined) edge(key, node(`connection:${id.arn}`, "identity", `connection: ${id.arn.split("/").pop()}`));
      else edge(key, node(`unresolved:connection:${p.name}`, "unresolved", "connection (known after apply)"));
    } else if (id.kind === "token") {
      const owner = id.owner ?? p.tokenOwner;
      edge(key, node(`token:${owner ?? `?${p.name}`}`, "identity", owner ? `token of ${owner} (${id.authType})` : `token, owner not recorded (${id.authType})`));
    } else if (id.kind === "default-credential") {
      edge(key, node(`default-credential:${p.stack}`, "identity", "account default source credential"));
    }
  }

  const variables = variableStates(changes, side);
  const projectNames = projects.map((p) => p.name);
  for (const wf of workflowStates(changes, side)) {
    const owner = input.owners.get(wf.stack);
    const repoKey = `repository:${(owner ?? "").toLowerCase()}/${wf.repository.toLowerCase()}`;
    node(repoKey, "repository", `repository: ${owner ? `${owner}/` : ""}${wf.repository}`);
    const fileChange = changes.find((c) => c.address === wf.address && c.stack === wf.stack);
    const wfKey = node(`workflow:${repoKey}:${wf.path}`, "workflow", `workflow: ${wf.path.replace(/^\.github\/workflows\//, "")}`, fileChange?.action);
    edge(repoKey, wfKey);
    if (wf.text === undefined) {
      edge(wfKey, node(`unresolved:content:${wfKey}`, "unresolved", "content known after apply"));
      continue;
    }
    const links = workflowLinks(wf.text, projectNames);
    for (const project of links.projects) edge(wfKey, node(projectKey(project), "project", `CodeBuild: ${project}`));
    for (const ref of links.roles) {
      const name = variableOfExpression(ref);
      if (name !== undefined) {
        const repoVars = variables.get(wf.repository);
        if (repoVars?.has(name)) {
          const value = repoVars.get(name);
          if (value === undefined) edge(wfKey, node(`unresolved:vars:${wf.repository}:${name}`, "unresolved", `vars.${name} (known after apply)`));
          else {
            // A value that is no role ARN is not drawn: the comment never shows a variable's value whole.
            const role = roleNameOfArn(value);
            if (role === undefined) edge(wfKey, node(`unresolved:vars:${wf.repository}:${name}`, "unresolved", `vars.${name} (not a role ARN)`));
            else edge(wfKey, node(roleKey(role), "role", `role: ${role}`));
          }
        } else {
          edge(wfKey, node(`unresolved:vars:${wf.repository}:${name}`, "unresolved", `vars.${name} (not set by these plans)`));
        }
      } else if (ref.startsWith("arn:")) {
        const role = roleNameOfArn(ref) ?? ref;
        edge(wfKey, node(roleKey(role), "role", `role: ${role}`));
      } else {
        edge(wfKey, node(`unresolved:expr:${ref}`, "unresolved", ref));
      }
    }
  }
  return { nodes, edges };
}

/** Mermaid label text inside double quotes: entity codes for the characters that would end or restyle it. */
export function mermaidLabel(text: string): string {
  const flat = text.replace(/\s+/g, " ").slice(0, 120);
  return flat.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/`/g, "#96;");
}

const SHAPE: Record<Kind, [string, string]> = {
  repository: ["[", "]"],
  workflow: ["([", "])"],
  role: ["{{", "}}"],
  ecr: ["[(", ")]"],
  project: ["[[", "]]"],
  identity: [">", "]"],
  unresolved: ["[/", "/]"],
};

const STATUS_WORD: Record<Status, string> = { added: "new", changed: "changed", replaced: "replaced", removed: "removed" };

export interface TrustMap {
  /** The mermaid block (fenced), or undefined when omitted. */
  readonly markdown?: string;
  readonly note?: string;
  readonly edges: number;
}

export interface TrustMapOptions {
  /** Beyond this many links only the parts touched by the plan are drawn; beyond it again, none. */
  readonly maxEdges: number;
}

export function trustMap(input: MapInput, options: TrustMapOptions): TrustMap {
  const before = buildGraph(input, "before");
  const after = buildGraph(input, "after");
  const nodes = new Map<string, NodeInfo>(after.nodes);
  // Gone after the plan: a resource is removed; a name only referred to is just no longer used.
  for (const [k, n] of before.nodes) if (!nodes.has(k)) nodes.set(k, { ...n, status: n.resource ? "removed" : undefined });
  const allEdges = new Map<string, "kept" | "added" | "removed">();
  for (const e of after.edges) allEdges.set(e, before.edges.has(e) ? "kept" : "added");
  for (const e of before.edges) if (!after.edges.has(e)) allEdges.set(e, "removed");
  if (nodes.size === 0) return { edges: 0 };

  let keep = new Set(nodes.keys());
  let note: string | undefined;
  if (allEdges.size > options.maxEdges) {
    keep = touched(nodes, allEdges);
    note = `Only the parts of the trust map this plan touches are drawn (${allEdges.size} links in all).`;
    const kept = [...allEdges.keys()].filter((e) => e.split(SEP).every((n) => keep.has(n)));
    if (kept.length > options.maxEdges) {
      return { edges: allEdges.size, note: `Trust map omitted: the plan touches ${kept.length} links, more than the ${options.maxEdges} a comment can show legibly.` };
    }
  }

  const ids = new Map<string, string>();
  // Ids are generated, never derived from names: names hold '-', '.', '/', spaces and keywords.
  const sorted = [...keep].sort();
  sorted.forEach((k, i) => ids.set(k, `n${i}`));
  const lines = ["flowchart LR"];
  for (const k of sorted) {
    const n = nodes.get(k)!;
    const [open, close] = SHAPE[n.kind];
    const label = n.status ? `${n.label} (${STATUS_WORD[n.status]})` : n.label;
    lines.push(`  ${ids.get(k)}${open}"${mermaidLabel(label)}"${close}`);
  }
  const edgeLines: string[] = [];
  for (const [e, state] of allEdges) {
    const [from, to] = e.split(SEP);
    if (!keep.has(from) || !keep.has(to)) continue;
    const arrow = state === "added" ? "==>" : state === "removed" ? "-.->" : "-->";
    edgeLines.push(`  ${ids.get(from)} ${arrow} ${ids.get(to)}`);
  }
  lines.push(...edgeLines.sort());
  const byStatus = new Map<Status, string[]>();
  for (const k of sorted) {
    const s = nodes.get(k)!.status;
    if (s !== undefined) byStatus.set(s, [...(byStatus.get(s) ?? []), ids.get(k)!]);
  }
  const styles: Record<Status, string> = {
    added: "fill:#dafbe1,stroke:#1a7f37",
    changed: "fill:#fff8c5,stroke:#9a6700",
    replaced: "fill:#ffe2cc,stroke:#bc4c00",
    removed: "fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 4",
  };
  for (const [s, list] of byStatus) lines.push(`  classDef ${s} ${styles[s]}`, `  class ${list.join(",")} ${s}`);
  return { markdown: ["```mermaid", ...lines, "```"].join("\n"), note, edges: allEdges.size };
}

/**
 * Nodes on a path through a change: everything upstream of a changed node or link (who reaches
 * it) and downstream of it (what it reaches). Not the whole connected part: one shared connection
 * or ECR repository would pull in every runner.
 */
function touched(nodes: Map<string, NodeInfo>, edges: Map<string, "kept" | "added" | "removed">): Set<string> {
  const forward = new Map<string, string[]>();
  const backward = new Map<string, string[]>();
  for (const e of edges.keys()) {
    const [a, b] = e.split(SEP);
    forward.set(a, [...(forward.get(a) ?? []), b]);
    backward.set(b, [...(backward.get(b) ?? []), a]);
  }
  const seeds = new Set<string>([...nodes].filter(([, n]) => n.status !== undefined).map(([k]) => k));
  for (const [e, state] of edges) if (state !== "kept") for (const n of e.split(SEP)) seeds.add(n);
  const out = new Set<string>(seeds);
  for (const next of [forward, backward]) {
    const seen = new Set<string>();
    const queue = [...seeds];
    while (queue.length > 0) {
      const k = queue.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      out.add(k);
      queue.push(...(next.get(k) ?? []));
    }
  }
  return out;
}
