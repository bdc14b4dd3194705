import { isWildcardPattern } from "../../../iam/glob";
import type { Statement } from "../../../iam/policy";
import { asArray, trustStatements } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";
import { block, connectionOf, connectionPrefixes, projectsOfRole, roleOfPolicy, sourceAuth } from "../codebuild/projects";
import { actionsOf, allowStatements, resourcesOf, serviceOf, stackAwsScope } from "./policies";

const CODEBUILD = "codebuild.amazonaws.com";
const CONNECTION_SERVICES = new Set(["codeconnections", "codestar-connections"]);
/** Operators under which an aws:SourceAccount value actually pins the caller. */
const POSITIVE_STRING = new Set(["StringEquals", "StringLike"]);

function services(statement: Statement): string[] {
  const p = statement.Principal;
  return typeof p === "object" && p !== null && !Array.isArray(p) ? asArray(p.Service as string | string[]).map(String) : [];
}

function isCodebuildServiceRole(role: SynthResource): boolean {
  return trustStatements(role).some((s) => services(s).includes(CODEBUILD));
}

function trustProblems(role: SynthResource): string[] {
  const problems: string[] = [];
  trustStatements(role).forEach((s, i) => {
    if (s.Effect !== "Allow") return;
    const label = `trust statement ${s.Sid ? `"${s.Sid}"` : `#${i + 1}`}`;
    const p = s.Principal;
    const others =
      typeof p === "object" && p !== null && !Array.isArray(p)
        ? [...Object.keys(p).filter((k) => k !== "Service").map((k) => `${k} ${JSON.stringify(p[k])}`), ...services(s).filter((x) => x !== CODEBUILD).map((x) => `"${x}"`)]
        : [s.NotPrincipal !== undefined ? `everyone but NotPrincipal ${JSON.stringify(s.NotPrincipal)}` : `Principal ${JSON.stringify(p ?? null)}`];
    if (others.length > 0) problems.push(`${label} also trusts ${others.join(", ")}`);
    const pinned = Object.entries(s.Condition ?? {}).some(
      ([op, keys]) =>
        POSITIVE_STRING.has(op) &&
        Object.entries(keys).some(([k, v]) => k.toLowerCase() === "aws:sourceaccount" && asArray(v).length > 0 && !asArray(v).some((x) => String(x).includes("*"))),
    );
    if (!pinned) problems.push(`${label} has no StringEquals aws:SourceAccount condition (confused deputy: any account's CodeBuild could use the role)`);
  });
  return problems;
}

/** What the runner itself needs (lower case): its logs, its connection, the legacy token secret. */
const RUNNER_ACTIONS = new Set(
  [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    ...["codeconnections", "codestar-connections"].flatMap((p) => ["GetConnection", "GetConnectionToken", "UseConnection"].map((a) => `${p}:${a}`)),
    "secretsmanager:GetSecretValue",
  ].map((a) => a.toLowerCase()),
);

const LOG_GROUP_ARN = /^arn:[^:]+:logs:([^:]*):([^:]*):log-group:([^:]+)(?::.*)?$/;

/** Log group names the role's projects write to. */
function ownLogGroups(projects: readonly SynthResource[]): Set<string> {
  const names = new Set<string>();
  for (const p of projects) {
    if (typeof p.config.name === "string") names.add(`/aws/codebuild/${p.config.name}`);
    const configured = block(block(p.config.logs_config)?.cloudwatch_logs)?.group_name;
    if (typeof configured === "string") names.add(configured);
  }
  return names;
}

function logResourceOk(app: AppView, policy: SynthResource, arn: string, groups: Set<string>): boolean {
  // `${aws_cloudwatch_log_group.x.arn}` or `${...arn}:*`
  const ref = /^(\$\{[^}]*\})(?::\*)?$/.exec(arn);
  if (ref) {
    const target = app.referenced(policy, ref[1]);
    return target?.type === "aws_cloudwatch_log_group" && groups.has(target.config.name);
  }
  const m = LOG_GROUP_ARN.exec(arn);
  if (!m || !groups.has(m[3])) return false;
  const { regions, accounts } = stackAwsScope(app.provider(policy.stack, "aws"));
  return (regions.size === 0 || regions.has(m[1])) && (accounts.size === 0 || accounts.has(m[2]));
}

