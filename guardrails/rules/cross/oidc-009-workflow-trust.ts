import { oidcProviderArnIn, parseRoleArn } from "../../../domain/arn";
import { ACTIONS, variableOfExpression } from "../../../domain/github";
import { STS_AUDIENCE, SUB_KEY, WEB_IDENTITY_ACTION } from "../../../domain/oidc";
import { resolveOidcProviderReferences } from "../../../domain/terraform-refs";
import { evaluatePolicy } from "../../../iam/evaluate";
import { mapPolicyStrings, parsePolicy } from "../../../iam/parse";
import { claimsContext, predictClaims, triggersOfWorkflow, type Trigger } from "../../oidc-claims";
import { actionName, actionsVariables, asArray, githubOwner, jobsOf, platformMetadata, trustStatements, workflowOf } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";

function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case "push-branch":
      return `push to branch ${t.branch}`;
    case "push-tag":
      return `push of tag ${t.tag}`;
    case "pull_request":
      return "pull_request";
    case "environment":
      return `environment ${t.environment}`;
    case "any-ref":
      return `${t.event} (${t.note})`;
  }
}

function rolesByName(app: AppView): ReadonlyMap<string, SynthResource> {
  return app.memo("roles-by-name", () => new Map(app.ofType("aws_iam_role").map((r) => [String(r.config.name), r] as const)));
}

function trustedSubjects(role: SynthResource): string[] {
  return trustStatements(role).flatMap((s) =>
    Object.values(s.Condition ?? {}).flatMap((keys) =>
      Object.entries(keys ?? {})
        .filter(([k]) => k.toLowerCase() === SUB_KEY)
        .flatMap(([, v]) => asArray(v).map(String)),
    ),
  );
}

export const OIDC_009: Rule = {
  id: "OIDC-009",
  title: "Every generated job that assumes a role sends a token that role's trust policy allows",
  why: "GitHub puts the trigger in the token's subject (push -> ref:refs/heads/B, tag -> ref:refs/tags/T, a job environment -> environment:E, pull_request -> pull_request, in the repository's subject format); when the trust policy disagrees, or the job lacks id-token: write, the job fails with \"Not authorized to perform sts:AssumeRoleWithWebIdentity\" (seed 001)",
  fix: "allow the job's subject in the role (deployRoles[].allow: branches, tags, environments, pullRequest), change the workflow's trigger or environment, or set the repository's subjectFormat to what GitHub sends",
  source: "seed 001 (AssumeRoleWithWebIdentity AccessDenied); GitHub docs: OIDC subject claims; AWS STS AssumeRoleWithWebIdentity",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const wf = workflowOf(app, resource);
    if (!wf?.doc) return undefined;
    const meta = platformMetadata(resource).oidc_subject ?? {};
    const owner = String(meta.owner ?? githubOwner(app, resource.stack) ?? "");
    const triggers = triggersOfWorkflow(wf.doc.on);
    const problems: string[] = [];

    for (const { id, job, steps } of jobsOf(wf.doc)) {
      for (const step of steps) {
        if (actionName(step?.uses) !== ACTIONS.configureAwsCredentials) continue;
        const inputs = step.with ?? {};
        const roleInput = inputs["role-to-assume"];
        if (typeof roleInput !== "string") continue; // static keys, not OIDC: other rules' business
        if (asArray(inputs["aws-access-key-id"]).length > 0) continue;

        const permissions = job?.permissions ?? wf.doc.permissions;
        const idToken = permissions === "write-all" || (typeof permissions === "object" && permissions?.["id-token"] === "write");
        if (!idToken) {
          problems.push(`job "${id}" assumes a role but lacks permissions: id-token: write, so it gets no OIDC token ("Could not load credentials from any providers")`);
        }
        const audience = inputs.audience;
        if (audience !== undefined && audience !== STS_AUDIENCE) {
          problems.push(`job "${id}" requests audience "${audience}"; the roles trust only ${STS_AUDIENCE}`);
        }

        const variable = variableOfExpression(roleInput.trim());
        const arn = variable !== undefined ? actionsVariables(app).get(wf.repository)?.get(variable) : roleInput;
        const parsed = arn ? parseRoleArn(arn) : undefined;
        if (!parsed) {
          problems.push(`job "${id}": role-to-assume ${JSON.stringify(roleInput)} does not resolve to a role ARN through this app's Actions variables of ${wf.repository}`);
          continue;
        }
        const { partition, accountId: account, name: roleName, path } = parsed;
        const role = rolesByName(app).get(roleName);
        if (!role) {
          problems.push(`job "${id}" assumes ${arn}, which this app does not create: its trust policy cannot be checked`);
          continue;
        }
        // Role names are unique per account, but the ARN carries the path: a wrong one is a role that does not exist.
        const rolePath = typeof role.config.path === "string" ? role.config.path : "/";
        if (path !== rolePath) {
          problems.push(`job "${id}" assumes ${arn}, but the role ${roleName} lives under the IAM path ${rolePath}: the ARN names no role ("Not authorized to perform sts:AssumeRoleWithWebIdentity")`);
          continue;
        }
        const providerArn = oidcProviderArnIn(partition, account);
        // A trust policy may name the provider by reference (then it is in the jsonencode form); it is the same provider.
        const trustPolicy = parsePolicy(role.config.assume_role_policy);
        const trust = trustPolicy && mapPolicyStrings(trustPolicy, (s) => resolveOidcProviderReferences(s, providerArn));

        const environment = typeof job?.environment === "string" ? job.environment : job?.environment?.name;
        for (const trigger of triggers) {
          const claimSets = predictClaims({
            owner,
            ownerId: meta.owner_id,
            repository: String(meta.repository ?? wf.repository),
            repositoryId: meta.repository_id,
            subjectFormat: meta.format ?? "legacy",
            trigger,
            environment: typeof environment === "string" ? environment : undefined,
          });
          for (const claims of claimSets) {
            const result = evaluatePolicy(trust, {
              action: WEB_IDENTITY_ACTION,
              principal: { federated: providerArn },
              context: claimsContext(claims),
            });
            if (result.decision === "allow") continue;
            problems.push(
              `job "${id}" (${describeTrigger(trigger)}${environment ? `, environment ${environment}` : ""}) will present sub "${claims.sub}"${claims.approximate ? ` (${claims.approximate})` : ""}, which role ${roleName} does not trust (it trusts: ${trustedSubjects(role).join(", ") || "no subject"}); at run time: "Not authorized to perform sts:AssumeRoleWithWebIdentity"`,
            );
          }
        }
      }
    }
    return problems;
  },
};
