import { jobsOf, workflowOf } from "../../support";
import type { Rule } from "../../types";
import { isMapping, stepsOf } from "./common";

const NAME = "ACTIONS_ALLOW_UNSECURE_COMMANDS";

function setsIt(env: unknown): boolean {
  return isMapping(env) && Object.keys(env).some((k) => k.toUpperCase() === NAME);
}

export const WF_007: Rule = {
  id: "WF-007",
  title: "No ACTIONS_ALLOW_UNSECURE_COMMANDS",
  why: "it re-enables the ::set-env and ::add-path commands, so anything a step prints (a log line, a PR title) can set environment variables such as NODE_OPTIONS or PATH for the later steps",
  fix: "remove the variable; write to $GITHUB_ENV and $GITHUB_PATH instead",
  source: "GitHub changelog 2020-10-01: deprecating set-env and add-path (CVE-2020-15228); zizmor insecure-commands",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = workflowOf(app, resource);
    if (!workflow) return undefined;
    const problems: string[] = [];
    if (setsIt(workflow.doc?.env)) problems.push(`workflow env sets ${NAME}`);
    for (const job of jobsOf(workflow.doc)) if (setsIt(job.job?.env)) problems.push(`job "${job.id}" env sets ${NAME}`);
    for (const { step, label } of stepsOf(workflow.doc)) if (setsIt(step.env)) problems.push(`${label} env sets ${NAME}`);
    // Elsewhere too, e.g. echo "ACTIONS_ALLOW_UNSECURE_COMMANDS=true" >> "$GITHUB_ENV".
    if (problems.length === 0 && workflow.text.toUpperCase().includes(NAME)) problems.push(`the workflow mentions ${NAME}`);
    return problems.length > 0 ? problems : undefined;
  },
};
