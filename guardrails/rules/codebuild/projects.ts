/**
 * Navigation between the CodeBuild runner resources of one stack (project, webhook, service role,
 * its policies, the connection), shared by the CodeBuild rules and IAM-007. References are
 * followed with `app.referenced`; literal names are matched as a fallback, since a resource added
 * by hand may name its project or role instead of referencing it.
 */
import { roleNameOfArn } from "../../../domain/arn";
import { actionMatches, globMatch } from "../../../iam/glob";
import { parsePolicy } from "../../../iam/parse";
import { asArray } from "../../support";
import type { AppView, SynthResource } from "../../types";
import { actionsOf, resourcesOf } from "../iam/policies";

/** A single nested block: cdktf writes an object, Terraform JSON also accepts a one-element list. */
export function block(value: unknown): Record<string, any> | undefined {
  const first = asArray(value as Record<string, any> | Record<string, any>[])[0];
  return typeof first === "object" && first !== null ? first : undefined;
}

/** A repeated nested block, as a list of objects. */
export function blocks(value: unknown): Record<string, any>[] {
  return asArray(value as Record<string, any> | Record<string, any>[]).filter((b) => typeof b === "object" && b !== null);
}

function sameStack(app: AppView, type: string, stack: string): readonly SynthResource[] {
  return app.ofType(type).filter((r) => r.stack === stack);
}

export function projectOfWebhook(app: AppView, webhook: SynthResource): SynthResource | undefined {
  const name = webhook.config.project_name;
  const target = app.referenced(webhook, name);
  if (target?.type === "aws_codebuild_project") return target;
  return sameStack(app, "aws_codebuild_project", webhook.stack).find((p) => p.config.name === name);
}

/** Groups `items` by the resource `keyOf` maps each to, once per synth (no scan per lookup). */
function indexBy(app: AppView, memoKey: string, items: () => readonly SynthResource[], keyOf: (r: SynthResource) => SynthResource | undefined) {
  return app.memo(memoKey, () => {
    const map = new Map<SynthResource, SynthResource[]>();
    for (const item of items()) {
      const key = keyOf(item);
      if (key === undefined) continue;
      const list = map.get(key);
      if (list) list.push(item);
      else map.set(key, [item]);
    }
    return map;
  });
}

export function webhooksOf(app: AppView, project: SynthResource): SynthResource[] {
  return indexBy(app, "codebuild:webhooks-by-project", () => app.ofType("aws_codebuild_webhook"), (w) => projectOfWebhook(app, w)).get(project) ?? [];
}

/** The aws_iam_role of this stack the project runs as, by reference or by the ARN's role name. */
export function serviceRoleOf(app: AppView, project: SynthResource): SynthResource | undefined {
  const ref = project.config.service_role;
  const target = app.referenced(project, ref);
  if (target !== undefined) return target.type === "aws_iam_role" ? target : undefined;
  const name = typeof ref === "string" ? roleNameOfArn(ref) : undefined;
  return name !== undefined ? sameStack(app, "aws_iam_role", project.stack).find((r) => r.config.name === name) : undefined;
}

export function projectsOfRole(app: AppView, role: SynthResource): SynthResource[] {
  return indexBy(app, "codebuild:projects-by-role", () => app.ofType("aws_codebuild_project"), (p) => serviceRoleOf(app, p)).get(role) ?? [];
}

/** The aws_iam_role of an aws_iam_role_policy (its `role` is a reference or a role name). */
export function roleOfPolicy(app: AppView, policy: SynthResource): SynthResource | undefined {
  const ref = policy.config.role;
  const target = app.referenced(policy, ref);
  if (target !== undefined) return target.type === "aws_iam_role" ? target : undefined;
  return sameStack(app, "aws_iam_role", policy.stack).find((r) => r.config.name === ref);
}

export function policiesOfRole(app: AppView, role: SynthResource): SynthResource[] {
  return indexBy(app, "codebuild:policies-by-role", () => app.ofType("aws_iam_role_policy"), (p) => roleOfPolicy(app, p)).get(role) ?? [];
}

/** The project's `source.auth` block. */
export function sourceAuth(project: SynthResource): Record<string, any> | undefined {
  return block(block(project.config.source)?.auth);
}

/** The connection ARN (or reference) the project authenticates with, when it uses one. */
export function connectionOf(project: SynthResource): string | undefined {
  const auth = sourceAuth(project);
  return auth?.type === "CODECONNECTIONS" && typeof auth.resource === "string" ? auth.resource : undefined;
}

/** A project that serves as a GitHub Actions runner: it has a webhook or a GitHub source. */
export function isRunnerProject(app: AppView, project: SynthResource): boolean {
  const type = block(project.config.source)?.type;
  return type === "GITHUB" || type === "GITHUB_ENTERPRISE" || webhooksOf(app, project).length > 0;
}

/** The IAM action prefix that fits a connection ARN (codestar-connections ARNs keep theirs). */
export function connectionPrefixes(connection: string): string[] {
  if (connection.startsWith("arn:")) return [connection.split(":")[2]];
  return ["codeconnections", "codestar-connections"];
}

/** Does this aws_iam_role_policy allow what CodeBuild needs to use the connection? */
export function grantsConnection(policy: SynthResource, connection: string): boolean {
  const granted = new Set<string>();
  for (const statement of parsePolicy(policy.config.policy)?.Statement ?? []) {
    if (statement.Effect !== "Allow") continue;
    if (!resourcesOf(statement).some((r) => r === connection || r === "*" || (!connection.startsWith("${") && globMatch(r, connection)))) continue;
    for (const prefix of connectionPrefixes(connection)) {
      for (const needed of CONNECTION_ACTIONS) {
        if (actionsOf(statement).some((a) => actionMatches(a, `${prefix}:${needed}`))) granted.add(`${prefix}:${needed}`);
      }
    }
  }
  return connectionPrefixes(connection).some((prefix) => CONNECTION_ACTIONS.every((a) => granted.has(`${prefix}:${a}`)));
}

/** What the CodeBuild user guide asks the project role to be granted on the connection. */
export const CONNECTION_ACTIONS = ["GetConnection", "GetConnectionToken"] as const;
