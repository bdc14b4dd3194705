import { jobsOf } from "../../support";
import type { Rule } from "../../types";
import { assumesRole, isMapping, parsedWorkflow } from "./common";

export const WF_001: Rule = {
  id: "WF-001",
  title: "Workflow-level permissions: {}, every job lists its own, id-token: write only on jobs that assume a role",
  why: "without them the GITHUB_TOKEN gets the repository's default (often write to contents and packages) in every job, and any job with id-token: write can mint an OIDC token for every role that trusts the repository",
  fix: "regenerate the workflow from platform.yaml (the generator writes permissions: {} and per-job permissions); do not edit generated workflows by hand",
  source: "GitHub docs: Security hardening for GitHub Actions (GITHUB_TOKEN permissions), OpenID Connect (id-token); zizmor excessive-permissions",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = parsedWorkflow(app, resource);
    if (!workflow) return undefined;
    const problems: string[] = [];
    const top = workflow.doc.permissions;
    if (top === undefined) problems.push("workflow-level permissions is missing (want permissions: {})");
    else if (!isMapping(top) || Object.keys(top).length > 0) problems.push(`workflow-level permissions is ${JSON.stringify(top)} (want {})`);

    for (const job of jobsOf(workflow.doc)) {
      const permissions = job.job?.permissions;
      if (permissions === undefined) {
        problems.push(`job "${job.id}" has no permissions of its own`);
        continue;
      }
      if (permissions === "write-all") {
        problems.push(`job "${job.id}" has permissions: write-all`);
        continue;
      }
      // A job calling a reusable workflow (uses:) hands its permissions to the callee, which may assume a role.
      if (isMapping(permissions) && permissions["id-token"] === "write" && job.job?.uses === undefined && !assumesRole(job)) {
        problems.push(`job "${job.id}" has id-token: write but assumes no role (no configure-aws-credentials step with role-to-assume)`);
      }
    }
    return problems.length > 0 ? problems : undefined;
  },
};
