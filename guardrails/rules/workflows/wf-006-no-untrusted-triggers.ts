import { jobsOf } from "../../support";
import type { Rule } from "../../types";
import { assumesRole, parsedWorkflow, runnerLabels, triggersOf } from "./common";

const UNTRUSTED_TRIGGERS = ["pull_request_target", "workflow_run"];

export const WF_006: Rule = {
  id: "WF-006",
  title: "No pull_request_target or workflow_run triggers in workflows that assume an AWS role or run on the CodeBuild runner",
  why: "both run with the base repository's privileges on events a fork's pull request can cause: a job that then checks out or reads the fork's code gives it the AWS role or the CodeBuild runner",
  fix: "trigger role-assuming and CodeBuild workflows on push (branches/tags in platform.yaml); build untrusted pull requests in a separate workflow without role or runner",
  source: "GitHub Security Lab: Preventing pwn requests; GitHub docs: Security hardening for GitHub Actions; zizmor dangerous-triggers",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = parsedWorkflow(app, resource);
    if (!workflow) return undefined;
    const triggers = triggersOf(workflow.doc).filter((t) => UNTRUSTED_TRIGGERS.includes(t));
    if (triggers.length === 0) return undefined;
    const privileged = jobsOf(workflow.doc).flatMap((job) => {
      const codebuild = runnerLabels(job).filter((l) => l.startsWith("codebuild-"));
      return [
        ...(assumesRole(job) ? [`job "${job.id}" assumes an AWS role`] : []),
        ...codebuild.map((l) => `job "${job.id}" runs on the CodeBuild runner "${l}"`),
      ];
    });
    return privileged.length > 0 ? `triggered by ${triggers.join(", ")} while ${privileged.join(" and ")}` : undefined;
  },
};
