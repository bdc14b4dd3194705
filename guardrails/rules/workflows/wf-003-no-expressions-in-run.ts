import { ACTIONS } from "../../../domain/github";
import { actionName } from "../../support";
import type { Rule } from "../../types";
import { parsedWorkflow, stepsOf } from "./common";

const EXPRESSION = /\$\{\{[\s\S]*?(?:\}\}|$)/g;

export const WF_003: Rule = {
  id: "WF-003",
  title: "No ${{ }} expressions inside run: scripts (or github-script scripts); values pass through env:",
  why: "GitHub pastes an expression's value into the script before the shell runs it: a branch name, PR title or input such as $(curl ...|sh) runs as code with the job's token and AWS role",
  fix: "regenerate the workflow from platform.yaml (generated steps read values from env:); in a script, set env: NAME: ${{ ... }} and use \"$NAME\"",
  source: "GitHub docs: Security hardening for GitHub Actions (script injection); zizmor template-injection",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = parsedWorkflow(app, resource);
    if (!workflow) return undefined;
    const problems = stepsOf(workflow.doc).flatMap(({ step, label }) => {
      // actions/github-script evaluates `script` as JavaScript: the same injection in another language.
      const [key, script] =
        actionName(step.uses) === ACTIONS.githubScript ? ["with.script", step.with?.script] : ["run", step.run];
      if (typeof script !== "string") return [];
      const expressions = [...new Set(script.match(EXPRESSION) ?? [])];
      return expressions.length > 0 ? [`${label}: ${key} holds ${expressions.map((e) => JSON.stringify(e)).join(", ")}`] : [];
    });
    return problems.length > 0 ? problems : undefined;
  },
};
