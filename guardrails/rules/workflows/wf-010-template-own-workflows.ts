import { SELF_VARIABLES, workflowPath } from "../../../domain/github";
import { SELF_WORKFLOW_FILES } from "../../../config/derive";
import { actionsVariables } from "../../support";
import type { AppView, Rule } from "../../types";

/** Repositories that hold this template: the ones carrying its plan workflow's role variable (config self). */
function templateRepositories(app: AppView): ReadonlySet<string> {
  return app.memo("wf-010-template-repositories", () => {
    const repos = new Set<string>();
    for (const [repo, vars] of actionsVariables(app)) if (vars.has(SELF_VARIABLES.planRoleArn)) repos.add(repo.toLowerCase());
    return repos;
  });
}

const OWN_PATHS = new Set(SELF_WORKFLOW_FILES.map((f) => workflowPath(f).toLowerCase()));

export const WF_010: Rule = {
  id: "WF-010",
  title: "No file resource writes the template's own workflows (ci.yml, plan.yml, deploy.yml) in the repository holding the template",
  why: "deploy.yml applies with the deploy role and the write App token, and plan.yml holds the plan App's key: a github_repository_file at one of those paths replaces the template's pipeline with whatever the config or a stack says, on the next apply, outside the review of the workflow files themselves",
  fix: "give the workflow another file name (repositories[].workflows[].file), or remove the hand-added github_repository_file; change the template's own workflows by editing .github/workflows/ in a pull request",
  source: "issue 9 §6; GitHub docs: Security hardening for GitHub Actions (workflow files are code with the repository's credentials)",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const file = resource.config.file;
    if (typeof file !== "string" || !OWN_PATHS.has(file.toLowerCase())) return undefined;
    const repository = String(resource.config.repository ?? "");
    if (!templateRepositories(app).has(repository.toLowerCase())) return undefined;
    return `writes ${file} in ${repository}, the repository holding this template (it has the ${SELF_VARIABLES.planRoleArn} variable of self): that file is the template's own pipeline`;
  },
};
