/**
 * Helpers the rules share: reading policy documents and workflows out of synthesized resources.
 * Everything here is pure and tolerant of malformed input (a rule reports; it never throws).
 */
import type * as JsYaml from "js-yaml";
import { unescapeFromTerraform } from "../workflows/render";
import type { AppView, SynthResource } from "./types";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: Json;
  readonly NotPrincipal?: Json;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export function asArray<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

/**
 * A policy attribute as synthesized: plain JSON, or `${jsonencode({...})}` when it holds a
 * reference. The HCL object inside jsonencode is turned back into JSON, with references kept as
 * `${...}` strings, so rules read both forms alike.
 */
// Several rules read the same policy: parse each text once.
const parsedPolicies = new Map<string, { Statement: Statement[] } | undefined>();

export function parsePolicy(value: unknown): { Statement: Statement[] } | undefined {
  if (typeof value !== "string") return typeof value === "object" && value !== null ? normalise(value) : undefined;
  if (parsedPolicies.has(value)) return parsedPolicies.get(value);
  if (parsedPolicies.size > 10_000) parsedPolicies.clear();
  const parsed = parsePolicyText(value);
  parsedPolicies.set(value, parsed);
  return parsed;
}

function parsePolicyText(value: string): { Statement: Statement[] } | undefined {
  const text = value.trim();
  // `${jsonencode(...)}` is never JSON: read it as HCL without a failed JSON.parse first (each
  // failure builds a SyntaxError, and most policies with a reference come this way).
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(text);
  try {
    return normalise(JSON.parse(m ? hclObjectToJson(m[1]) : text));
  } catch {
    return undefined;
  }
}

function normalise(doc: unknown): { Statement: Statement[] } | undefined {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
  const statement = (doc as { Statement?: unknown }).Statement;
  return { Statement: asArray(statement as Statement | Statement[]).filter((s) => typeof s === "object" && s !== null) };
}

const isWordStart = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
// A-Z a-z _ 0-9 . - [ ] *
const isWordPart = (code: number): boolean =>
  isWordStart(code) || (code >= 48 && code <= 57) || code === 46 || code === 45 || code === 91 || code === 93 || code === 42;

/** HCL object/tuple syntax as cdktf renders it inside jsonencode -> JSON text. */
export function hclObjectToJson(hcl: string): string {
  // Runs of text that stay as they are (punctuation, numbers, string literals) are copied in one slice.
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < hcl.length) {
    const code = hcl.charCodeAt(i);
    if (code === 34) {
      // A string literal ("), kept with its escapes.
      let j = i + 1;
      while (j < hcl.length && hcl.charCodeAt(j) !== 34) j += hcl.charCodeAt(j) === 92 ? 2 : 1;
      i = j + 1;
    } else if (code === 61) {
      // = -> :
      parts.push(hcl.slice(copied, i), ":");
      copied = ++i;
    } else if (isWordStart(code)) {
      // A bare reference or expression (e.g. aws_x.name.arn): keep it as an interpolation string.
      let j = i;
      // Index brackets belong to the word (aws_x.y[0].arn); a ']' with no '[' of its own closes
      // the list the word sits in ([aws_x.y.arn]).
      let depth = 0;
      while (j < hcl.length && isWordPart(hcl.charCodeAt(j))) {
        const c = hcl.charCodeAt(j);
        if (c === 91) depth++;
        else if (c === 93 && depth-- === 0) break;
        j++;
      }
      const word = hcl.slice(i, j);
      parts.push(hcl.slice(copied, i), word === "true" || word === "false" || word === "null" ? word : JSON.stringify(`\${${word}}`));
      copied = i = j;
    } else {
      i++;
    }
  }
  parts.push(hcl.slice(copied));
  return parts.join("");
}

/** Statements of a role's trust policy, or [] when it cannot be read. */
export function trustStatements(role: SynthResource): Statement[] {
  return parsePolicy(role.config.assume_role_policy)?.Statement ?? [];
}

/** Is this the value of a reference (known only at apply)? */
export function isReference(value: unknown): boolean {
  return typeof value === "string" && /^\$\{[\s\S]*\}$/.test(value);
}

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

const WORKFLOW_DIR = ".github/workflows/";

