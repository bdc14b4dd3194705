import type { Rule } from "../../types";
import { block } from "./projects";
import { filterGroups, publicRepositoriesAdmitted } from "./public";
import { projectOfWebhook } from "./projects";

export const CB_014: Rule = {
  id: "CB-014",
  title: "Organisation runner webhooks do not serve public repositories",
  why:
    "An organisation runner is one project, one service role and one build environment for every repository it admits: a public repository among them lets strangers' runs share, and leave traces in, what the private repositories build on.",
  fix: "Give the public repository its own repository runner (remove runner.organizationWebhook), keep it out of the webhook's REPOSITORY_NAME filter, or accept it with publicRepositoryOptIns.organizationRunner and a reason.",
  source: "AWS CodeBuild user guide: GitHub global and organization webhooks; GitHub docs: Security hardening for GitHub Actions (self-hosted runners on public repositories)",
  resourceTypes: ["aws_codebuild_webhook"],
  check(resource, app) {
    if (block(resource.config.scope_configuration) === undefined) return undefined;
    const project = projectOfWebhook(app, resource);
    if (project === undefined) return undefined;
    const admitted = new Set(filterGroups(resource).flatMap((filters) => publicRepositoriesAdmitted(app, resource, project, filters)));
    return admitted.size === 0 ? undefined : `the organisation webhook admits jobs of the public repository ${[...admitted].join(", ")}`;
  },
};
