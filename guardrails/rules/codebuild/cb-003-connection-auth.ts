// The legacy opt-in tag naming the person whose token the project uses (CB-010 checks them).
import { TOKEN_OWNER_TAG } from "../../../domain/codebuild";
import { isReference } from "../../support";
import type { Rule } from "../../types";
import { block, isRunnerProject, sourceAuth } from "./projects";

const CONNECTION_ARN = /^arn:[^:]+:(codeconnections|codestar-connections):[^:]+:\d{12}:connection\/[A-Za-z0-9-]+$/;

function projectProblem(config: Readonly<Record<string, any>>, auth: Record<string, any> | undefined): string | undefined {
  if (auth === undefined) {
    return "source.auth is not set: CodeBuild falls back to the account's default source credential, whoever's token that is";
  }
  if (auth.type === "CODECONNECTIONS") {
    const arn = auth.resource;
    return (typeof arn === "string" && (CONNECTION_ARN.test(arn) || isReference(arn)))
      ? undefined
      : `source.auth.resource ${JSON.stringify(arn ?? "not set")} is not a connection ARN`;
  }
  if (auth.type === "SECRETS_MANAGER") {
    // A finding even when tagged: the legacy opt-in (runner.legacyPersonalToken) suppresses it with
    // its reason, so every synth prints that a person's token is in use, and why.
    const tags = block(config.tags) ?? {};
    const owner = tags[TOKEN_OWNER_TAG];
    return typeof owner === "string" && owner !== ""
      ? `source.auth.type is "SECRETS_MANAGER": the runner registers with ${owner}'s personal token instead of the connection (legacy opt-in)`
      : `source.auth.type is "SECRETS_MANAGER" (a person's token) but the project lacks the tag ${TOKEN_OWNER_TAG} naming that person, so CB-010 cannot check they stay admin`;
  }
  return `source.auth.type is ${JSON.stringify(auth.type)}, not "CODECONNECTIONS"`;
}

export const CB_003: Rule = {
  id: "CB-003",
  title: "Runner projects authenticate to GitHub through a CodeConnections connection pinned on the project; no account-wide token credentials",
  why:
    "An account-wide source credential (personal access token, OAuth, basic auth) silently becomes every project's GitHub identity: runners then register as that person, and lowering them from admin to write breaks every build with \"GitHub runner JIT configuration unavailable: ResourceNotFoundException\" (seed 000).",
  fix: "Set codeConnection in platform.yaml (the template pins source.auth { type = CODECONNECTIONS } on every runner) and delete the aws_codebuild_source_credential; a person's token only through the legacy opt-in runner.legacyPersonalToken, whose reason becomes this rule's suppression (printed on every synth) and whose owner tag (GitHubTokenOwner) CB-010 checks.",
  source: "AWS CodeBuild user guide: GitHub App connections, access tokens; incident seed 000 (runner identity tied to a person)",
  resourceTypes: ["aws_codebuild_project", "aws_codebuild_source_credential"],
  check(resource, app) {
    if (resource.type === "aws_codebuild_source_credential") {
      const type = resource.config.auth_type;
      return type === "CODECONNECTIONS"
        ? undefined
        : `aws_codebuild_source_credential with auth_type ${JSON.stringify(type)} for ${JSON.stringify(resource.config.server_type)} becomes the default GitHub identity of every project in the account`;
    }
    if (!isRunnerProject(app, resource)) return undefined;
    return projectProblem(resource.config, sourceAuth(resource));
  },
};