export interface WorkflowFileView {
  readonly resource: SynthResource;
  readonly repository: string;
  readonly path: string;
  /** The YAML GitHub will read (Terraform's escaping undone). */
  readonly text: string;
  /** Parsed YAML, or undefined when it does not parse. */
  readonly doc: any;
}

export function isWorkflowFile(resource: SynthResource): boolean {
  return resource.type === "github_repository_file" && typeof resource.config.file === "string" && resource.config.file.startsWith(WORKFLOW_DIR);
}

/** All workflow files of the app, parsed once per synth. */
function workflowFiles(app: AppView): readonly WorkflowFileView[] {
  return app.memo("workflow-files", () =>
    app
      .ofType("github_repository_file")
      .filter(isWorkflowFile)
      .map((resource) => workflowView(resource)),
  );
}

export function workflowOf(app: AppView, resource: SynthResource): WorkflowFileView | undefined {
  return app.memo("workflow-by-resource", () => new Map(workflowFiles(app).map((w) => [w.resource, w] as const))).get(resource);
}

let jsYamlModule: typeof JsYaml | undefined;

/** js-yaml, loaded with the first workflow file: a config without workflows never needs it. */
function jsYaml(): typeof JsYaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jsYamlModule ??= require("js-yaml") as typeof JsYaml;
  return jsYamlModule;
}

function workflowView(resource: SynthResource): WorkflowFileView {
  const text = typeof resource.config.content === "string" ? unescapeFromTerraform(resource.config.content) : "";
  let doc: any;
  try {
    // js-yaml: 6-8x faster than the yaml package here, which matters with hundreds of workflows
    // (the config loader keeps yaml for its line numbers). JSON_SCHEMA reads on: as a key, not true.
    const yaml = jsYaml();
    doc = yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch {
    doc = undefined;
  }
  return { resource, repository: String(resource.config.repository ?? ""), path: String(resource.config.file), text, doc };
}

export interface JobView {
  readonly id: string;
  readonly job: any;
  readonly steps: any[];
}

// Most workflow rules list the jobs of the same parsed documents: list each once.
const jobsByDoc = new WeakMap<object, readonly JobView[]>();

export function jobsOf(doc: any): readonly JobView[] {
  const jobs = doc?.jobs;
  if (typeof jobs !== "object" || jobs === null) return [];
  let list = jobsByDoc.get(jobs);
  if (list === undefined) {
    list = Object.entries(jobs).map(([id, job]: [string, any]) => ({ id, job, steps: Array.isArray(job?.steps) ? job.steps : [] }));
    jobsByDoc.set(jobs, list);
  }
  return list;
}

/** `owner/repo` of an action reference, without the version. */
export function actionName(uses: unknown): string | undefined {
  return typeof uses === "string" ? uses.split("@")[0].toLowerCase() : undefined;
}

/** Names X of every `vars.X` the text reads. */
export function variablesRead(text: string): string[] {
  return [...new Set([...text.matchAll(/\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}

/** Actions variables per repository, across the app: repository -> name -> value. */
export function actionsVariables(app: AppView): ReadonlyMap<string, ReadonlyMap<string, string>> {
  return app.memo("actions-variables", () => {
    const map = new Map<string, Map<string, string>>();
    for (const v of app.ofType("github_actions_variable")) {
      const repo = String(v.config.repository);
      if (!map.has(repo)) map.set(repo, new Map());
      map.get(repo)!.set(String(v.config.variable_name), String(v.config.value));
    }
    return map;
  });
}

/** Key under Terraform's "//" comment block where the stacks record facts for the checks. */
export const PLATFORM_METADATA_KEY = "github_actions_platform";

/** Extra data the stacks attach to a resource under Terraform's "//" comment key. */
export function platformMetadata(resource: SynthResource): Record<string, any> {
  return (resource.config["//"] as Record<string, any> | undefined)?.[PLATFORM_METADATA_KEY] ?? {};
}

/** The GitHub owner a stack's github provider manages. */
export function githubOwner(app: AppView, stack: string): string | undefined {
  const owner = app.provider(stack, "github")[0]?.owner;
  return typeof owner === "string" ? owner : undefined;
}
