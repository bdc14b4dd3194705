/**
 * Seed 001: a denied AssumeRoleWithWebIdentity. From a CloudTrail event the token's subject and
 * audience are known exactly and are evaluated against every GitHub role the config synthesizes;
 * from an Actions log only the role asked for is known.
 */
import { accountOfArn, oidcProviderArn, roleNameOfArn } from "../../domain/arn";
import { roleArnVariable } from "../../domain/github";
import { parseSubject, STS_AUDIENCE } from "../../domain/oidc";
import { awsAccounts, primaryAccount } from "../../config/derive";
import type { PlatformConfig } from "../../config/schema";
import { webIdentityRequest } from "../cloudtrail";
import { describeRole, locateRepository, locateRole, workflowsUsingRole } from "../config-facts";
import { accepts, describeContext, nearestTrusted, type Nearest } from "../subject";
import { evaluateToken, githubOidcRoles, roleNamed, type OidcRole, type RoleVerdict } from "../trust";
import type { DiagnoseContext, Explanation, Match } from "../types";

interface Request {
  subject?: string;
  audience?: string;
  providerArn?: string;
  roleArn?: string;
}

export function explainAssumeRoleDenied(match: Match, ctx: DiagnoseContext): Explanation {
  const facts: string[] = [];
  const causes: string[] = [];
  const fixes: string[] = [];
  const details: string[] = [];

  const request = readRequest(match, ctx, facts);
  const config = ctx.config;
  const view = ctx.view();

  if (request.subject !== undefined) {
    // What the subject alone says holds with or without a config.
    const parts = parseSubject(request.subject);
    if (parts?.kind === "environment") facts.push(`the job ran in environment ${parts.name}: its subject carries the environment, not the branch or tag`);
    if (parts?.kind === "pull_request") facts.push("the run was triggered by pull_request: its subject carries no branch");
    if (parts?.form === "immutable") facts.push("the subject is in the immutable format (repo:owner@OWNER_ID/repo@REPO_ID:...)");
  }
  if (request.audience !== undefined && request.audience !== STS_AUDIENCE) {
    causes.push(`the token's audience is ${request.audience}; AWS roles expect ${STS_AUDIENCE}`);
    fixes.push(`remove the audience input of aws-actions/configure-aws-credentials (its default is ${STS_AUDIENCE})`);
  }
  if (!config || !view) {
    return { facts, causes, fixes, details };
  }

  // The account of the role the job asked for, when the config manages it; else the primary one.
  const requested = /^arn:[\w-]+:iam::(\d{12}):/.exec(request.roleArn ?? "")?.[1];
  const managed = awsAccounts(config).find((a) => a.accountId === requested) ?? primaryAccount(config);
  const account = managed.accountId;
  const stackProvider = managed.oidcProvider.existingArn ?? oidcProviderArn(account, managed.region);
  const roles = githubOidcRoles(view, stackProvider);
  const roleList = roles.map((r) => r.name).join(", ") || "none";
  const named = roleNamed(roles, request.roleArn);

  if (request.roleArn !== undefined) {
    const roleAccount = accountOfArn(request.roleArn);
    if (roleAccount !== undefined && roleAccount !== account) {
      causes.push(`the role ${request.roleArn} is in account ${roleAccount}; ${ctx.configFile} manages account ${account}`);
    }
    if (!named) {
      causes.push(`the job asked for ${roleNameOfArn(request.roleArn) ?? request.roleArn}, which ${ctx.configFile} does not create (its GitHub roles: ${roleList})`);
    }
  }
  if (request.providerArn !== undefined && request.providerArn !== stackProvider) {
    causes.push(`STS matched the token to the provider ${request.providerArn}; the roles of ${ctx.configFile} trust ${stackProvider}`);
  }

  if (request.subject === undefined) {
    explainWithoutSubject(named, roles, config, ctx, causes, fixes);
    return { facts, causes, fixes, details };
  }

  const token = { subject: request.subject, audience: request.audience ?? STS_AUDIENCE, providerArn: request.providerArn ?? stackProvider };
  const verdicts = roles.map((r) => evaluateToken(r, token));
  const allowing = verdicts.filter((v) => v.evaluation.decision === "allow");
  const namedVerdict = named ? verdicts.find((v) => v.role === named) : undefined;

  if (namedVerdict?.evaluation.decision === "allow") {
    causes.push(`the trust policy ${ctx.configFile} synthesizes for ${describeRole(config, named!.name)} allows this token (sub ${token.subject}, aud ${token.audience}): so the denial is not in the policy as written`);
    fixes.push(
      `compare the deployed trust policy with the synthesized one (aws iam get-role --role-name ${named!.name} --query Role.AssumeRolePolicyDocument): deploy the AWS stack if it is older, or undo a change made by hand`,
      `check the audience (${token.audience}) and the identity provider the event names (${token.providerArn}) against the provider of account ${account}, and the role ARN the job passes (${request.roleArn ?? "see role-to-assume"})`,
    );
    details.push(`engine (${named!.name}):`, ...indent(namedVerdict.trace));
    return { facts, causes, fixes, details };
  }

  if (!named && allowing.length > 0) {
    const names = allowing.map((v) => describeRole(config, v.role.name)).join(", ");
    const match = allowing[0].role.subjects.find((s) => accepts(s, token.subject));
    if (match) facts.push(`nearest allowed subject: ${match.value} (${match.operator}, role ${match.role}): it matches`);
    causes.push(`the token itself is fine: ${names} of ${ctx.configFile} trust${allowing.length === 1 ? "s" : ""} it (sub ${token.subject})`);
    fixes.push(
      `make the job assume ${allowing[0].role.name}: role-to-assume: \${{ vars.${roleArnVariable(allowing[0].role.name)} }} (the Actions variable this template sets; the generated workflows use it), instead of a typed ARN`,
    );
    details.push(`engine (${allowing[0].role.name}):`, ...indent(allowing[0].trace));
    return { facts, causes, fixes, details };
  }

  // Denied everywhere: explain against the named role, else the role holding the nearest subject.
  const candidates = namedVerdict ? [namedVerdict] : verdicts;
  const nearest = nearestTrusted(token.subject, candidates.flatMap((v) => v.role.subjects));
  const verdict: RoleVerdict | undefined = nearest ? candidates.find((v) => v.role.name === nearest.trusted.role) : namedVerdict;
  if (!verdict) {
    causes.push(`no role of ${ctx.configFile} trusts a GitHub subject (roles: ${roleList})`);
    fixes.push("add a deploy role with the subject's repository and branch under repositories[].deployRoles");
    return { facts, causes, fixes, details };
  }
  const where = named ? `role ${describeRole(config, verdict.role.name)}` : `the nearest role, ${describeRole(config, verdict.role.name)},`;
  causes.push(`${where} denies it: ${verdict.failed.join("; ") || "no statement applies"}`);
  if (nearest) {
    facts.push(`nearest allowed subject: ${nearest.trusted.value} (${nearest.trusted.operator}, role ${nearest.trusted.role})`);
    const likely = likelyCauses(nearest, config, token.subject);
    causes.push(...likely.causes);
    fixes.push(...likely.fixes);
  }
  details.push(`engine (${verdict.role.name}):`, ...indent(verdict.trace));
  return { facts, causes, fixes, details };
}

