import { parse } from "yaml";
import { isWorkflowFile, workflowOf } from "../../support";
import type { Rule } from "../../types";
import { escapeForTerraform, unescapeFromTerraform } from "../../../workflows/render";
import { isMapping, lineOf } from "./common";

// ${ or %{ that is not Terraform's escape ($${ / %%{): Terraform would evaluate it.
const TEMPLATE_SEQUENCE = /(?<!\$)\$\{|(?<!%)%\{/g;

export const WF_008: Rule = {
  id: "WF-008",
  title: "Workflow file content survives Terraform's template escaping and parses as YAML",
  why: "Terraform reads ${ and %{ in cdk.tf.json as its own templates: ${{ github.sha }} fails the plan or writes something else than the YAML the template rendered",
  fix: "build workflow files with the WorkflowFile module (it escapes the rendered YAML); an override of content must escape ${ as $${ and %{ as %%{",
  source: "Terraform docs: String templates (interpolation, directives, $${ and %%{ escapes); GitHub docs: Workflow syntax",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    if (!isWorkflowFile(resource)) return undefined;
    const content = resource.config.content;
    if (typeof content !== "string") return `content is ${JSON.stringify(content)}, not text`;
    if (escapeForTerraform(unescapeFromTerraform(content)) !== content) {
      const found = [...content.matchAll(TEMPLATE_SEQUENCE)]
        .slice(0, 3)
        .map((m) => `line ${lineOf(content, m.index ?? 0)}: ${JSON.stringify(content.slice(m.index, (m.index ?? 0) + 24))}`);
      return `content holds unescaped Terraform template sequences (${found.join("; ") || "re-escaping does not give the content back"})`;
    }
    // The shared parse (once per synth); parse again only to quote the error.
    const doc = workflowOf(app, resource)?.doc;
    if (doc === undefined) {
      try {
        parse(unescapeFromTerraform(content));
      } catch (e) {
        return `content does not parse as YAML: ${String((e as Error).message).split("\n")[0]}`;
      }
    }
    return isMapping(doc) ? undefined : `content is YAML but not a mapping (a workflow needs on: and jobs:)`;
  },
};
