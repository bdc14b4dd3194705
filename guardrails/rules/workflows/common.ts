/** Helpers the workflow rules share: reading jobs, steps, triggers and runners out of a parsed workflow. */
import { actionName, jobsOf, workflowOf, type JobView, type WorkflowFileView } from "../../support";
import type { AppView, SynthResource } from "../../types";

const CONFIGURE_AWS_CREDENTIALS = "aws-actions/configure-aws-credentials";

export function isMapping(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The workflow in a `github_repository_file`, when it is one and parses to a mapping; otherwise
 * undefined (not applicable: WF-008 reports content that does not parse).
 */
export function parsedWorkflow(app: AppView, resource: SynthResource): (WorkflowFileView & { doc: Record<string, any> }) | undefined {
  const workflow = workflowOf(app, resource);
  return workflow && isMapping(workflow.doc) ? (workflow as WorkflowFileView & { doc: Record<string, any> }) : undefined;
}

/** Steps of the workflow's jobs with a label for messages: `job "build", step "Check out"`. */
export function stepsOf(doc: unknown): { job: JobView; step: Record<string, any>; label: string }[] {
  return jobsOf(doc).flatMap((job) =>
    job.steps.filter(isMapping).map((step, i) => ({
      job,
      step,
      label: `job "${job.id}", step ${typeof step.name === "string" ? JSON.stringify(step.name) : typeof step.id === "string" ? `id ${JSON.stringify(step.id)}` : `#${i + 1}`}`,
    })),
  );
}

/** Does a job assume an AWS role (configure-aws-credentials with role-to-assume)? */
export function assumesRole(job: JobView): boolean {
  return job.steps.some(
    (step) => actionName(step?.uses) === CONFIGURE_AWS_CREDENTIALS && isMapping(step.with) && step.with["role-to-assume"] !== undefined && step.with["role-to-assume"] !== "",
  );
}

/** Runner labels of a job: `runs-on` as a string, a list, or `{ group, labels }`. */
export function runnerLabels(job: JobView): string[] {
  const runsOn = job.job?.["runs-on"];
  const labels = isMapping(runsOn) ? runsOn.labels : runsOn;
  return (Array.isArray(labels) ? labels : [labels]).filter((l): l is string => typeof l === "string");
}

/** Event names of `on:` (a string, a list, or a mapping). */
export function triggersOf(doc: Record<string, any>): string[] {
  const on = doc.on;
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.filter((e): e is string => typeof e === "string");
  return isMapping(on) ? Object.keys(on) : [];
}

/** 1-based line of an offset in a text. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}
