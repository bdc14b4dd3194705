/**
 * The known failures: one table that `diagnose` recognises and that the README's "When something
 * fails" section is generated from (`npm run failures:readme`), so the two cannot drift.
 *
 * Every pattern matches text that real tools print; the comment above each entry says where the
 * text was seen. Ids are stable: tests and users refer to them.
 */
import type { KnownFailure } from "./types";

export const KNOWN_FAILURES: readonly KnownFailure[] = [
  // Seed 000, CodeBuild log verbatim: "Error while fetching runner token: error code 400: GitHub runner
  // JIT configuration unavailable: ResourceNotFoundException: Unexpected error from GitHub while
  // creating runner JIT configuration, please try again later" (phase DOWNLOAD_SOURCE, CLIENT_ERROR).
  {
    id: "runner-jit-unavailable",
    messages: ["Error while fetching runner token: error code 400: GitHub runner JIT configuration unavailable"],
    patterns: [/GitHub runner JIT configuration unavailable/i, /Error while fetching runner token/i],
    cause:
      "The GitHub identity the CodeBuild runner registers with cannot create just-in-time runners on the repository: that needs repository admin. With `runner.legacyPersonalToken` it is a person, who is no longer admin (seed 000: lowered from admin to write). With the connection it is the AWS Connector GitHub App, unless the connection was completed without installing the app: it then acts as the user who completed it, or the installation does not cover the repository.",
    fix:
      "Use the connection, not a person: remove `runner.legacyPersonalToken` and set `codeConnection`. A connection that acts as a user cannot be edited: create a new one (`codeConnection.name`, `status: pending`), complete it in the console with the app installed on the repository, set `status: available` and deploy. While a person's token is still used, keep that person `admin` in the repository's `collaborators`.",
    source: "seed 000 (CodeBuild log, verbatim); AWS CodeBuild GitHub Actions runner docs",
  },
  // Seed 001, GitHub Actions log verbatim: "Error: Not authorized to perform sts:AssumeRoleWithWebIdentity"
  // (aws-actions/configure-aws-credentials printing STS's AccessDenied; newer versions prefix it with
  // "Could not assume role with OIDC: "). The CloudTrail side is handled in cloudtrail.ts.
  {
    id: "oidc-assume-role-denied",
    messages: ["Not authorized to perform sts:AssumeRoleWithWebIdentity", '"eventName": "AssumeRoleWithWebIdentity", … "errorCode": "AccessDenied" (CloudTrail)'],
    patterns: [/Not authorized to perform:? sts:AssumeRoleWithWebIdentity/i],
    cause:
      "The token's `sub` or `aud` does not match the role's trust policy, or the job asked for another role: another branch, a job `environment:` (the subject becomes `environment:<name>`), a `pull_request` run, the immutable subject format (`repo:owner@ID/repo@ID:...`), or a different case in owner or repository. CloudTrail's `AssumeRoleWithWebIdentity` event names the subject in `userName`; pass the event to `npm run diagnose` to evaluate it against the synthesized trust policies.",
    fix:
      "Allow that subject in the role's `deployRoles[].allow` (`branches`, `tags`, `environments`, `pullRequest`) or change the workflow's trigger or environment; set the repository's `subjectFormat` to the form GitHub sends; assume the role through the `AWS_ROLE_ARN_<ROLE>` Actions variable rather than a typed ARN.",
    source: "seed 001 (GitHub Actions log and CloudTrail event, verbatim); AWS STS AssumeRoleWithWebIdentity",
  },
  // aws-actions/configure-aws-credentials src/index.ts (core.info when ACTIONS_ID_TOKEN_REQUEST_TOKEN is
  // unset) and src/CredentialsClient.ts ("Credentials could not be loaded, please check your action
  // inputs: ..."); @actions/core oidc-utils ("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
  // "... REQUEST_TOKEN ...") as printed by actions calling core.getIDToken; the AWS_PROFILE variant is
  // aws-actions/configure-aws-credentials#962.
  {
    id: "oidc-id-token-missing",
    messages: [
      "It looks like you might be trying to authenticate with OIDC. Did you mean to set the `id-token` permission?",
      "Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers",
      "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
    ],
    patterns: [
      /Did you mean to set the .id-token. permission/i,
      /Unable to get ACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN) env variable/,
      /Could not load credentials from any providers/,
    ],
    cause:
      "The job got no OIDC token: it lacks `permissions: id-token: write` (GitHub then sets no `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`), or it runs for a pull request from a fork, which never gets one. The request fails before it reaches AWS. (Without the `id-token` hint above it, \"Could not load credentials\" can also come from an `AWS_PROFILE` in the job's environment: configure-aws-credentials#962.)",
    fix:
      "Workflows generated from `repositories[].workflows` have `id-token: write` on the job that assumes the role; a hand-written job must add it to its `permissions:` (and workflow-level `permissions: {}` alone gives none).",
    source: "aws-actions/configure-aws-credentials src/index.ts and src/CredentialsClient.ts; @actions/core oidc-utils",
  },
  // STS InvalidIdentityToken as printed by configure-aws-credentials: aws-actions/configure-aws-credentials
  // issues #280 and #721 ("Error: No OpenIDConnect provider found in your account for
  // https://token.actions.githubusercontent.com"), ministryofjustice/modernisation-platform#12898
  // ("Could not assume role with OIDC: No OpenIDConnect provider found ...").
  {
    id: "oidc-provider-not-found",
    messages: ["No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com"],
    patterns: [/No OpenIDConnect provider found in your account/i],
    cause:
      "The account of the role the job assumes has no IAM OIDC provider for GitHub: the AWS stack is not deployed yet, `oidcProvider.existingArn` names a provider that does not exist, or the job assumes a role in another account.",
    fix:
      "Deploy the AWS stack (`npx cdktf deploy aws-<account>-<region>`), which creates the provider unless `oidcProvider.existingArn` is set; check that the role ARN the job uses is in `aws.accountId`.",
    source: "aws-actions/configure-aws-credentials issues #280, #721 (STS InvalidIdentityToken)",
  },
  // IAM CreateOpenIDConnectProvider 409 as printed by the AWS provider: getscaf/sfu-fullstack-template#75
  // ("EntityAlreadyExists: Provider with url https://token.actions.githubusercontent.com already
  // exists."), unfunco/terraform-aws-oidc-github#23; CloudFormation: daohoangson/bubby#9.
  {
    id: "oidc-provider-already-exists",
    messages: ["EntityAlreadyExists: Provider with url https://token.actions.githubusercontent.com already exists"],
    patterns: [/Provider with url https:\/\/token\.actions\.githubusercontent\.com\/? already exists/i],
    cause: "The account already has a GitHub OIDC provider (an account holds one per URL), made by hand or by another stack.",
    fix: "Set `oidcProvider.existingArn: arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com` (or import the provider into this stack's state).",
    source: "AWS IAM CreateOpenIDConnectProvider (EntityAlreadyExists), as printed by Terraform",
  },
  // hashicorp/terraform-provider-aws#40656 ("InvalidInputException: Access denied to connection
  // arn:aws:codeconnections:..."), aws/aws-cdk#31726 ("Failed to call CreateWebhook, reason: Access
  // denied to connection arn:..."), rust-lang/simpleinfra#677 ("OAuthProviderException: Failed to
  // create webhook. Repository not found or permission denied. ..."), aws/aws-cdk#38504
  // (OAuthProviderException at CreateProject while the role's connection grant propagates).
  {
    id: "connection-access-denied",
    messages: ["Access denied to connection arn:aws:codeconnections:…", "OAuthProviderException: …"],
    patterns: [/Access denied to connection/i, /OAuthProviderException/],
    cause:
      "CodeBuild cannot use the connection for the project or webhook: the connection is still PENDING, the service role's grant on it has not propagated yet (first apply), or the GitHub App installation does not cover the repository (\"Repository not found or permission denied\").",
    fix:
      "Complete the connection ([Connecting CodeBuild to GitHub](#connecting-codebuild-to-github)), make sure the AWS Connector app's installation includes the runner repositories, and run the deploy again (it is safe to repeat).",
    source: "hashicorp/terraform-provider-aws#40656; aws/aws-cdk#31726, #38504; rust-lang/simpleinfra#677",
  },
  // CodeConnections API: Connection.ConnectionStatus is PENDING | AVAILABLE | ERROR, shown by
  // `aws codeconnections get-connection` as "ConnectionStatus": "PENDING"; the AWS provider's
  // connection_status attribute; this template's GitHubConnectionStatus output (stacks/aws-stack.ts).
  {
    id: "connection-pending",
    messages: ['"ConnectionStatus": "PENDING"', 'GitHubConnectionStatus = "PENDING"'],
    patterns: [/"ConnectionStatus"\s*:\s*"PENDING"/, /connection_status\s*=\s*"?PENDING/, /GitHubConnectionStatus\W+PENDING/],
    cause:
      "Terraform creates the connection PENDING; it stays so until a person completes the GitHub App handshake in the console. Until then no runner webhook can be created and no build can use it.",
    fix: "Complete it ([Connecting CodeBuild to GitHub](#connecting-codebuild-to-github)), then set `codeConnection.status: available` and deploy again.",
    source: "AWS CodeConnections API (ConnectionStatus); this template's GitHubConnectionStatus output",
  },
  // This template's own precondition on the runner webhook (modules/codebuild-runner.ts), under
  // Terraform's "Error: Resource precondition failed".
  {
    id: "connection-precondition-failed",
    messages: ["Resource precondition failed … The CodeConnections connection is not AVAILABLE yet"],
    patterns: [/The CodeConnections connection is not AVAILABLE yet/i],
    cause: "`codeConnection.status` says `available`, but the connection is still PENDING: the console handshake was not done (or done on another connection).",
    fix: "Do the handshake ([Connecting CodeBuild to GitHub](#connecting-codebuild-to-github)), or set `codeConnection.status: pending` until it is done.",
    source: "this template's webhook precondition (modules/codebuild-runner.ts); Terraform preconditions",
  },
  // docker push through ECR: ministryofjustice/cloud-platform#7245 ("denied: User: arn:aws:sts::...:
  // assumed-role/.../GitHubActions is not authorized to perform: ecr:InitiateLayerUpload on resource:
  // arn:aws:ecr:...:repository/... because no identity-based policy allows the ecr:InitiateLayerUpload
  // action"), aws-actions/amazon-ecr-login#232 (the resource-based variant), aws-samples/aws-modern-
  // application-workshop#95 (ecr:CompleteLayerUpload from a CodeBuild service role).
  {
    id: "ecr-not-authorized",
    messages: ["User: arn:aws:sts::…:assumed-role/<role>/… is not authorized to perform: ecr:<Action> on resource: …"],
    patterns: [/is not authorized to perform:? ecr:[A-Za-z]+/],
    cause:
      "The role the job runs as is not granted that ECR action on that repository: the repository is not in the role's `ecrPush`, the action is a pull (`BatchGetImage`, `GetDownloadUrlForLayer`) without `ecrPull`, the action is outside the push set the template grants (IAM-003), the repository is in another account (\"no resource-based policy allows\"), or the policy is not deployed yet.",
    fix:
      "Add the repository (one of `ecrRepositories`) to the role's `deployRoles[].ecrPush`, or to `runner.ecrPush` for jobs on the CodeBuild runner; set `ecrPull: true` for cached layers; deploy the AWS stack.",
    source: "ministryofjustice/cloud-platform#7245; aws-actions/amazon-ecr-login#232; aws-samples/aws-modern-application-workshop#95",
  },
  // docker push to an immutable ECR repository: aws/containers-roadmap#862, moby/buildkit#3776 ("tag
  // invalid: The image tag '<tag>' already exists in the '<repo>' repository and cannot be
  // overwritten because the repository is immutable."); ImageTagAlreadyExistsException is the error
  // the AWS ECR user guide names for it ("Preventing image tags from being overwritten").
  {
    id: "ecr-tag-already-exists",
    messages: ["ImageTagAlreadyExistsException", "The image tag '…' already exists in the '…' repository and cannot be overwritten because the repository is immutable"],
    patterns: [/ImageTagAlreadyExistsException/, /The image tag '[^']*' already exists in the '[^']*' repository and cannot be overwritten/i],
    cause: "A run pushed a tag that already exists: tags are immutable (`tagMutability: IMMUTABLE`, the default), so a re-run of the same commit cannot push its tag again.",
    fix: "Push a new commit or tag; the generated workflows tag images with the commit SHA (or the git tag), so every new commit pushes a tag no earlier run used. Do not switch the repository to `MUTABLE` for this (ECR-001).",
    source: "aws/containers-roadmap#862; moby/buildkit#3776; AWS ECR user guide (ImageTagAlreadyExistsException)",
  },
  // integrations/terraform-provider-github github/resource_github_repository_file.go: "refusing to
  // overwrite existing file: configure `overwrite_on_create` to `true` to override".
  {
    id: "workflow-file-exists",
    messages: ["refusing to overwrite existing file: configure `overwrite_on_create` to `true` to override"],
    patterns: [/refusing to overwrite existing file/i],
    cause:
      "A `github_repository_file` without `overwrite_on_create` is creating a file that already exists in the repository. The template's workflow files carry their generated header and set `overwrite_on_create` (WF-009), so this is a file resource added outside the WorkflowFile module, or one the repository already has under that name.",
    fix:
      "Give the workflow another `workflows[].file` name, or remove the existing file from the repository (or import it into the GitHub stack's state); let the WorkflowFile module write workflow files.",
    source: "integrations/terraform-provider-github resource_github_repository_file.go",
  },
  // GitHub's refusal to write under .github/workflows/: stefanzweifel/git-auto-commit-action#322 and
  // peter-evans/create-pull-request#1713 ("refusing to allow a GitHub App to create or update workflow
  // `...` without `workflows` permission"), TecharoHQ/anubis#1599 (OAuth App, `workflow` scope), the
  // Personal Access Token variant quoted in many repositories' docs; through the contents API the
  // provider sees a 404 instead (integrations/terraform-provider-github#762).
  {
    id: "workflow-permission-missing",
    messages: [
      "refusing to allow a GitHub App to create or update workflow `…` without `workflows` permission",
      "refusing to allow a Personal Access Token to create or update workflow `…` without `workflow` scope",
    ],
    patterns: [
      /refusing to allow an? (?:GitHub App|OAuth App|Personal Access Token) to create or update workflow/i,
      /api\.github\.com\/repos\/\S+\/contents\/\.github\/workflows\/\S+: 404 Not Found/,
    ],
    cause: "The GitHub credentials that deploy the GitHub stack may not write workflow files: an App without the Workflows permission, or a token without the `workflow` scope.",
    fix: "Give the App **Workflows: read & write** (and accept the new permission on its installation), or use a token with the `workflow` scope; see [What you need](#what-you-need).",
    source: "GitHub (git push and contents API); stefanzweifel/git-auto-commit-action#322; integrations/terraform-provider-github#762",
  },
  // A commit to a branch that a ruleset or branch protection guards. REST (what the github provider
  // prints as "PUT https://api.github.com/repos/<o>/<r>/contents/<path>: 409 Repository rule
  // violations found\n\nChanges must be made through a pull request. []"): satisfactory-factories/
  // application#67 ("Repository rule violations found Changes must be made through a pull request."),
  // BobAnkh/auto-generate-changelog#78 ("409 ... Could not update file: ... Changes must be made
  // through a pull request."), the refs API's 422 "Cannot update this protected ref"; git push:
  // ietf-tools/xml2rfc#1251 ("GH006: Protected branch update failed ... (protected branch hook
  // declined)"), yshavit/mdq#255 ("GH013: Repository rule violations found ... (push declined due to
  // repository rule violations)").
  {
    id: "workflow-commit-rejected",
    messages: [
      "409 Repository rule violations found … Changes must be made through a pull request",
      "422 Cannot update this protected ref",
      "GH006: Protected branch update failed … (protected branch hook declined)",
    ],
    patterns: [
      /Repository rule violations found/i,
      /Changes must be made through a pull request/i,
      /Cannot update this protected ref/i,
      /protected branch hook declined/i,
      /Protected branch update failed/i,
    ],
    cause:
      "The GitHub stack commits each workflow file straight to the repository's `defaultBranch`, and a ruleset or branch protection on that branch requires a pull request (or status checks, signed commits) from everyone the App is not exempted from: GitHub refuses the commit. The deploy stops there; nothing else of that file changed.",
    fix:
      "Exempt the deploy identity: add the GitHub App that deploys the GitHub stack (`self.deployApp`) to the ruleset's bypass list (repository or organisation Settings > Rules > Rulesets > the ruleset > Bypass list > Add bypass), or for classic branch protection to \"Allow specified actors to bypass required pull requests\" (Settings > Branches). Or commit the generated file through a pull request yourself (its content is in the plan) and deploy again: the provider then finds it up to date.",
    source: "GitHub REST (contents API 409, refs API 422) and git push (GH006, GH013), as printed by the github provider and git",
  },
  // GitHub REST 403 for an App/GITHUB_TOKEN lacking a permission, as printed by the github provider:
  // integrations/terraform-provider-github#1929 ("GET https://api.github.com/repos/org/repo/
  // collaborators?affiliation=direct&per_page=100: 403 Resource not accessible by integration []"),
  // #1163 (fixed by setting the provider's owner), #2289.
  {
    id: "github-resource-not-accessible",
    messages: ["403 Resource not accessible by integration"],
    patterns: [/Resource not accessible by integration/i],
    cause:
      "The GitHub App installation (or GITHUB_TOKEN) lacks the permission the call needs: collaborators need Administration (and organisation Members for teams), Actions variables need Variables, workflow files need Contents and Workflows; or the installation does not include the repository.",
    fix: "Grant the App the permissions in [What you need](#what-you-need), accept them on the installation, and include every repository of `repositories[]` in it.",
    source: "integrations/terraform-provider-github#1929, #1163, #2289 (GitHub REST 403)",
  },
  // Terraform's lock error: Genaker/TerraformMagentoCloud#22 ("Error: Error acquiring the state lock ...
  // Lock Info: ID: ... Path: ..."), khuedoan/homelab#170.
  {
    id: "state-lock",
    messages: ["Error acquiring the state lock"],
    patterns: [/Error acquiring the state lock/i],
    cause: "Another plan or apply holds the stack's state lock, or a previous one stopped (Ctrl+C, killed job) without releasing it.",
    fix: "Make sure no apply is running, then `terraform force-unlock <ID>` in `cdktf.out/stacks/<stack>` (the ID is in the message's Lock Info).",
    source: "Terraform state locking (Genaker/TerraformMagentoCloud#22, khuedoan/homelab#170)",
  },
];

export function failureById(id: string): KnownFailure {
  const failure = KNOWN_FAILURES.find((f) => f.id === id);
  if (!failure) throw new Error(`unknown failure id ${id}`);
  return failure;
}
