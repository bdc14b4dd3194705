import type { Rule } from "../../types";
import { block, isRunnerProject, webhooksOf } from "./projects";

const ORGANIZATION_LOCATION = "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION";
const REPOSITORY_URL = /^https:\/\/github\.com\/[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+\.git$/;

export const CB_002: Rule = {
  id: "CB-002",
  title: "Runner projects have a GITHUB source at https://github.com/<owner>/<repo>.git, or the organisation location with a scoped webhook",
  why:
    "The source location decides which repository's queued jobs the project accepts; CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION without a webhook scope_configuration is not tied to any organisation, and other source types cannot run GitHub Actions jobs.",
  fix: "Let the template set it from repositories[] (organizationWebhook: true for an organisation runner, which also writes the webhook's scope_configuration).",
  source: "AWS CodeBuild user guide: GitHub global and organization webhooks; tutorial, configure a CodeBuild-hosted GitHub Actions runner",
  resourceTypes: ["aws_codebuild_project"],
  check(resource, app) {
    if (!isRunnerProject(app, resource)) return undefined;
    const source = block(resource.config.source);
    if (source?.type !== "GITHUB") return `source.type is ${JSON.stringify(source?.type ?? "not set")}, not "GITHUB"`;
    const location = source.location;
    if (location === ORGANIZATION_LOCATION) {
      const scoped = webhooksOf(app, resource).some((w) => typeof block(w.config.scope_configuration)?.name === "string");
      return scoped ? undefined : `source.location is "${ORGANIZATION_LOCATION}" but no webhook of the project sets scope_configuration`;
    }
    if (typeof location === "string" && REPOSITORY_URL.test(location)) return undefined;
    return `source.location is ${JSON.stringify(location ?? "not set")}, not https://github.com/<owner>/<repo>.git or ${ORGANIZATION_LOCATION}`;
  },
};
