import { GENERATED_MARKER } from "../../../domain/github";
import { isWorkflowFile } from "../../support";
import type { Rule } from "../../types";
import { unescapeFromTerraform } from "../../../workflows/render";

export const WF_009: Rule = {
  id: "WF-009",
  title: "overwrite_on_create only for workflow files that carry the template's generated header",
  why: "overwrite_on_create replaces whatever file already sits at the path on the first apply: a hand-written workflow of the repository is silently lost",
  fix: "build workflow files with the WorkflowFile module (renderWorkflow writes the header); for a file the template does not own, leave overwrite_on_create unset",
  source: "terraform-provider-github docs: github_repository_file (overwrite_on_create); projen generated-file marker",
  resourceTypes: ["github_repository_file"],
  check(resource) {
    if (!isWorkflowFile(resource)) return undefined;
    const overwrite = resource.config.overwrite_on_create;
    if (overwrite !== true && overwrite !== "true") return undefined;
    const text = typeof resource.config.content === "string" ? unescapeFromTerraform(resource.config.content) : "";
    if (text.startsWith(GENERATED_MARKER)) return undefined;
    return `overwrite_on_create is true but the content does not start with "${GENERATED_MARKER}" (it starts with ${JSON.stringify(text.split("\n")[0].slice(0, 60))})`;
  },
};
