import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { Op, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { codebuildProjectArn, logGroupArn } from "../domain/arn";
import { ORGANIZATION_WEBHOOK_LOCATION, TOKEN_OWNER_TAG } from "../domain/codebuild";
import { repositoryUrl } from "../domain/github";
import {
  codebuildLogGroupName,
  runnerServiceRoleName,
} from "../config/derive";
import { terraformLiterals } from "./terraform-text";
import type { PolicyStatement } from "../iam/policy";
import { renderPolicy, serviceTrustPolicy } from "./policy-document";

export interface CodeBuildRunnerProps {
  /** CodeBuild project name; jobs select the runner with `codebuild-<projectName>-...` labels. */
  readonly projectName: string;
  readonly accountId: string;
  readonly region: string;
  /**
   * Where queued jobs come from: one repository, or every repository of an organisation
   * (one organisation webhook).
   */
  readonly scope:
    | { readonly kind: "repository"; readonly owner: string; readonly repository: string }
    | { readonly kind: "organization"; readonly owner: string };
  /**
   * How the runner authenticates to GitHub: the CodeConnections (or CodeStar Connections)
   * connection, or (legacy, discouraged) a person's token kept in Secrets Manager. The token's
   * owner is recorded in the project's GitHubTokenOwner tag, so CB-010 can check that they stay
   * admin on the repositories the runner serves.
   */
  readonly auth:
    | { readonly kind: "connection"; readonly connectionArn: string }
    | { readonly kind: "personal-token"; readonly secretArn: string; readonly owner: string };
  /**
   * Create the WORKFLOW_JOB_QUEUED webhook. Only once the connection is AVAILABLE: creating it
   * earlier fails, because CodeBuild registers the webhook through the connection.
   */
  readonly createWebhook: boolean;
  /**
   * The connection's status attribute, when this app creates the connection: the webhook then
   * carries a precondition that stops the apply with the console step instead of a GitHub error.
   * @default - no precondition (an existing connection is checked by the person who named it)
   */
  readonly connectionStatus?: string;
  // The project's settings have no module default: the config's (config/schema.ts, runner and
  // runners[]) are the only ones, applied once by the loader and passed on by the stack.
  readonly computeType: string;
  readonly environmentType: string;
  readonly image: string;
  /** Docker daemon access inside the build (CB-006): only when jobs build images. */
  readonly privilegedMode: boolean;
  readonly timeoutMinutes: number;
  readonly logRetentionDays: number;
  /**
   * Display names (`name:`) of the workflows whose jobs the webhook admits: an anchored
   * WORKFLOW_NAME filter of exactly these names. A job of any other workflow that names the
   * project in its runs-on starts no build. With none, no webhook is created.
   */
  readonly workflowNames?: readonly string[];
  /**
   * For organisation scope: the repositories (names, without the owner) whose jobs the webhook
   * admits, as an anchored REPOSITORY_NAME filter. Ignored for repository scope.
   * @default - none: an organisation webhook then admits no repository and is not created
   */
  readonly repositories?: readonly string[];
  /**
   * For organisation scope (a runner shared by several repositories): per repository, the
   * display names of its workflows that run on the runner. Each repository's jobs are admitted
   * only for its own workflows: one filter group per distinct set of names, with the
   * repositories that have exactly that set (REPOSITORY_NAME) and those names (WORKFLOW_NAME).
   * Replaces workflowNames and repositories; a repository with no workflow is left out.
   * @default - one filter group of workflowNames and repositories
   */
  readonly repositoryWorkflows?: readonly { readonly repository: string; readonly workflowNames: readonly string[] }[];
  /**
   * Numeric GitHub account ids of the users whose runs may queue jobs (ACTOR_ACCOUNT_ID filter),
   * e.g. the maintainers of a public repository; empty: any actor the other filters admit.
   */
  readonly actorAccountIds: readonly number[];
  /**
   * IAM path of the service role; the stacks pass the template's path (config aws.iam.path).
   * @default "/"
   */
  readonly rolePath?: string;
  /**
   * ARN of the service role's permissions boundary; the stacks pass the template's boundary.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * What the service role must wait for (the boundary policy, when this stack creates it).
   * @default - none
   */
  readonly roleDependsOn?: ITerraformDependable[];
  /** @default - none besides the provider's default tags */
  readonly tags?: Record<string, string>;
}

/** Name of the service role's one inline policy. */
const RUNNER_POLICY_NAME = "codebuild-runner";

/** A regular expression that matches exactly one of `values` (CodeBuild filter patterns are regexes). */
export function anchoredAlternation(values: readonly string[]): string {
  // Escaping `$` and `{` also keeps Terraform from reading `${` / `%{` in a name as a template.
  const escaped = [...new Set(values)].map((v) => v.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`));
  return escaped.length === 1 ? `^${escaped[0]}$` : `^(?:${escaped.join("|")})$`;
}

/**
 * The webhook's filter groups; every filter in a group must match for a build to start, and a
 * build starts when any group matches.
 * CodeBuild accepts, with EVENT = WORKFLOW_JOB_QUEUED, WORKFLOW_NAME (the workflow's `name:`),
 * REPOSITORY_NAME (global and organisation webhooks only) and ACTOR_ACCOUNT_ID (the numeric id of
 * the account that caused the event); every pattern but EVENT's is a regular expression, so the
 * patterns here are anchored (^...$) alternations of exact values. Sources: AWS CodeBuild API
 * reference, WebhookFilter (filter types and pattern syntax); AWS CodeBuild user guide, "GitHub
 * webhook events" (WORKFLOW_NAME works with WORKFLOW_JOB_QUEUED events only) and "GitHub global
 * and organization webhooks" (REPOSITORY_NAME limits an organisation webhook to those repositories).
 * A shared runner gets one group per distinct set of workflow names (see repositoryWorkflows), so
 * no repository's jobs are admitted under another repository's workflow names.
 * Undefined when the webhook would admit nothing (no workflow, or no repository for an organisation).
 */
function runnerWebhookFilterGroups(
  props: Pick<CodeBuildRunnerProps, "scope" | "workflowNames" | "repositories" | "repositoryWorkflows" | "actorAccountIds">,
): { type: string; pattern: string }[][] | undefined {
  const group = (workflowNames: readonly string[], repositories: readonly string[] | undefined) => {
    const filters = [
      { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
      { type: "WORKFLOW_NAME", pattern: anchoredAlternation(workflowNames) },
    ];
    if (repositories !== undefined) filters.push({ type: "REPOSITORY_NAME", pattern: anchoredAlternation(repositories) });
    if (props.actorAccountIds.length > 0) {
      filters.push({ type: "ACTOR_ACCOUNT_ID", pattern: anchoredAlternation(props.actorAccountIds.map(String)) });
    }
    return filters;
  };
  if (props.scope.kind === "organization" && props.repositoryWorkflows !== undefined) {
    // Repositories with the same workflow names share a group (in first-seen order).
    const bySet = new Map<string, { names: string[]; repositories: string[] }>();
    for (const { repository, workflowNames } of props.repositoryWorkflows) {
      const names = [...new Set(workflowNames)].sort();
      if (names.length === 0) continue;
      const key = JSON.stringify(names);
      const entry = bySet.get(key);
      if (entry) entry.repositories.push(repository);
      else bySet.set(key, { names, repositories: [repository] });
    }
    const groups = [...bySet.values()].map((g) => group(g.names, g.repositories));
    return groups.length > 0 ? groups : undefined;
  }
  const workflowNames = props.workflowNames ?? [];
  if (workflowNames.length === 0) return undefined;
  if (props.scope.kind === "organization") {
    if ((props.repositories ?? []).length === 0) return undefined;
    return [group(workflowNames, props.repositories)];
  }
  return [group(workflowNames, undefined)];
}

/** codeconnections:* for codeconnections ARNs, codestar-connections:* for the older prefix. */
export function connectionActions(connectionArn: string): string[] {
  const prefix = !Token.isUnresolved(connectionArn) && connectionArn.includes(":codestar-connections:") ? "codestar-connections" : "codeconnections";
  return [`${prefix}:GetConnection`, `${prefix}:GetConnectionToken`, `${prefix}:UseConnection`];
}

/**
 * A CodeBuild project that runs GitHub Actions jobs as a self-hosted runner: a job of a named
 * workflow whose runs-on names the project is delivered by a WORKFLOW_JOB_QUEUED webhook, and the
 * build registers a just-in-time runner through the connection (so the GitHub App, not a person,
 * must be able to administer the repository's runners). The service role serves the runner only;
 * jobs get AWS permissions by assuming a deploy role through OIDC.
 */
export class CodeBuildRunner extends Construct {
  readonly project: CodebuildProject;
  readonly serviceRole: IamRole;
  readonly servicePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  readonly webhook?: CodebuildWebhook;

  constructor(scope: Construct, id: string, props: CodeBuildRunnerProps) {
    super(scope, id);
    const { projectName, accountId, region } = props;
    const logGroupName = codebuildLogGroupName(projectName);
    const projectArn = codebuildProjectArn(accountId, region, projectName);

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", terraformLiterals({
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      tags: props.tags,
    }));

    this.serviceRole = new IamRole(this, "ServiceRole", terraformLiterals({
      name: runnerServiceRoleName(projectName),
      path: props.rolePath,
      permissionsBoundary: props.permissionsBoundaryArn,
      dependsOn: props.roleDependsOn,
      description: `Service role of the CodeBuild runner ${projectName}`,
      assumeRolePolicy: renderPolicy(serviceTrustPolicy("codebuild.amazonaws.com", accountId, projectArn)),
      tags: props.tags,
    }));

    const groupArn = logGroupArn(accountId, region, logGroupName);
    const statements: PolicyStatement[] = [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [groupArn, `${groupArn}:*`],
      },
      props.auth.kind === "connection"
        ? {
            Sid: "UseGitHubConnection",
            Effect: "Allow",
            Action: connectionActions(props.auth.connectionArn),
            Resource: props.auth.connectionArn,
          }
        : { Sid: "ReadGitHubToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: props.auth.secretArn },
      // Nothing else, ECR included: the build container can read this role's credentials from
      // CodeBuild's container credentials endpoint, so every step of every job on the runner holds
      // what the role holds, whatever branch or pull request queued the job. Jobs get AWS
      // permissions through a deploy role instead (OIDC, pinned to branch, tag or environment).
    ];
    this.servicePolicy = new IamRolePolicy(this, "ServicePolicy", terraformLiterals({
      role: this.serviceRole.name,
      name: RUNNER_POLICY_NAME,
      policy: renderPolicy({ Version: "2012-10-17", Statement: statements }),
    }));
    // Authoritative like the deploy roles: every job on the runner runs as this role, so a policy
    // added by hand would reach every branch and pull request that can queue a job.
    new IamRolePoliciesExclusive(this, "InlinePoliciesExclusive", {
      roleName: this.serviceRole.name,
      policyNames: [RUNNER_POLICY_NAME],
      dependsOn: [this.servicePolicy],
    });
    new IamRolePolicyAttachmentsExclusive(this, "ManagedPoliciesExclusive", {
      roleName: this.serviceRole.name,
      policyArns: [],
    });

    const location =
      props.scope.kind === "organization" ? ORGANIZATION_WEBHOOK_LOCATION : repositoryUrl(props.scope.owner, props.scope.repository);

    this.project = new CodebuildProject(this, "Resource", terraformLiterals({
      name: projectName,
      description: `GitHub Actions runner for ${props.scope.kind === "organization" ? `the ${props.scope.owner} organisation` : `${props.scope.owner}/${props.scope.repository}`}`,
      serviceRole: this.serviceRole.arn,
      buildTimeout: props.timeoutMinutes,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: props.environmentType,
        computeType: props.computeType,
        image: props.image,
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: props.privilegedMode,
      },
      source: {
        type: "GITHUB",
        location,
        // Pinned on the project: without it CodeBuild falls back to the account's default source
        // credential, which may be a person's token (seed 000).
        auth:
          props.auth.kind === "connection"
            ? { type: "CODECONNECTIONS", resource: props.auth.connectionArn }
            : { type: "SECRETS_MANAGER", resource: props.auth.secretArn },
      },
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroupName } },
      tags: props.auth.kind === "personal-token" ? { ...props.tags, [TOKEN_OWNER_TAG]: props.auth.owner } : props.tags,
      // The role must be able to use the connection before CodeBuild validates the source
      // (else OAuthProviderException / "Access denied to connection").
      dependsOn: [this.servicePolicy, this.logGroup],
    }));

    const groups = runnerWebhookFilterGroups(props);
    if (props.createWebhook && groups !== undefined) {
      this.webhook = new CodebuildWebhook(this, "Webhook", terraformLiterals({
        projectName: this.project.name,
        buildType: "BUILD",
        filterGroup: groups.map((filter) => ({ filter })),
        scopeConfiguration:
          props.scope.kind === "organization" ? { name: props.scope.owner, scope: "GITHUB_ORGANIZATION" } : undefined,
        dependsOn: [this.servicePolicy],
        lifecycle:
          props.connectionStatus === undefined
            ? undefined
            : {
                precondition: [
                  {
                    condition: Op.eq(props.connectionStatus, "AVAILABLE"),
                    errorMessage:
                      "The CodeConnections connection is not AVAILABLE yet. Open the AWS console > Developer Tools > Settings > Connections, select the connection, choose 'Update pending connection' and install the AWS Connector for GitHub app on the owner. Then run cdktf deploy again.",
                  },
                ],
              },
      }));
    }
  }
}
