/**
 * Helpers the rules share: reading trust policies (through the IAM library, iam/) and workflows
 * out of synthesized resources.
 * Everything here is pure and tolerant of malformed input (a rule reports; it never throws).
 */
import type * as JsYaml from "js-yaml";
import { WORKFLOW_DIR } from "../domain/github";
import { parsePolicy } from "../iam/parse";
import type { Statement } from "../iam/policy";
import { unescapeFromTerraform } from "../workflows/render";
import type { AppView, SynthResource } from "./types";

// The rules import it from here with the rest of their helpers.
export { asArray } from "../iam/parse";

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

/**
 * Environment-level Actions variables: repository -> environment (lower case: GitHub compares
 * environment names ignoring case) -> name -> value. The environment of a variable is usually a
 * reference to its github_repository_environment, resolved here to that environment's name.
 */
function environmentVariables(app: AppView): ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, string>>> {
  return app.memo("environment-variables", () => {
    const map = new Map<string, Map<string, Map<string, string>>>();
    for (const v of app.ofType("github_actions_environment_variable")) {
      const repo = String(v.config.repository);
      const target = app.referenced(v, v.config.environment);
      const environment = String(target ? target.config.environment : v.config.environment).toLowerCase();
      if (!map.has(repo)) map.set(repo, new Map());
      const byEnv = map.get(repo)!;
      if (!byEnv.has(environment)) byEnv.set(environment, new Map());
      byEnv.get(environment)!.set(String(v.config.variable_name), String(v.config.value));
    }
    return map;
  });
}

/**
 * The value `vars.NAME` has in a job of `repository`, as GitHub resolves it: the job's environment's
 * variable first (environment variables take precedence), then the repository's.
 */
export function variableForJob(app: AppView, repository: string, environment: string | undefined, name: string): string | undefined {
  const fromEnvironment = environment === undefined ? undefined : environmentVariables(app).get(repository)?.get(environment.toLowerCase())?.get(name);
  return fromEnvironment ?? actionsVariables(app).get(repository)?.get(name);
}

/** The AWS account a stack's aws provider is pinned to (allowed_account_ids), if exactly one. */
export function stackAccount(app: AppView, stack: string): string | undefined {
  const ids = app.provider(stack, "aws")[0]?.allowed_account_ids;
  return Array.isArray(ids) && ids.length === 1 ? String(ids[0]) : undefined;
}

/** The GitHub owner a stack's github provider manages. */
export function githubOwner(app: AppView, stack: string): string | undefined {
  const owner = app.provider(stack, "github")[0]?.owner;
  return typeof owner === "string" ? owner : undefined;
}
