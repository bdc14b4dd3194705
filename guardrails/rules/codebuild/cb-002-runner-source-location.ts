import { ORGANIZATION_WEBHOOK_LOCATION } from "../../../domain/codebuild";
import type { Rule } from "../../types";
import { block, isRunnerProject, webhooksOf } from "./projects";

const REPOSITORY_URL = /^https:\/\/github\.com\/[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+\.git$/;

export const CB_002: Rule = {
  id: "CB-002",
  title: "Runner projects have a GITHUB source at https://github.com/<owner>/<repo>.git, or the organisation location whose webhooks are scoped",
  why:
    "The source location decides which repository's queued jobs the project accepts; a webhook of a CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION project without scope_configuration is not tied to any organisation, and other source types cannot run GitHub Actions jobs. (Before its webhook exists, while the connection is pending, such a project receives no job and passes.)",
  fix: "Let the template set it from the config (runners[] for a shared runner, or repositories[].runner.organizationWebhook: true, both of which write the webhook's scope_configuration).",
  source: "AWS CodeBuild user guide: GitHub global and organization webhooks; tutorial, configure a CodeBuild-hosted GitHub Actions runner",
  resourceTypes: ["aws_codebuild_project"],
  check(resource, app) {
    if (!isRunnerProject(app, resource)) return undefined;
    const source = block(resource.config.source);
    if (source?.type !== "GITHUB") return `source.type is ${JSON.stringify(source?.type ?? "not set")}, not "GITHUB"`;
    const location = source.location;
    if (location === ORGANIZATION_WEBHOOK_LOCATION) {
      // What ties the location to an organisation is the webhook's scope. No webhook yet (the
      // connection is still pending, or no workflow runs on it) delivers no job: nothing to tie.
      const webhooks = webhooksOf(app, resource);
      const unscoped = webhooks.filter((w) => typeof block(w.config.scope_configuration)?.name !== "string");
      if (unscoped.length === 0) return undefined;
      return unscoped.length === webhooks.length
        ? `source.location is "${ORGANIZATION_WEBHOOK_LOCATION}" but no webhook of the project sets scope_configuration`
        : `source.location is "${ORGANIZATION_WEBHOOK_LOCATION}" but ${unscoped.length} of its ${webhooks.length} webhooks set no scope_configuration`;
    }
    if (typeof location === "string" && REPOSITORY_URL.test(location)) return undefined;
    return `source.location is ${JSON.stringify(location ?? "not set")}, not https://github.com/<owner>/<repo>.git or ${ORGANIZATION_WEBHOOK_LOCATION}`;
  },
};
