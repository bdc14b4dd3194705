import { asArray } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";
import { CONNECTION_ACTIONS, connectionOf, grantsConnection, policiesOfRole, projectOfWebhook, serviceRoleOf } from "./projects";

function problem(app: AppView, dependent: SynthResource, project: SynthResource): string | undefined {
  const connection = connectionOf(project);
  const role = serviceRoleOf(app, project);
  // A role created elsewhere is granted before this apply starts: no race to order against.
  if (connection === undefined || role === undefined) return undefined;
  const granting = policiesOfRole(app, role).filter((p) => grantsConnection(p, connection));
  if (granting.length === 0) {
    return `no aws_iam_role_policy of the service role "${String(role.config.name ?? role.name)}" grants ${CONNECTION_ACTIONS.join(" and ")} on ${connection}`;
  }
  const dependsOn = asArray<string>(dependent.config.depends_on);
  if (granting.some((p) => dependsOn.includes(`${p.type}.${p.name}`))) return undefined;
  return `depends_on ${JSON.stringify(dependsOn)} does not name ${granting.map((p) => `${p.type}.${p.name}`).join(" or ")}`;
}

export const CB_004: Rule = {
  id: "CB-004",
  title: "Project and webhook depend on the service role policy that grants the connection",
  why:
    "Without the dependency Terraform creates the project or webhook in parallel with the grant, and CodeBuild rejects it with OAuthProviderException / \"Access denied to connection\" until apply is re-run.",
  fix: "Let the template write the runner (repositories[].runner); by hand: grant codeconnections:GetConnection and GetConnectionToken on the connection in an aws_iam_role_policy of the service role and add it to depends_on of the project and the webhook.",
  source: "AWS CodeBuild user guide: GitHub App connections (grant CodeBuild project IAM role access); Terraform docs: depends_on",
  resourceTypes: ["aws_codebuild_project", "aws_codebuild_webhook"],
  check(resource, app) {
    const project = resource.type === "aws_codebuild_webhook" ? projectOfWebhook(app, resource) : resource;
    return project === undefined ? undefined : problem(app, resource, project);
  },
};
