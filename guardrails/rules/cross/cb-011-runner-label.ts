import { githubOwner, jobsOf, workflowOf } from "../../support";
import type { Rule } from "../../types";
import { admitsRepository, admitsWorkflow, projectOfLabel, repositoryPatterns, runnerProjects, runsOnLabels, servesRepository } from "./runner-labels";

export const CB_011: Rule = {
  id: "CB-011",
  title: "Every runs-on: codebuild-<project>-... names a project of this app whose job-queued webhook serves the repository (REPOSITORY_NAME, for a shared runner) and admits the workflow",
  why: "a job whose label names no such project (renamed, deleted, other repository), or whose workflow name the webhook's WORKFLOW_NAME filter does not admit (a renamed workflow), waits for a runner until it times out after 24 hours; actionlint skips labels with expressions, so nothing else catches it",
  fix: "use the workflow the template generates for runsOn: codebuild (or runsOn: { runner: <name> } for a shared runner of runners[], whose webhook then admits the repository), or rename the label to codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}",
  source: "AWS CodeBuild: Tutorial: Configure a CodeBuild-hosted GitHub Actions runner (runs-on label)",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const wf = workflowOf(app, resource);
    if (!wf?.doc) return undefined;
    const owner = githubOwner(app, resource.stack) ?? "";
    const projects = runnerProjects(app);
    // GitHub names a workflow without name: by its path; the webhook's WORKFLOW_NAME sees that.
    const workflowName = typeof wf.doc.name === "string" ? wf.doc.name : wf.path;
    const problems: string[] = [];
    for (const { id, job } of jobsOf(wf.doc)) {
      for (const label of runsOnLabels(job?.["runs-on"])) {
        const parsed = projectOfLabel(label);
        if (!parsed) continue;
        if (parsed.malformed) {
          problems.push(`job "${id}": ${parsed.malformed}`);
          continue;
        }
        const runner = projects.get(parsed.project!);
        if (!runner) {
          problems.push(`job "${id}" runs on CodeBuild project "${parsed.project}", which this app does not define (projects: ${[...projects.keys()].join(", ") || "none"})`);
        } else if (!servesRepository(runner, owner, wf.repository)) {
          problems.push(`job "${id}" runs on "${parsed.project}", whose webhook does not deliver WORKFLOW_JOB_QUEUED events of ${owner}/${wf.repository}`);
        } else if (!admitsRepository(runner, wf.repository)) {
          problems.push(
            `job "${id}" runs on "${parsed.project}", whose organisation webhook's REPOSITORY_NAME filters (${repositoryPatterns(runner).join(", ")}) do not admit ${wf.repository}: the job waits for a runner that never starts`,
          );
        } else if (!admitsWorkflow(runner, wf.repository, workflowName)) {
          problems.push(
            `job "${id}" runs on "${parsed.project}", whose webhook filters (WORKFLOW_NAME, REPOSITORY_NAME) admit no workflow named ${JSON.stringify(workflowName)} of ${wf.repository}: the job waits for a runner that never starts`,
          );
        }
      }
    }
    return problems;
  },
};
