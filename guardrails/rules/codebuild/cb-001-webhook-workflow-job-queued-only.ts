import type { Rule } from "../../types";
import { blocks } from "./projects";

const EVENT = "WORKFLOW_JOB_QUEUED";
/** Filter types that narrow which queued jobs start a build; anything else belongs to push/PR builds. */
const NARROWING = new Set(["WORKFLOW_NAME", "ACTOR_ACCOUNT_ID", "REPOSITORY_NAME"]);

function groupProblems(filters: Record<string, any>[], label: string): string[] {
  const problems: string[] = [];
  const events = filters.filter((f) => f.type === "EVENT");
  if (events.length === 0) problems.push(`${label} has no EVENT filter (every event starts a build)`);
  for (const f of events) {
    const names = String(f.pattern ?? "").split(",").map((e) => e.trim());
    if (names.length !== 1 || names[0] !== EVENT) problems.push(`${label} has EVENT "${String(f.pattern)}", not exactly "${EVENT}"`);
    if (f.exclude_matched_pattern === true) problems.push(`${label} excludes EVENT "${String(f.pattern)}" (every other event starts a build)`);
  }
  for (const f of filters) {
    if (f.type === "EVENT") continue;
    if (!NARROWING.has(f.type)) problems.push(`${label} has a ${String(f.type)} filter "${String(f.pattern)}" (only WORKFLOW_NAME, ACTOR_ACCOUNT_ID, REPOSITORY_NAME narrow a runner webhook)`);
    else if (f.type === "WORKFLOW_NAME" && !/^\^.*\$$/.test(String(f.pattern ?? ""))) {
      problems.push(`${label} has WORKFLOW_NAME "${String(f.pattern)}", not anchored as ^...$ (it matches any workflow name containing it)`);
    }
  }
  return problems;
}

export const CB_001: Rule = {
  id: "CB-001",
  title: "Runner webhooks start builds only for WORKFLOW_JOB_QUEUED",
  why:
    "A PUSH or PULL_REQUEST_* event on a runner project starts a build that runs the repository's buildspec with the service role, outside any workflow and its permissions; an unanchored WORKFLOW_NAME pattern matches workflows it was not meant for.",
  fix: "Keep the webhook the template writes for repositories[].runner (one filter group: EVENT = WORKFLOW_JOB_QUEUED); narrow further only with ^...$ WORKFLOW_NAME, ACTOR_ACCOUNT_ID or REPOSITORY_NAME filters.",
  source: "AWS CodeBuild user guide: tutorial, configure a CodeBuild-hosted GitHub Actions runner (WORKFLOW_JOB_QUEUED filter)",
  resourceTypes: ["aws_codebuild_webhook"],
  check(resource) {
    const groups = blocks(resource.config.filter_group);
    if (groups.length === 0) return "the webhook has no filter_group (every event starts a build)";
    const problems = groups.flatMap((g, i) => groupProblems(blocks(g.filter), `filter_group #${i + 1}`));
    return problems.length > 0 ? problems : undefined;
  },
};
