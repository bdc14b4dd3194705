import { oidcProviderArnIn, parseRoleArn } from "../../../domain/arn";
import { ACTIONS, variableOfExpression } from "../../../domain/github";
import { claimKey, STS_AUDIENCE, SUB_KEY, WEB_IDENTITY_ACTION } from "../../../domain/oidc";
import { resolveOidcProviderReferences } from "../../../domain/terraform-refs";
import { evaluatePolicy, type Evaluation } from "../../../iam/evaluate";
import { mapPolicyStrings, parsePolicy } from "../../../iam/parse";
import { claimsContext, predictClaims, triggersOfWorkflow, UNPREDICTABLE_CLAIMS, type Claims, type Trigger } from "../../oidc-claims";
import { actionName, asArray, githubOwner, jobsOf, stackAccount, trustStatements, variableForJob, workflowOf } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";
import { identityKey, subjectIdentities } from "./subject-identities";

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

/**
 * Roles by `<account>|<name>` (a name is unique per account, not across accounts), the account
 * being the one its stack's provider is pinned to; and by name alone, to say where a name lives.
 */
function rolesByAccount(app: AppView): { byArn: ReadonlyMap<string, SynthResource>; byName: ReadonlyMap<string, SynthResource[]> } {
  return app.memo("roles-by-account", () => {
    const byArn = new Map<string, SynthResource>();
    const byName = new Map<string, SynthResource[]>();
    for (const r of app.ofType("aws_iam_role")) {
      const name = String(r.config.name);
      byArn.set(`${stackAccount(app, r.stack) ?? r.stack}|${name}`, r);
      byName.set(name, [...(byName.get(name) ?? []), r]);
    }
    return { byArn, byName };
  });
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

const UNPREDICTABLE_KEYS = new Set<string>(UNPREDICTABLE_CLAIMS.map((c) => claimKey(c).toLowerCase()));

/**
 * Conditions of the Allow statements that matched the subject but failed on another claim the
 * role pins (repository_id, job_workflow_ref, ...): what to tell the user instead of "not trusted".
 * `undecidable` when the only failing conditions are on claims no synth can predict (actor_id...).
 */
function pinnedClaimFailures(evaluation: Evaluation): { failures: string[]; undecidable: boolean } {
  const failures: string[] = [];
  let undecidable = false;
  for (const r of evaluation.reasons) {
    if (r.effect !== "Allow" || !r.action.matched || !r.principal.matched) continue;
    const sub = r.conditions.filter((c) => c.key.toLowerCase() === SUB_KEY);
    if (sub.length === 0 || !sub.every((c) => c.passed)) continue;
    const failed = r.conditions.filter((c) => !c.passed);
    if (failed.length > 0 && failed.every((c) => UNPREDICTABLE_KEYS.has(c.key.toLowerCase()))) undecidable = true;
    for (const c of failed) {
      if (UNPREDICTABLE_KEYS.has(c.key.toLowerCase())) continue;
      const sent = c.requestValues === undefined ? "no such claim (STS leaves it out of the request)" : `"${c.requestValues.join(", ")}"`;
      failures.push(`${r.sid ? `statement "${r.sid}"` : `statement ${r.statementIndex + 1}`} trusts that subject but pins ${c.key} ${c.operator} ${c.policyValues.map((v) => `"${v}"`).join(", ")}, and the token will carry ${sent}`);
    }
  }
  return { failures, undecidable };
}

function tokenDescription(claims: Claims): string {
  return `sub "${claims.sub}"${claims.approximate ? ` (${claims.approximate})` : ""}`;
}

export const OIDC_009: Rule = {
  id: "OIDC-009",
  title: "Every generated job that assumes a role sends a token that role's trust policy allows",
  why: "GitHub puts the trigger in the token's subject (push -> ref:refs/heads/B, tag -> ref:refs/tags/T, a job environment -> environment:E, pull_request -> pull_request, in the repository's subject format); when the trust policy disagrees, or the job lacks id-token: write, the job fails with \"Not authorized to perform sts:AssumeRoleWithWebIdentity\" (seed 001)",
  fix: "allow the job's subject in the role (deployRoles[].allow: branches, tags, environments, pullRequest), change the workflow's trigger or environment, or set the repository's subjectFormat to what GitHub sends; when the role pins further claims (pinClaims), give the repository its real id and the workflow that role as deployRole",
  source: "seed 001 (AssumeRoleWithWebIdentity AccessDenied); GitHub docs: OIDC subject claims; AWS STS AssumeRoleWithWebIdentity",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const wf = workflowOf(app, resource);
    if (!wf?.doc) return undefined;
    const owner = githubOwner(app, resource.stack) ?? "";
    // The repository's subject form and ids, as the app's trust policies state them (no side channel).
    const identity = subjectIdentities(app).get(identityKey(owner, wf.repository));
    const triggers = triggersOfWorkflow(wf.doc.on);
    const problems: string[] = [];
    if (identity && identity.conflictingIds.length > 0) {
      problems.push(`the app's trust policies give ${owner}/${wf.repository} different repository ids (${identity.conflictingIds.join(", ")}; roles ${identity.roles.join(", ")}); GitHub sends one, so the roles naming another deny its jobs: set repositories[].id to the id gh api repos/${owner}/${wf.repository} --jq .id prints`);
    }

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

        const environment = typeof job?.environment === "string" ? job.environment : job?.environment?.name;
        const jobEnvironment = typeof environment === "string" ? environment : undefined;
        // The value the job reads: its environment's variable over the repository's, as GitHub does.
        const variable = variableOfExpression(roleInput.trim());
        const arn = variable ? variableForJob(app, wf.repository, jobEnvironment, variable) : roleInput;
        const parsed = arn ? parseRoleArn(arn) : undefined;
        if (!parsed) {
          problems.push(`job "${id}": role-to-assume ${JSON.stringify(roleInput)} does not resolve to a role ARN through this app's Actions variables of ${wf.repository}`);
          continue;
        }
        const { partition, accountId: account, name: roleName, path } = parsed;
        // The role in the account the ARN names: the one STS will evaluate.
        const roles = rolesByAccount(app);
        const role = roles.byArn.get(`${account}|${roleName}`);
        if (!role) {
          const elsewhere = (roles.byName.get(roleName) ?? []).map((r) => `account ${stackAccount(app, r.stack) ?? "?"} (stack ${r.stack})`);
          problems.push(
            elsewhere.length > 0
              ? `job "${id}" assumes ${arn}, in account ${account}, but this app creates ${roleName} in ${elsewhere.join(", ")}: the ARN names no role ("Not authorized to perform sts:AssumeRoleWithWebIdentity"); read the role ARN from the variable the template sets for the role's account`
              : `job "${id}" assumes ${arn}, which this app does not create: its trust policy cannot be checked`,
          );
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

        for (const trigger of triggers) {
          const claimSets = predictClaims({
            owner,
            ownerId: identity?.ownerId,
            repository: wf.repository,
            repositoryId: identity?.repositoryId,
            subjectFormat: identity?.format ?? "legacy",
            trigger,
            environment: jobEnvironment,
            workflowPath: wf.path,
            workflowName: typeof wf.doc.name === "string" ? wf.doc.name : undefined,
          });
          for (const claims of claimSets) {
            const result = evaluatePolicy(trust, {
              action: WEB_IDENTITY_ACTION,
              principal: { federated: providerArn },
              context: claimsContext(claims),
            });
            if (result.decision === "allow") continue;
            const job = `job "${id}" (${describeTrigger(trigger)}${environment ? `, environment ${environment}` : ""})`;
            const { failures, undecidable } = pinnedClaimFailures(result);
            if (undecidable && failures.length === 0) continue; // decided by who runs the job: STS checks it then
            problems.push(
              failures.length > 0
                ? `${job} will present ${tokenDescription(claims)}, which role ${roleName} trusts, but not the rest of the token: ${failures.join("; ")}; at run time: "Not authorized to perform sts:AssumeRoleWithWebIdentity"`
                : `${job} will present ${tokenDescription(claims)}, which role ${roleName} does not trust (it trusts: ${trustedSubjects(role).join(", ") || "no subject"}); at run time: "Not authorized to perform sts:AssumeRoleWithWebIdentity"`,
            );
          }
        }
      }
    }
    return problems;
  },
};