function policyProblems(app: AppView, policy: SynthResource, role: SynthResource): string[] {
  const projects = projectsOfRole(app, role);
  const groups = ownLogGroups(projects);
  const connections = new Set(projects.map(connectionOf).filter((c): c is string => c !== undefined));
  const secrets = new Set(
    projects
      .map(sourceAuth)
      .filter((a) => a?.type === "SECRETS_MANAGER" && typeof a.resource === "string")
      .map((a) => String(a!.resource)),
  );
  const whose = projects.length > 0 ? `project ${projects.map((p) => `"${p.config.name}"`).join(", ")}` : "no aws_codebuild_project of this stack (none uses the role)";
  const problems: string[] = [];
  for (const { label, statement } of allowStatements(policy)) {
    const actions = actionsOf(statement);
    const resources = resourcesOf(statement);
    const logs = actions.filter((a) => serviceOf(a) === "logs");
    const conn = actions.filter((a) => CONNECTION_SERVICES.has(serviceOf(a)));
    if ((logs.length > 0 || conn.length > 0) && statement.NotResource !== undefined) {
      problems.push(`${label} grants ${[...logs, ...conn].join(", ")} through NotResource`);
    }
    // Everything but the runner's own needs: the build container reads this role's credentials
    // from CodeBuild's container credentials endpoint, so every job on the runner holds them.
    for (const action of actions.filter((a) => !RUNNER_ACTIONS.has(a.toLowerCase()))) {
      problems.push(
        `${label} grants "${action}"${serviceOf(action) === "ecr" ? " (ECR)" : ""}: every job on the runner can use the service role through the container credentials endpoint, whatever branch or pull request queued it; the role may hold only its logs, its connection${secrets.size > 0 ? " and its token secret" : ""}`,
      );
    }
    const secretActions = actions.filter((a) => serviceOf(a) === "secretsmanager" && RUNNER_ACTIONS.has(a.toLowerCase()));
    for (const action of secretActions) {
      for (const arn of resources.filter((r) => !secrets.has(r))) {
        problems.push(`${label} grants "${action}" on "${arn}", not the token secret in source.auth of ${whose}`);
      }
    }
    if (logs.length > 0) {
      for (const arn of resources.filter((r) => !logResourceOk(app, policy, r, groups))) {
        problems.push(`${label} grants logs actions on "${arn}", not the log group of ${whose} (${[...groups].map((g) => `"${g}"`).join(", ") || "none"})`);
      }
    }
    for (const action of conn) {
      for (const arn of resources) {
        if (!connections.has(arn) || isWildcardPattern(arn)) {
          problems.push(`${label} grants "${action}" on "${arn}", not the connection in source.auth of ${whose}${connections.size > 0 ? ` (${[...connections].map((c) => `"${c}"`).join(", ")})` : ""}`);
        } else if (!connectionPrefixes(arn).includes(serviceOf(action))) {
          problems.push(`${label} grants "${action}" on "${arn}": a ${connectionPrefixes(arn)[0]} ARN needs ${connectionPrefixes(arn)[0]}: actions`);
        }
      }
    }
  }
  return problems;
}

export const IAM_007: Rule = {
  id: "IAM-007",
  title: "CodeBuild service role: trusted by codebuild.amazonaws.com only, with aws:SourceAccount; only its own logs and connection (no ECR, nothing jobs could use)",
  why:
    "The service role is what every runner job runs as: the build container reads its credentials from CodeBuild's container credentials endpoint, so any job of any branch or pull request that reaches the runner holds whatever it grants (ECR push included), around every deploy role's trust policy. Trusted more widely or without aws:SourceAccount, another principal (or another account's CodeBuild, the confused deputy) can use it; granted logs or the connection beyond its own project, a job can read other builds' logs or act on GitHub through a connection it was not given.",
  fix:
    "Let the template create the runner's role (repositories[].runner in platform.yaml); by hand: trust only codebuild.amazonaws.com with StringEquals aws:SourceAccount (and ArnLike aws:SourceArn of the project), grant logs on /aws/codebuild/<project> and the connection actions on the project's source.auth connection ARN only, nothing else. Jobs get AWS permissions through a deploy role: give the workflow a deployRole with ecrPush (runner.ecrPush is gone).",
  source: "AWS CodeBuild user guide: service role, cross-service confused deputy prevention, GitHub App connections (grant the project role access)",
  resourceTypes: ["aws_iam_role", "aws_iam_role_policy"],
  check(resource, app) {
    if (resource.type === "aws_iam_role") {
      if (!isCodebuildServiceRole(resource)) return undefined;
      const problems = trustProblems(resource);
      return problems.length > 0 ? problems : undefined;
    }
    const role = roleOfPolicy(app, resource);
    if (role === undefined || !isCodebuildServiceRole(role)) return undefined;
    const problems = policyProblems(app, resource, role);
    return problems.length > 0 ? problems : undefined;
  },
};
