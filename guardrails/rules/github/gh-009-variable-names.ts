import { actionsVariables, isReference, variablesRead, workflowOf } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";

const VARIABLE_TYPES = ["github_actions_variable", "github_actions_environment_variable", "github_actions_organization_variable"];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function nameProblem(resource: SynthResource): string | undefined {
  const name = resource.config.variable_name;
  if (isReference(name)) return undefined;
  if (typeof name !== "string" || !NAME.test(name)) return `variable name ${JSON.stringify(name)} is not a valid Actions variable name (${NAME.source})`;
  if (/^GITHUB_/i.test(name)) return `variable name ${JSON.stringify(name)} starts with GITHUB_, which GitHub reserves`;
  return undefined;
}

/** `vars.X` a workflow file reads that its repository does not define (names are case-insensitive). */
function undefinedReads(resource: SynthResource, app: AppView): string | undefined {
  const workflow = workflowOf(app, resource);
  if (!workflow) return undefined;
  const defined = [...(actionsVariables(app).get(workflow.repository)?.keys() ?? [])].sort();
  const known = new Set(defined.map((n) => n.toUpperCase()));
  const missing = variablesRead(workflow.text).filter((n) => !known.has(n.toUpperCase()));
  if (missing.length === 0) return undefined;
  return (
    `${workflow.path} reads ${missing.map((n) => `vars.${n}`).join(", ")}, which repository ${JSON.stringify(workflow.repository)} ` +
    `does not define as github_actions_variable (defined: ${defined.join(", ") || "none"})`
  );
}

export const GH_009: Rule = {
  id: "GH-009",
  title: "Actions variable names are valid, and every vars.X a workflow reads is defined for its repository",
  why: "GitHub rejects invalid and GITHUB_-prefixed names at apply; an undefined vars.X is an empty string at run time, so the job fails late (or assumes an empty role ARN) instead of at synth",
  fix: "name variables with letters, digits and _ (not starting with a digit or GITHUB_) under the repository's variables in platform.yaml, and define every variable the workflow reads there",
  source: "GitHub docs: Store information in variables (naming conventions); vars context",
  resourceTypes: [...VARIABLE_TYPES, "github_repository_file"],
  check(resource, app) {
    return resource.type === "github_repository_file" ? undefinedReads(resource, app) : nameProblem(resource);
  },
};