function readRequest(match: Match, ctx: DiagnoseContext, facts: string[]): Request {
  const request: Request = {};
  if (match.event) {
    const r = webIdentityRequest(match.event);
    Object.assign(request, r);
    if (r.subject) facts.push(`subject (userIdentity.userName): ${r.subject}`);
    if (r.audience) facts.push(`audience (from userIdentity.principalId): ${r.audience}`);
    if (r.providerArn) facts.push(`identity provider: ${r.providerArn}`);
    if (r.roleArn) facts.push(`role asked for (requestParameters.roleArn): ${r.roleArn}`);
  } else {
    // configure-aws-credentials echoes its inputs above the error (seed 001's log).
    const role = /role-to-assume:\s*["']?(arn:[^\s"']+)/.exec(match.text)?.[1];
    const audience = /^\s*audience:\s*["']?([^\s"']+)/m.exec(match.text)?.[1];
    if (role) {
      request.roleArn = role;
      facts.push(`role asked for (role-to-assume): ${role}`);
    }
    if (audience) {
      request.audience = audience;
      facts.push(`audience (input): ${audience}`);
    }
  }
  if (ctx.subject !== undefined && request.subject === undefined) {
    request.subject = ctx.subject;
    facts.push(`subject (--subject): ${ctx.subject}`);
  }
  return request;
}

function explainWithoutSubject(
  named: OidcRole | undefined,
  roles: readonly OidcRole[],
  config: PlatformConfig,
  ctx: DiagnoseContext,
  causes: string[],
  fixes: string[],
): void {
  if (named) {
    causes.push(`role ${describeRole(config, named.name)} trusts only: ${named.subjects.map((s) => s.value).join(", ") || "no subject"}; the job's token carried another subject or audience`);
  } else if (roles.length > 0) {
    fixes.push(`assume one of this config's roles through its Actions variable, e.g. role-to-assume: \${{ vars.${roleArnVariable(roles[0].name)} }}`);
  }
  fixes.push(
    `the log does not show the token's subject: run diagnose on the CloudTrail AssumeRoleWithWebIdentity event of that time (CloudTrail > Event history, Event name = AssumeRoleWithWebIdentity), or pass the subject with --subject, to evaluate it against ${ctx.configFile}'s trust policies`,
  );
}

/** What differs between the token's subject and the nearest trusted one, in config terms. */
function likelyCauses(nearest: Nearest, config: PlatformConfig, subject: string): { causes: string[]; fixes: string[] } {
  const causes: string[] = [];
  const fixes: string[] = [];
  const { token, allowed } = nearest;
  const roleAt = locateRole(config, nearest.trusted.role);
  const rolePath = roleAt?.path ?? `the role ${nearest.trusted.role}`;
  if (!token || !allowed) {
    causes.push(`likely cause: the subject ${subject} is not in GitHub's default format (a customised subject template?), the role trusts ${nearest.trusted.value}`);
    fixes.push("keep GitHub's default subject template for the repository, or trust the customised form explicitly");
    return { causes, fixes };
  }
  const tokenRepo = locateRepository(config, token.repository);
  for (const d of nearest.differences) {
    switch (d.kind) {
      case "repository":
        causes.push(`likely cause: other repository: the token comes from ${token.owner}/${token.repository}, and no role trusts it (nearest: ${allowed.owner}/${allowed.repository})`);
        fixes.push(
          tokenRepo && tokenRepo.repository.name === token.repository
            ? `add a role to ${tokenRepo.path}.deployRoles that allows ${describeContext(token)}`
            : `add ${token.repository} to repositories[] with a deploy role, or assume the role from ${allowed.owner}/${allowed.repository}`,
        );
        break;
      case "case":
        if (d.part === "owner or repository") {
          causes.push(
            `likely cause: case: the token says ${token.owner}/${token.repository}, the role trusts ${allowed.owner}/${allowed.repository}; StringEquals is case-sensitive and GitHub sends the names as they are spelled on GitHub`,
          );
          fixes.push(`spell github.owner and the repository's name exactly as GitHub does: ${token.owner} / ${token.repository}`);
        } else {
          causes.push(`likely cause: case: the token's ${describeContext(token)} differs from the trusted ${describeContext(allowed)} only in letter case`);
          fixes.push(`write the name in ${rolePath}.allow exactly as GitHub sends it: ${token.name ?? token.context}`);
        }
        break;
      case "format":
        if (d.token === "immutable") {
          causes.push("likely cause: immutable subject format: GitHub sends repo:owner@OWNER_ID/repo@REPO_ID:... for this repository, the role trusts the legacy repo:owner/repo:... form");
          fixes.push(
            `set ${tokenRepo?.path ?? "the repository's entry"}.subjectFormat: immutable (or both while migrating), with github.ownerId: ${token.ownerId ?? "<owner id>"} and ${tokenRepo?.path ?? "repositories[]"}.id: ${token.repositoryId ?? "<repository id>"}`,
          );
        } else {
          causes.push("likely cause: subject format: GitHub still sends the legacy repo:owner/repo:... form for this repository, the role trusts only the immutable form");
          fixes.push(`set ${tokenRepo?.path ?? "the repository's entry"}.subjectFormat: legacy (or both while migrating)`);
        }
        break;
      case "ids":
        causes.push(
          `likely cause: the ids differ: the token has owner id ${token.ownerId}, repository id ${token.repositoryId}; the role trusts ${allowed.ownerId}, ${allowed.repositoryId} (a repository deleted and recreated, or transferred, gets a new id)`,
        );
        fixes.push(`set github.ownerId: ${token.ownerId} and ${tokenRepo?.path ?? "the repository's"}.id: ${token.repositoryId} (gh api repos/${token.owner}/${token.repository} --jq .id)`);
        break;
      case "context":
        contextCause(token, allowed, rolePath, config, nearest.trusted.role, causes, fixes);
        break;
      case "unparsed":
        break;
    }
  }
  return { causes, fixes };
}

function contextCause(
  token: NonNullable<Nearest["token"]>,
  allowed: NonNullable<Nearest["allowed"]>,
  rolePath: string,
  config: PlatformConfig,
  roleName: string,
  causes: string[],
  fixes: string[],
): void {
  const trusted = describeContext(allowed);
  switch (token.kind) {
    case "environment": {
      causes.push(`likely cause: environment: the job runs in environment ${token.name}, so GitHub sends environment:${token.name} instead of the ref; the role trusts ${trusted}`);
      const jobs = workflowsUsingRole(config, roleName).filter((w) => w.workflow.environment === token.name);
      fixes.push(
        `add ${token.name} to ${rolePath}.allow.environments, or remove environment: ${token.name} from the job${jobs.length ? ` (${jobs.map((j) => `${j.path}.environment`).join(", ")})` : ""}`,
      );
      break;
    }
    case "pull_request":
      causes.push(`likely cause: pull_request: the run was triggered by a pull request, so the subject is pull_request; the role trusts ${trusted}`);
      fixes.push(
        `assume the role only in push-triggered runs (the generated workflows run on push), or set ${rolePath}.allow.pullRequest: true (every pull request can then assume it, including from forks of a public repository)`,
      );
      break;
    case "branch":
      causes.push(`likely cause: other branch: the run is on branch ${token.name}; the role trusts ${trusted}`);
      fixes.push(
        `add ${token.name} to ${rolePath}.allow.branches (a pattern goes under wildcardSubjects with a reason), or run the workflow only on the trusted branch (workflows[].on.branches)`,
      );
      break;
    case "tag":
      causes.push(`likely cause: tag: the run is for tag ${token.name}; the role trusts ${trusted}`);
      fixes.push(`add ${token.name} to ${rolePath}.allow.tags (a pattern such as v* goes under wildcardSubjects with a reason)`);
      break;
    case "other":
      causes.push(`likely cause: the subject's context ${token.context} is not one the template writes (a customised subject template?); the role trusts ${trusted}`);
      fixes.push("keep GitHub's default subject template for the repository");
      break;
  }
}

function indent(text: string): string[] {
  return text.split("\n").map((l) => `  ${l}`);
}
