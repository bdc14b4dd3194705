/**
 * Renders the workflow model to the YAML committed into repositories, and escapes that YAML for
 * Terraform. Rendering is deterministic (same model, same bytes) so plans show no diff unless the
 * config changed.
 */
import { Document, Scalar } from "yaml";
import { GENERATED_MARKER } from "../domain/github";
import { terraformString, terraformStringValue } from "../modules/terraform-text";
import { isActionStep, type Concurrency, type Job, type Step, type Workflow } from "./model";

export interface RenderOptions {
  /**
   * Where the workflow came from, named in the header, e.g. `the platform config (repository app,
   * workflow ci.yml)`. One line. Keep it free of file paths and list positions: a different path
   * spelling or a reordered list would otherwise rewrite every generated file.
   */
  readonly source: string;
}

const PINNED_USES = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const VERSION = /^v\d+\.\d+\.\d+$/;

export function renderWorkflow(model: Workflow, options: RenderOptions): string {
  if (/[\r\n]/.test(options.source)) {
    // A newline would end the header comment and let the rest be read as YAML.
    throw new Error(`renderWorkflow: source must be one line, got ${JSON.stringify(options.source)}`);
  }
  if (Object.keys(model.permissions).length > 0) {
    throw new Error(`workflow "${model.name}": workflow-level permissions must be {} (WF-001); grant them per job`);
  }
  if (Object.keys(model.jobs).length === 0) {
    throw new Error(`workflow "${model.name}" has no jobs`);
  }

  // Insertion order is output order: name, on, permissions, concurrency, jobs.
  const root: Record<string, unknown> = {
    name: model.name,
    on: { push: pushFilters(model) },
    permissions: {},
  };
  if (model.concurrency) root.concurrency = concurrency(model.concurrency);
  root.jobs = Object.fromEntries(Object.entries(model.jobs).map(([id, job]) => [id, renderJob(model.name, id, job)]));

  // No anchors/aliases even if the model shares an object between two places: reviewers read
  // these files, and GitHub supports anchors only recently.
  const doc = new Document(root, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    `${GENERATED_MARKER.slice(1)} from ${options.source}.`,
    " Do not edit: change the platform config and run cdktf deploy; edits here are overwritten.",
  ].join("\n");
  // lineWidth 0: never fold long values (expressions, SHAs) onto a second line.
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

function pushFilters(model: Workflow): Record<string, string[]> {
  const { branches = [], tags = [] } = model.on.push;
  if (branches.length === 0 && tags.length === 0) {
    // An unfiltered push trigger would run (and maybe assume a role) for every branch and tag.
    throw new Error(`workflow "${model.name}": on.push needs at least one branch or tag filter`);
  }
  const push: Record<string, string[]> = {};
  if (branches.length > 0) push.branches = [...branches];
  if (tags.length > 0) push.tags = [...tags];
  return push;
}

function concurrency(c: Concurrency): Record<string, unknown> {
  return { group: c.group, "cancel-in-progress": c.cancelInProgress };
}

function renderJob(workflowName: string, id: string, job: Job): Record<string, unknown> {
  const where = `workflow "${workflowName}", job ${id}`;
  if (Object.keys(job.permissions).length === 0) {
    // An empty map is valid but almost always a mistake: checkout alone needs contents: read.
    throw new Error(`${where}: list the job's permissions (WF-001)`);
  }
  if (!Number.isInteger(job.timeoutMinutes) || job.timeoutMinutes < 1) {
    throw new Error(`${where}: timeoutMinutes must be a positive integer`);
  }
  if (job.steps.length === 0) throw new Error(`${where}: no steps`);

  const out: Record<string, unknown> = { name: job.name, "runs-on": job.runsOn };
  if (job.environment !== undefined) out.environment = job.environment;
  out.permissions = { ...job.permissions };
  if (job.concurrency) out.concurrency = concurrency(job.concurrency);
  out["timeout-minutes"] = job.timeoutMinutes;
  out.steps = job.steps.map((step) => renderStep(where, step));
  return out;
}

function renderStep(where: string, step: Step): Record<string, unknown> {
  const out: Record<string, unknown> = { name: step.name };
  if (step.id !== undefined) out.id = step.id;
  if (isActionStep(step)) {
    const { uses, version } = step.uses;
    if (!PINNED_USES.test(uses) || !VERSION.test(version)) {
      throw new Error(`${where}, step "${step.name}": uses must be owner/repo@<40-hex sha> with a vX.Y.Z version (WF-002), got ${uses} ${version}`);
    }
    const scalar = new Scalar(uses);
    scalar.comment = ` ${version}`; // rendered on the same line: uses: owner/repo@sha # vX.Y.Z
    out.uses = scalar;
    if (step.with !== undefined) out.with = { ...step.with };
    if (step.env !== undefined) out.env = { ...step.env };
  } else {
    if (step.run.includes("${{")) {
      throw new Error(`${where}, step "${step.name}": no \${{ }} expressions inside run: (WF-003); pass them through env:`);
    }
    if (step.env !== undefined) out.env = { ...step.env };
    if (step.shell !== undefined) out.shell = step.shell;
    const script = new Scalar(step.run);
    if (step.run.includes("\n")) script.type = Scalar.BLOCK_LITERAL;
    out.run = script;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Terraform escaping (WF-008)
// ---------------------------------------------------------------------------------------------

/**
 * Terraform reads every string of cdk.tf.json as a template: `${...}` is interpolation and `%{...}`
 * a directive, so `${{ github.sha }}` would fail the plan. `$${` and `%%{` are its escapes for the
 * literal text. One mechanism for all text: the boundary in modules/terraform-text.ts.
 */
export const escapeForTerraform: (s: string) => string = terraformString;

/**
 * What Terraform makes of an escaped string; the inverse of {@link escapeForTerraform}. Used to
 * check that the content Terraform writes is exactly the rendered YAML.
 */
export const unescapeFromTerraform: (s: string) => string = terraformStringValue;
