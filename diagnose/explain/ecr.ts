/**
 * `... is not authorized to perform: ecr:<Action> on resource: <repository>`: the role's
 * synthesized identity policies are checked for that action on that repository, and the gap is
 * named in config terms (ecrPush, ecrPull, ecrRepositories).
 */
import { parseEcrRepositoryArn } from "../../domain/arn";
import { formatPath } from "../../config/cross-references";
import { runnerServiceRoleName } from "../../config/derive";
import { configuredRunners } from "../../config/runners";
import type { AppView, SynthResource } from "../../guardrails/types";
import { evaluatePolicy } from "../../iam/evaluate";
import { parsePolicy } from "../../iam/parse";
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from "../../modules/policy-document";
import { locateRole } from "../config-facts";
import type { DiagnoseContext, Explanation, Match } from "../types";

const DENIED =
  /User: (arn:[\w-]+:(?:sts|iam)::(\d{12}):(?:assumed-role\/([\w+=,.@-]+)\/\S+|\S+)) is not authorized to perform:? (ecr:[A-Za-z]+)(?: on resource: (arn:[^\s,]+))?(?: because no (identity|resource)-based policy allows)?/;

export function explainEcrDenied(match: Match, ctx: DiagnoseContext): Explanation {
  const source = match.event?.errorMessage ?? match.text;
  const m = DENIED.exec(source.replace(/\s+/g, " "));
  if (!m) return {};
  const [, principal, principalAccount, roleName, action, resource, policyKind] = m;
  const facts = [`principal: ${principal}`, `action: ${action}`, ...(resource ? [`repository: ${resource}`] : [])];
  const causes: string[] = [];
  const fixes: string[] = [];
  const repository = resource === undefined ? undefined : parseEcrRepositoryArn(resource);
  const repoAccount = repository && /^\d{12}$/.test(repository.accountId) ? repository.accountId : undefined;
  const repoName = repository?.name;

  if (policyKind === "resource" || (repoAccount && repoAccount !== principalAccount)) {
    causes.push(`the repository is in account ${repoAccount ?? "?"} and the role in ${principalAccount}: a cross-account push needs the repository's own policy to allow it, which this template does not write (it grants pushes to repositories of its own account)`);
    fixes.push(`push to an ECR repository of account ${principalAccount} (declared under ecrRepositories), or have the other account's repository policy allow the role`);
    return { facts, causes, fixes };
  }
  const config = ctx.config;
  const view = ctx.view();
  if (!config || !view || !roleName) return { facts, causes, fixes };

  const role = view.ofType("aws_iam_role").find((r) => r.config.name === roleName);
  const where = roleConfigPath(config, roleName);
  if (!role) {
    causes.push(`the job runs as ${roleName}, which ${ctx.configFile} does not create: its permissions are managed elsewhere`);
    return { facts, causes, fixes };
  }
  if (resource && grants(view, role, action, resource)) {
    causes.push(`the policy ${ctx.configFile} synthesizes for ${roleName} grants ${action} on ${resource}: the deployed policy is older, or a permissions boundary or SCP denies it`);
    fixes.push("deploy the AWS stack (npx cdktf deploy aws-<account>-<region>), then re-run the job");
    return { facts, causes, fixes };
  }
  if (where.endsWith(".runner") || where.startsWith("runners[")) {
    // The runner's service role holds no ECR permission by design (IAM-007): every job on the
    // runner could use it. A job that reaches ECR as this role did not assume its deploy role.
    causes.push(
      `the job ran as ${roleName}, the service role of the CodeBuild runner, which holds no ECR permissions (any job on the runner could use them): it did not assume its deploy role (no configure-aws-credentials step, or that step failed)`,
    );
    fixes.push(
      `give the workflow a deployRole that lists ${repoName ?? "the repository"} in its ecrPush and trusts the job's branch, tag or environment; the generated runsOn: codebuild workflows assume it with configure-aws-credentials (permissions: id-token: write)`,
    );
    return { facts, causes, fixes };
  }
  const declared = config.repositories.flatMap((r) => r.ecrRepositories.map((e) => e.name));
  const shortAction = action.slice("ecr:".length);
  if (repoName && !declared.includes(repoName)) {
    causes.push(`${repoName} is not one of the ECR repositories of ${ctx.configFile} (${declared.join(", ") || "none"}), so no role of it may push there`);
    fixes.push(`declare it under repositories[].ecrRepositories and add it to ${where}.ecrPush, or push to one of the declared repositories`);
  } else if ((ECR_PUSH_ACTIONS as readonly string[]).includes(action) || action === "ecr:GetAuthorizationToken") {
    causes.push(`${roleName} may not push to ${repoName ?? "that repository"}: it is not in ${where}.ecrPush`);
    fixes.push(`add ${repoName ?? "the repository"} to ${where}.ecrPush and deploy the AWS stack`);
  } else if ((ECR_PULL_ACTIONS as readonly string[]).includes(action)) {
    causes.push(`${shortAction} is a pull action: ${roleName} is granted the push set only`);
    fixes.push(`set ${where}.ecrPull: true (BatchGetImage, GetDownloadUrlForLayer on its ecrPush repositories)`);
  } else {
    causes.push(`${action} is outside what the template grants (the push set, IAM-003): the job does more than push an image`);
    fixes.push("create repositories and change their settings through ecrRepositories in platform.yaml, not from the job");
  }
  return { facts, causes, fixes };
}

/** Where a role that may push is configured: a deploy role, or a runner's service role. */
function roleConfigPath(config: NonNullable<DiagnoseContext["config"]>, roleName: string): string {
  const at = locateRole(config, roleName);
  if (at) return at.path;
  // A repository's own runner (repositories[i].runner) or a shared one (runners[k]).
  const runner = configuredRunners(config).find((r) => runnerServiceRoleName(r.name) === roleName);
  return runner ? formatPath(runner.path) : `the configuration of ${roleName}`;
}

/** Do the role's inline policies allow the action on the resource? */
function grants(view: AppView, role: SynthResource, action: string, resource: string): boolean {
  const policies = view.ofType("aws_iam_role_policy").filter((p) => p.config.role === role.config.name || view.referenced(p, p.config.role) === role);
  const statements = policies.flatMap((p) => parsePolicy(p.config.policy)?.Statement ?? []);
  return evaluatePolicy({ Statement: statements }, { action, resource, context: {} }).decision === "allow";
}
