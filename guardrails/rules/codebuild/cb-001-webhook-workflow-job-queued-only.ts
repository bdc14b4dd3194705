import { terraformStringValue } from "../../../modules/terraform-text";
import type { Rule } from "../../types";
import { block, blocks } from "./projects";

const EVENT = "WORKFLOW_JOB_QUEUED";
/** Filter types that narrow which queued jobs start a build; anything else belongs to push/PR builds. */
const NARROWING = new Set(["WORKFLOW_NAME", "ACTOR_ACCOUNT_ID", "REPOSITORY_NAME"]);
const ANCHORED = /^\^.*\$$/;

/** A filter's pattern as CodeBuild receives it: Terraform's evaluation of the literal the template wrote. */
const patternOf = (f: Record<string, any>): string => terraformStringValue(String(f.pattern ?? ""));

/** Does the group narrow by this filter type, with an anchored pattern that includes (not excludes)? */
function narrows(filters: Record<string, any>[], type: string): boolean {
  return filters.some((f) => f.type === type && f.exclude_matched_pattern !== true && f.exclude_matched_pattern !== "true" && ANCHORED.test(patternOf(f)));
}

function groupProblems(filters: Record<string, any>[], label: string, organization: boolean): string[] {
  const problems: string[] = [];
  const events = filters.filter((f) => f.type === "EVENT");
  if (events.length === 0) problems.push(`${label} has no EVENT filter (every event starts a build)`);
  for (const f of events) {
    const names = patternOf(f).split(",").map((e) => e.trim());
    if (names.length !== 1 || names[0] !== EVENT) problems.push(`${label} has EVENT "${patternOf(f)}", not exactly "${EVENT}"`);
    if (f.exclude_matched_pattern === true) problems.push(`${label} excludes EVENT "${patternOf(f)}" (every other event starts a build)`);
  }
  for (const f of filters) {
    if (f.type === "EVENT") continue;
    if (!NARROWING.has(f.type)) problems.push(`${label} has a ${String(f.type)} filter "${patternOf(f)}" (only WORKFLOW_NAME, ACTOR_ACCOUNT_ID, REPOSITORY_NAME narrow a runner webhook)`);
    else if (!ANCHORED.test(patternOf(f))) {
      problems.push(`${label} has ${String(f.type)} "${patternOf(f)}", not anchored as ^...$ (it matches any value containing it)`);
    }
  }
  if (!narrows(filters, "WORKFLOW_NAME")) {
    problems.push(`${label} has no anchored WORKFLOW_NAME filter: a job of any workflow (any branch, any pull request) that names the project in runs-on starts a build`);
  }
  if (organization && !narrows(filters, "REPOSITORY_NAME")) {
    problems.push(`${label} of an organisation webhook has no anchored REPOSITORY_NAME filter: every repository of the organisation can queue jobs on the runner`);
  }
  return problems;
}

export const CB_001: Rule = {
  id: "CB-001",
  title: "Runner webhooks start builds only for WORKFLOW_JOB_QUEUED of the named workflows (and repositories, for organisation webhooks)",
  why:
    "A PUSH or PULL_REQUEST_* event on a runner project starts a build that runs the repository's buildspec with the service role, outside any workflow and its permissions; without an anchored WORKFLOW_NAME filter any workflow of any branch or pull request that says runs-on: codebuild-<project>-... gets a build, and an organisation webhook without REPOSITORY_NAME serves every repository of the organisation.",
  fix: "Keep the webhook the template writes for repositories[].runner or runners[] (EVENT = WORKFLOW_JOB_QUEUED, WORKFLOW_NAME = ^(names of the workflows that run on it)$, REPOSITORY_NAME for organisation webhooks, one group per repository for a shared runner); by hand, add those filters with ^...$ patterns to every filter group.",
  source:
    "AWS CodeBuild API reference: WebhookFilter (filter types, regular expression patterns); AWS CodeBuild user guide: GitHub webhook events (WORKFLOW_NAME), GitHub global and organization webhooks (REPOSITORY_NAME)",
  resourceTypes: ["aws_codebuild_webhook"],
  check(resource) {
    const groups = blocks(resource.config.filter_group);
    if (groups.length === 0) return "the webhook has no filter_group (every event starts a build)";
    const organization = block(resource.config.scope_configuration) !== undefined;
    const problems = groups.flatMap((g, i) => groupProblems(blocks(g.filter), `filter_group #${i + 1}`, organization));
    return problems.length > 0 ? problems : undefined;
  },
};
