import { asArray } from "../../support";
import type { AppView, Rule } from "../../types";

// Providers are not resources: the rule runs on the resources of a stack and reports once, on the
// first of them. These are the types the template's stacks (and typical hand additions) hold.
const STACK_TYPES = [
  "github_repository_collaborators",
  "github_repository_collaborator",
  "github_team_repository",
  "github_actions_variable",
  "github_actions_secret",
  "github_actions_environment_variable",
  "github_actions_environment_secret",
  "github_repository_file",
  "github_repository",
  "github_repository_environment",
  "github_branch_protection",
  "github_repository_ruleset",
  "aws_iam_openid_connect_provider",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_ecr_repository",
  "aws_ecr_lifecycle_policy",
  "aws_codeconnections_connection",
  "aws_codestarconnections_connection",
  "aws_codebuild_project",
  "aws_codebuild_webhook",
  "aws_cloudwatch_log_group",
  "aws_kms_key",
];

const AWS_CREDENTIALS = ["access_key", "secret_key", "token"];

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

function label(name: string, provider: Record<string, any>): string {
  return typeof provider.alias === "string" ? `provider ${name} (alias ${JSON.stringify(provider.alias)})` : `provider ${name}`;
}

function stackProblems(app: AppView, stack: string): string[] {
  const problems: string[] = [];
  for (const p of app.provider(stack, "github")) {
    if (isSet(p.token)) problems.push(`${label("github", p)} sets token (value not shown)`);
    // An empty app_auth {} is how the provider reads GITHUB_APP_ID/_INSTALLATION_ID/_PEM_FILE from
    // the environment; only a private key in the block is a credential in code.
    if (asArray<any>(p.app_auth).some((a) => isSet(a?.pem_file))) problems.push(`${label("github", p)} sets app_auth.pem_file (value not shown)`);
    if (!isSet(p.owner)) problems.push(`${label("github", p)} has no owner`);
  }
  for (const p of app.provider(stack, "aws")) {
    const set = AWS_CREDENTIALS.filter((k) => isSet(p[k]));
    if (set.length > 0) problems.push(`${label("aws", p)} sets ${set.join(", ")} (values not shown)`);
  }
  return problems;
}

export const GH_010: Rule = {
  id: "GH-010",
  title: "No credentials in provider blocks, and the github provider names its owner",
  why: "a token or key in a provider block is written to cdk.tf.json and committed or uploaded with it; without owner the github provider falls back to GITHUB_OWNER or the token's own account, so the same code manages another owner's repositories depending on who runs it",
  fix: "pass credentials through the environment (GITHUB_TOKEN or GITHUB_APP_* with an empty app_auth, AWS profiles/OIDC); github.owner in platform.yaml sets the provider owner",
  source: "terraform-provider-github and terraform-provider-aws docs: authentication; checkov CKV_AWS_41 (no hard-coded AWS keys in the provider)",
  resourceTypes: STACK_TYPES,
  check(resource, app) {
    // Memoised per stack: the first resource is looked up once, not once per resource.
    const first = app.memo(`GH-010/first/${resource.stack}`, () =>
      app.resources.find((r) => r.stack === resource.stack && STACK_TYPES.includes(r.type)),
    );
    if (first !== resource) return undefined;
    const problems = stackProblems(app, resource.stack);
    return problems.length > 0 ? problems : undefined;
  },
};
