import { OIDC_HOST, parseRoleArn, STS_AUDIENCE } from "../../../config/derive";
import { evaluatePolicy, type Evaluation } from "../../../iam/evaluate";
import { claimKey, SUB_KEY } from "../../../modules/policy-document";
import { claimsContext, predictClaims, triggersOfWorkflow, UNPREDICTABLE_CLAIMS, type Claims, type Trigger } from "../../oidc-claims";
import { actionName, actionsVariables, asArray, githubOwner, jobsOf, trustStatements, workflowOf } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";
import { identityKey, subjectIdentities } from "./subject-identities";

const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";
const VARS_EXPRESSION = /^\$\{\{\s*vars\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

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
        .filter(([k]) => k.toLowerCase() === `${OIDC_HOST}:sub`)
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
        if (actionName(step?.uses) !== CONFIGURE_AWS) continue;
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

        const variable = VARS_EXPRESSION.exec(roleInput.trim());
        const arn = variable ? actionsVariables(app).get(wf.repository)?.get(variable[1]) : roleInput;
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
        const providerArn = `arn:${partition}:iam::${account}:oidc-provider/${OIDC_HOST}`;
        // A trust policy may name the provider by reference; it is the same provider.
        const trust = String(role.config.assume_role_policy ?? "").replace(/\$\{aws_iam_openid_connect_provider\.[^}]+\.arn\}/g, providerArn);

        const environment = typeof job?.environment === "string" ? job.environment : job?.environment?.name;
        for (const trigger of triggers) {
          const claimSets = predictClaims({
            owner,
            ownerId: identity?.ownerId,
            repository: wf.repository,
            repositoryId: identity?.repositoryId,
            subjectFormat: identity?.format ?? "legacy",
            trigger,
            environment: typeof environment === "string" ? environment : undefined,
            workflowPath: wf.path,
            workflowName: typeof wf.doc.name === "string" ? wf.doc.name : undefined,
          });
          for (const claims of claimSets) {
            const result = evaluatePolicy(trust, {
              action: "sts:AssumeRoleWithWebIdentity",
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
