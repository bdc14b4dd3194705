/**
 * Real message texts, one or more per known failure, each as it was printed where the comment says.
 * Seed logs are read from fixtures/ verbatim. Account ids, names and request ids are the sources'
 * own (some already redacted by their authors).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(__dirname, "fixtures");
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");

export interface RealText {
  readonly id: string;
  readonly text: string;
  readonly source: string;
}

export const REAL_TEXTS: readonly RealText[] = [
  { id: "runner-jit-unavailable", text: fixture("seed-000-codebuild.log"), source: "seed 000, CodeBuild log" },
  { id: "oidc-assume-role-denied", text: fixture("seed-001-actions.log"), source: "seed 001, GitHub Actions log" },
  {
    id: "oidc-assume-role-denied",
    text: "Error: Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity",
    source: "configure-aws-credentials v4 wording (assumeRole error wrapped), quoted in course material found by search",
  },
  {
    id: "oidc-id-token-missing",
    text: [
      "It looks like you might be trying to authenticate with OIDC. Did you mean to set the `id-token` permission? If you are not trying to authenticate with OIDC and the action is working successfully, you can ignore this message.",
      "Error: Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers",
    ].join("\n"),
    source: "aws-actions/configure-aws-credentials src/index.ts (core.info) and src/CredentialsClient.ts",
  },
  {
    id: "oidc-id-token-missing",
    text: "Error: Action failed with error: Error: Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
    source: "google-github-actions/auth#62 (@actions/core oidc-utils)",
  },
  {
    id: "oidc-provider-not-found",
    text: "Error: No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com",
    source: "aws-actions/configure-aws-credentials#280",
  },
  {
    id: "oidc-provider-not-found",
    text: "Error: Could not assume role with OIDC: No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com",
    source: "ministryofjustice/modernisation-platform#12898",
  },
  {
    id: "oidc-provider-already-exists",
    text: [
      "aws_iam_openid_connect_provider.github: Creating...",
      "╷",
      "│ Error: creating IAM OIDC Provider: operation error IAM: CreateOpenIDConnectProvider, https response error StatusCode: 409, RequestID: 6d2849fc-894a-4664-8a11-90403a993d76, EntityAlreadyExists: Provider with url https://token.actions.githubusercontent.com already exists.",
      "│",
      "│   with aws_iam_openid_connect_provider.github,",
      '│   on oidc.tf line 21, in resource "aws_iam_openid_connect_provider" "github":',
      '│   21: resource "aws_iam_openid_connect_provider" "github" {',
      "│",
      "╵",
    ].join("\n"),
    source: "getscaf/sfu-fullstack-template#75 (terraform apply)",
  },
  {
    id: "connection-access-denied",
    text: [
      "╷",
      "│ Error: creating CodeBuild Webhook (TEST2-ACTION-RUNNER-GENERAL1_SMALL): operation error CodeBuild: CreateWebhook, https response error StatusCode: 400, RequestID: 3683dcaf-be62-4832-a4d6-5eabf51b8f84, InvalidInputException: Access denied to connection arn:aws:codeconnections:eu-west-1:xxxxxxx:connection/xxxxxxxxx",
      "│ ",
    ].join("\n"),
    source: "hashicorp/terraform-provider-aws#40656",
  },
  {
    id: "connection-access-denied",
    text: "Error: creating CodeBuild Webhook (ubuntu-22-4c): operation error CodeBuild: CreateWebhook, https response error StatusCode: 400, RequestID: 34d822ff-44f8-4bbc-8ac2-3502bff71407, OAuthProviderException: Failed to create webhook. Repository not found or permission denied. Please make sure the source credentials associated with your project have the permission to create webhook.",
    source: "rust-lang/simpleinfra#677",
  },
  {
    id: "connection-pending",
    text: fixture("get-connection-pending.json"),
    source: "aws codeconnections get-connection output shape (CodeConnections API: Connection, ConnectionStatus PENDING)",
  },
  {
    id: "connection-precondition-failed",
    text: fixture("precondition-failed.txt"),
    source: "Terraform's precondition error with this template's webhook error_message (modules/codebuild-runner.ts)",
  },
  {
    id: "ecr-not-authorized",
    text: "denied: User: arn:aws:sts::754256621582:assumed-role/cloud-platform-ecr-e344de1fe05708ec-github/GitHubActions is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-2:754256621582:repository/laa-pcuam/csv-converter because no identity-based policy allows the ecr:InitiateLayerUpload action",
    source: "ministryofjustice/cloud-platform#7245",
  },
  {
    id: "ecr-not-authorized",
    text: [
      "denied: User: arn:aws:sts::<CUT>:assumed-role/MythicalMysfitsServiceCodeBuildServiceRole/AWSCodeBuild-4c4a1c09-bbca-4853-9d15-e18fe7c6f667 is not authorized to perform: ecr:CompleteLayerUpload on resource: arn:aws:ecr:eu-west-1:026927173535:repository/mythicalmysfits/service",
      " [Container] 2019/04/03 07:22:13 Command did not exit successfully docker push $AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com/mythicalmysfits/service:latest exit status 1",
    ].join("\n"),
    source: "aws-samples/aws-modern-application-workshop#95 (CodeBuild log)",
  },
  {
    id: "ecr-tag-already-exists",
    text: "tag invalid: The image tag 'latest' already exists in the 'app_service_image' repository and cannot be overwritten because the repository is immutable.",
    source: "aws/containers-roadmap#862",
  },
  {
    id: "ecr-tag-already-exists",
    text: "An error occurred (ImageTagAlreadyExistsException) when calling the PutImage operation",
    source: "aws ecr put-image (AWS CLI error line), quoted in public course material",
  },
  {
    id: "workflow-file-exists",
    text: "│ Error: refusing to overwrite existing file: configure `overwrite_on_create` to `true` to override",
    source: "integrations/terraform-provider-github resource_github_repository_file.go",
  },
  {
    id: "workflow-permission-missing",
    text: " ! [remote rejected] chore/template_sync_892045d -> chore/template_sync_892045d (refusing to allow a GitHub App \nto create or update workflow `.github/workflows/template-sync.yml` without `workflows` permission)",
    source: "AndreasAugustin/actions-template-sync#176 (wrapped as printed)",
  },
  {
    id: "workflow-permission-missing",
    text: "! [remote rejected] main -> main (refusing to allow a Personal Access Token to create or update workflow `.github/workflows/ci.yml` without `workflow` scope)",
    source: "GitHub git push with a classic token, quoted in several repositories' docs",
  },
  {
    id: "workflow-permission-missing",
    text: "│ Error: PUT https://api.github.com/repos/JamesWoolfenden/terraform-aws-dns/contents/.github/workflows/compare.yml: 404 Not Found []",
    source: "integrations/terraform-provider-github#762 (token without the workflow scope)",
  },
  {
    id: "workflow-commit-rejected",
    text: [
      "│ Error: PUT https://api.github.com/repos/Test-User/techblue-dev/contents/.github/workflows/ecr-push.yml: 409 Repository rule violations found",
      "│ ",
      "│ Changes must be made through a pull request. []",
    ].join("\n"),
    source:
      "GitHub REST's ruleset refusal (satisfactory-factories/application#67: \"Repository rule violations found Changes must be made through a pull request.\") in the github provider's go-github error format (integrations/terraform-provider-github#762)",
  },
  {
    id: "workflow-commit-rejected",
    text: 'github.GithubException.GithubException: 409 {"message": "Could not update file: 2 of 2 required status checks are expected. Changes must be made through a pull request.", "documentation_url": "docs.github.com/articles/about-protected-branches"}',
    source: "BobAnkh/auto-generate-changelog#78 (contents API on a protected branch)",
  },
  {
    id: "workflow-commit-rejected",
    text: [
      "remote: error: GH006: Protected branch update failed for refs/heads/main.        ",
      "remote: ",
      "remote: - Changes must be made through a pull request.        ",
      "To https://github.com/ietf-tools/xml2rfc",
      " ! [remote rejected]   HEAD -> main (protected branch hook declined)",
      "error: failed to push some refs to 'https://github.com/ietf-tools/xml2rfc'",
    ].join("\n"),
    source: "ietf-tools/xml2rfc#1251 (git push to a protected branch)",
  },
  {
    id: "github-resource-not-accessible",
    text: 'Error: -27T06:21:28.681Z [ERROR] vertex "github_repository_collaborators.foo (expand)" error: GET https://api.github.com/repos/org/repo/collaborators?affiliation=direct&per_page=100: 403 Resource not accessible by integration []',
    source: "integrations/terraform-provider-github#1929",
  },
  {
    id: "state-lock",
    text: fixture("state-lock.txt"),
    source: "Genaker/TerraformMagentoCloud#22 (terraform apply)",
  },
];
