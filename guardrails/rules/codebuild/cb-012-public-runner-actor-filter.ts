import { githubOwner, jobsOf, workflowOf } from "../../support";
import type { Rule, SynthResource, AppView } from "../../types";
import { projectOfLabel, runsOnLabels } from "../cross/runner-labels";
import { filterGroups, isPublic, publicRepositoriesAdmitted } from "./public";
import { projectOfWebhook } from "./projects";

const ANCHORED = /^\^.*\$$/;

/**
 * Events someone without write access can cause on a public repository: a fork's pull request,
 * a review or comment on it, an issue, a star; workflow_run chains to any of them.
 */
const FORK_TRIGGERS = new Set([
  "pull_request",
  "pull_request_target",
  "pull_request_review",
  "pull_request_review_comment",
  "issue_comment",
  "issues",
  "discussion",
  "discussion_comment",
  "fork",
  "watch",
  "workflow_run",
]);

function events(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === "object" ? Object.keys(on) : [];
}

function webhookProblems(app: AppView, webhook: SynthResource): string[] {
  const project = projectOfWebhook(app, webhook);
  if (project === undefined) return [];
  return filterGroups(webhook).flatMap((filters, i) => {
    const admitted = publicRepositoriesAdmitted(app, webhook, project, filters);
    if (admitted.length === 0) return [];
    const actor = filters.some((f) => f.type === "ACTOR_ACCOUNT_ID" && f.exclude_matched_pattern !== true && ANCHORED.test(String(f.pattern ?? "")));
    return actor
      ? []
      : [`filter_group #${i + 1} admits jobs of the public repository ${admitted.join(", ")} without an anchored ACTOR_ACCOUNT_ID filter: anyone whose workflow run GitHub queues there (a fork's pull request included) starts a build`];
  });
}

function workflowProblems(app: AppView, file: SynthResource): string[] {
  const wf = workflowOf(app, file);
  if (!wf?.doc) return [];
  const owner = githubOwner(app, file.stack) ?? "";
  if (!isPublic(app, owner, wf.repository)) return [];
  const risky = events(wf.doc.on).filter((e) => FORK_TRIGGERS.has(e));
  if (risky.length === 0) return [];
  return jobsOf(wf.doc)
    .filter(({ job }) => runsOnLabels(job?.["runs-on"]).some((l) => projectOfLabel(l) !== undefined))
    .map(({ id }) => `job "${id}" runs on a CodeBuild runner in the public repository ${owner}/${wf.repository} and is triggered by ${risky.join(", ")}, which people without write access can cause`);
}

export const CB_012: Rule = {
  id: "CB-012",
  title: "Runners of public repositories admit only named actors, and no fork-triggered job runs on them",
  why:
    "On a public repository anyone can fork and open a pull request, comment or star: a runner webhook without an ACTOR_ACCOUNT_ID filter starts a build for whoever's run GitHub queues, and a workflow on the runner triggered by pull_request, issue_comment or workflow_run runs a stranger's code on your CodeBuild project, its network and its service role.",
  fix: "List the numeric GitHub ids of the people whose runs may use the runner under runner.allowedActorIds (or accept it with publicRepositoryOptIns.runnerWithoutActorFilter and a reason); trigger runner workflows on push only.",
  source: "README: Threat model (public repository pull requests); GitHub docs: Security hardening for GitHub Actions (self-hosted runners on public repositories); AWS CodeBuild API reference: WebhookFilter (ACTOR_ACCOUNT_ID)",
  resourceTypes: ["aws_codebuild_webhook", "github_repository_file"],
  check(resource, app) {
    const problems = resource.type === "aws_codebuild_webhook" ? webhookProblems(app, resource) : workflowProblems(app, resource);
    return problems.length > 0 ? problems : undefined;
  },
};
