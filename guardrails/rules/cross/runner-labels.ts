/** Reading `runs-on: codebuild-<project>-...` labels and the projects they name. */
import { repositoryUrl } from "../../../domain/github";
import { ORGANIZATION_WEBHOOK_LOCATION } from "../../../domain/codebuild";
import { terraformStringValue } from "../../../modules/terraform-text";
import { asArray } from "../../support";
import { webhooksOf } from "../codebuild/projects";
import type { AppView, SynthResource } from "../../types";

const RUNNER_LABEL_SUFFIX = "-${{ github.run_id }}-${{ github.run_attempt }}";

/** The first runs-on label, from a string, a list, or a { labels } / { group } mapping. */
export function runsOnLabels(runsOn: unknown): string[] {
  if (typeof runsOn === "string") return [runsOn];
  if (Array.isArray(runsOn)) return runsOn.map(String);
  if (runsOn && typeof runsOn === "object") return asArray((runsOn as { labels?: unknown }).labels).map(String);
  return [];
}

/** The CodeBuild project a label names, or undefined when it is no codebuild- label. */
export function projectOfLabel(label: string): { project?: string; malformed?: string } | undefined {
  if (!label.startsWith("codebuild-")) return undefined;
  if (!label.endsWith(RUNNER_LABEL_SUFFIX)) {
    return { malformed: `runs-on "${label}" is not codebuild-<project>${RUNNER_LABEL_SUFFIX}` };
  }
  return { project: label.slice("codebuild-".length, -RUNNER_LABEL_SUFFIX.length) };
}

export interface RunnerProject {
  readonly project: SynthResource;
  readonly webhooks: readonly SynthResource[];
}

/** CodeBuild projects of the app by name, with the webhooks that point at them. */
export function runnerProjects(app: AppView): ReadonlyMap<string, RunnerProject> {
  return app.memo("runner-projects", () => {
    const map = new Map<string, RunnerProject>();
    for (const project of app.ofType("aws_codebuild_project")) {
      map.set(String(project.config.name), { project, webhooks: webhooksOf(app, project) });
    }
    return map;
  });
}

/** Does a job-queued webhook deliver jobs of owner/repository to this project? */
export function servesRepository(runner: RunnerProject, owner: string, repository: string): boolean {
  const location = String(runner.project.config.source?.location ?? "");
  return runner.webhooks.some((w) => {
    const queued = asArray(w.config.filter_group).some((g: any) =>
      asArray(g?.filter).some((f: any) => f?.type === "EVENT" && String(f?.pattern).split(",").includes("WORKFLOW_JOB_QUEUED")),
    );
    if (!queued) return false;
    const scope = w.config.scope_configuration;
    if (scope && location === ORGANIZATION_WEBHOOK_LOCATION) return String(scope.name).toLowerCase() === owner.toLowerCase();
    return location.toLowerCase() === repositoryUrl(owner, repository).toLowerCase();
  });
}

function matches(pattern: unknown, value: string): boolean {
  try {
    // The pattern as CodeBuild receives it: Terraform's evaluation of the literal the template wrote.
    return new RegExp(terraformStringValue(String(pattern ?? ""))).test(value);
  } catch {
    return true; // unreadable here: CodeBuild decides
  }
}

/** The filters of the webhooks' WORKFLOW_JOB_QUEUED groups. */
function queuedGroups(runner: RunnerProject): any[][] {
  return runner.webhooks.flatMap((w) =>
    asArray(w.config.filter_group)
      .map((g: any) => asArray(g?.filter) as any[])
      .filter((filters) => filters.some((f) => f?.type === "EVENT" && String(f?.pattern).split(",").map((e) => e.trim()).includes("WORKFLOW_JOB_QUEUED"))),
  );
}

function admitsValue(filters: any[], type: string, value: string): boolean {
  return filters.every((f) => {
    if (f?.type !== type) return true;
    const excluded = f.exclude_matched_pattern === true || f.exclude_matched_pattern === "true";
    return matches(f.pattern, value) !== excluded;
  });
}

/**
 * Does some job-queued filter group admit jobs of this repository, as far as its REPOSITORY_NAME
 * filters decide (an organisation webhook shared by several repositories)?
 */
export function admitsRepository(runner: RunnerProject, repository: string): boolean {
  return queuedGroups(runner).some((filters) => admitsValue(filters, "REPOSITORY_NAME", repository));
}

/** The REPOSITORY_NAME patterns of the job-queued groups, as CodeBuild receives them (for messages). */
export function repositoryPatterns(runner: RunnerProject): string[] {
  return [
    ...new Set(
      queuedGroups(runner).flatMap((filters) =>
        filters.filter((f) => f?.type === "REPOSITORY_NAME").map((f) => terraformStringValue(String(f.pattern ?? ""))),
      ),
    ),
  ];
}

/**
 * Does some job-queued filter group admit jobs of this workflow (its `name:`) and repository, as
 * far as the WORKFLOW_NAME and REPOSITORY_NAME filters decide? (Who triggered the run, the
 * ACTOR_ACCOUNT_ID filter, is known only at run time.)
 */
export function admitsWorkflow(runner: RunnerProject, repository: string, workflowName: string): boolean {
  return runner.webhooks.some((w) =>
    asArray(w.config.filter_group).some((g: any) => {
      const filters: any[] = asArray(g?.filter);
      if (!filters.some((f) => f?.type === "EVENT" && String(f?.pattern).split(",").map((e) => e.trim()).includes("WORKFLOW_JOB_QUEUED"))) return false;
      return filters.every((f) => {
        const value = f?.type === "WORKFLOW_NAME" ? workflowName : f?.type === "REPOSITORY_NAME" ? repository : undefined;
        if (value === undefined) return true;
        const excluded = f.exclude_matched_pattern === true || f.exclude_matched_pattern === "true";
        return matches(f.pattern, value) !== excluded;
      });
    }),
  );
}

/**
 * Repositories (names without the owner) a runner project serves, among those the app knows: the
 * one in its source location, or all of them for an organisation webhook of that owner.
 */
export function repositoriesServed(runner: RunnerProject, owner: string, known: readonly string[]): string[] {
  const location = String(runner.project.config.source?.location ?? "");
  if (location === ORGANIZATION_WEBHOOK_LOCATION) return known.filter((r) => servesRepository(runner, owner, r));
  const m = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?$/i.exec(location);
  if (!m || m[1].toLowerCase() !== owner.toLowerCase()) return [];
  return known.filter((r) => r.toLowerCase() === m[2].toLowerCase());
}
