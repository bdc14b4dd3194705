import { jobsOf, workflowOf } from "../../support";
import type { Rule } from "../../types";
import { lineOf } from "./common";

const TO_JSON_SECRETS = /toJSON\s*\(\s*secrets\s*\)/gi;

export const WF_005: Rule = {
  id: "WF-005",
  title: "No toJSON(secrets) and no secrets: inherit",
  why: "both hand every secret of the repository to one step or called workflow, so a compromise of that one place leaks all of them",
  fix: "pass only the secrets a step needs, by name (secrets.NAME); list a called workflow's secrets explicitly",
  source: "GitHub docs: Using secrets in GitHub Actions; zizmor overprovisioned-secrets, secrets-inherit",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = workflowOf(app, resource);
    if (!workflow) return undefined;
    // The text, not the parsed YAML: the expression may sit in any value (env, with, run).
    const problems = [...workflow.text.matchAll(TO_JSON_SECRETS)].map((m) => `line ${lineOf(workflow.text, m.index ?? 0)}: ${m[0]}`);
    for (const job of jobsOf(workflow.doc)) {
      if (job.job?.secrets === "inherit") problems.push(`job "${job.id}": secrets: inherit`);
    }
    return problems.length > 0 ? problems : undefined;
  },
};
