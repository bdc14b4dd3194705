import { ACTIONS } from "../../../domain/github";
import { actionName } from "../../support";
import type { Rule } from "../../types";
import { parsedWorkflow, stepsOf } from "./common";

export const WF_004: Rule = {
  id: "WF-004",
  title: "actions/checkout runs with persist-credentials: false",
  why: "by default checkout writes the GITHUB_TOKEN into .git/config, where every later step (a build script, a Dockerfile COPY . ., an uploaded artifact) can read it",
  fix: "regenerate the workflow from platform.yaml (generated checkouts set persist-credentials: false)",
  source: "actions/checkout README (persist-credentials); zizmor artipacked",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = parsedWorkflow(app, resource);
    if (!workflow) return undefined;
    const problems = stepsOf(workflow.doc)
      .filter(({ step }) => actionName(step.uses) === ACTIONS.checkout)
      .filter(({ step }) => {
        // Action inputs are strings to GitHub: false and "false" mean the same.
        const persist = step.with?.["persist-credentials"];
        return persist !== false && persist !== "false";
      })
      .map(({ step, label }) => {
        const persist = step.with?.["persist-credentials"];
        return `${label}: actions/checkout ${persist === undefined ? "without persist-credentials (defaults to true)" : `with persist-credentials: ${JSON.stringify(persist)}`}`;
      });
    return problems.length > 0 ? problems : undefined;
  },
};
