/**
 * The roles GitHub Actions can assume, read from the synthesized `aws_iam_role` resources (however
 * many the stacks create), and a token evaluated against their trust policies with the guardrails'
 * engine (evaluatePolicy, claimsContext): what `diagnose` says about a denied
 * AssumeRoleWithWebIdentity is what OIDC-009 would have said before the apply.
 */
import { OIDC_HOST } from "../config/derive";
import { evaluatePolicy, explainEvaluation, type Evaluation, type StatementTrace } from "../iam/evaluate";
import { claimsContext } from "../guardrails/oidc-claims";
import { asArray, parsePolicy, type Statement } from "../guardrails/support";
import type { AppView, SynthResource } from "../guardrails/types";
import type { TrustedSubject } from "./subject";

const WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity";
const SUB_KEY = `${OIDC_HOST}:sub`;
const AUD_KEY = `${OIDC_HOST}:aud`;
const PROVIDER_REFERENCE = /\$\{aws_iam_openid_connect_provider\.[^}]+\.arn\}/g;

export interface OidcRole {
  readonly name: string;
  readonly resource: SynthResource;
  /** The trust policy with a reference to the stack's own provider replaced by its ARN. */
  readonly trust: { Statement: Statement[] };
  readonly subjects: readonly TrustedSubject[];
  readonly audiences: readonly string[];
}

/** Roles whose trust policy names GitHub's OIDC provider. */
export function githubOidcRoles(view: AppView, providerArn: string): OidcRole[] {
  const roles: OidcRole[] = [];
  for (const resource of view.ofType("aws_iam_role")) {
    const parsed = parsePolicy(resource.config.assume_role_policy);
    if (!parsed || !parsed.Statement.some(isGithubStatement)) continue;
    const trust = JSON.parse(JSON.stringify(parsed).replace(PROVIDER_REFERENCE, () => providerArn)) as { Statement: Statement[] };
    const name = String(resource.config.name ?? resource.name);
    roles.push({ name, resource, trust, subjects: conditionValues(trust, SUB_KEY, name), audiences: conditionValues(trust, AUD_KEY, name).map((s) => s.value) });
  }
  return roles;
}

function isGithubStatement(s: Statement): boolean {
  const principal = s.Principal;
  const federated = principal && typeof principal === "object" && !Array.isArray(principal) ? asArray(principal.Federated as string | string[]) : [];
  if (federated.some((f) => typeof f === "string" && (f.endsWith(`oidc-provider/${OIDC_HOST}`) || /^\$\{aws_iam_openid_connect_provider\./.test(f)))) return true;
  return Object.values(s.Condition ?? {}).some((keys) => Object.keys(keys ?? {}).some((k) => k.toLowerCase().startsWith(`${OIDC_HOST}:`)));
}

function conditionValues(doc: { Statement: Statement[] }, key: string, role: string): TrustedSubject[] {
  return doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
    Object.entries(s.Condition ?? {}).flatMap(([operator, keys]) =>
      Object.entries(keys ?? {})
        .filter(([k]) => k.toLowerCase() === key)
        .flatMap(([, v]) => asArray(v).map((value) => ({ role, value: String(value), operator }))),
    ),
  );
}

/** The token as STS saw it. */
export interface TokenRequest {
  readonly subject: string;
  readonly audience: string;
  readonly providerArn: string;
}

export interface RoleVerdict {
  readonly role: OidcRole;
  readonly evaluation: Evaluation;
  /** Why the Allow statement closest to applying did not apply (empty when allowed). */
  readonly failed: readonly string[];
  /** The engine's own account of every statement. */
  readonly trace: string;
}

export function evaluateToken(role: OidcRole, token: TokenRequest): RoleVerdict {
  const evaluation = evaluatePolicy(role.trust, {
    action: WEB_IDENTITY_ACTION,
    principal: { federated: token.providerArn },
    context: claimsContext({ sub: token.subject, aud: token.audience }),
  });
  return { role, evaluation, failed: evaluation.decision === "allow" ? [] : closestFailures(evaluation), trace: explainEvaluation(evaluation) };
}

/** The failed parts of the Allow statement that came closest to applying. */
function closestFailures(evaluation: Evaluation): string[] {
  const deny = evaluation.reasons.find((r) => r.applies && r.effect === "Deny");
  if (deny) return [`statement ${deny.statementIndex}${deny.sid ? ` (${deny.sid})` : ""} explicitly denies it`];
  const failures = (r: StatementTrace): string[] => [
    ...(r.action.matched ? [] : [r.action.explanation]),
    ...(r.principal.matched ? [] : [r.principal.explanation]),
    ...r.conditions.filter((c) => !c.passed).map((c) => c.explanation),
  ];
  const candidates = evaluation.reasons.filter((r) => r.effect === "Allow").map((r) => ({ r, f: failures(r) }));
  if (candidates.length === 0) return [...evaluation.problems, "no statement allows sts:AssumeRoleWithWebIdentity"];
  candidates.sort((a, b) => a.f.length - b.f.length);
  const { r, f } = candidates[0];
  return f.map((why) => `statement ${r.statementIndex}${r.sid ? ` (${r.sid})` : ""}: ${why}`);
}

/** The role an ARN names, if the stacks create it. */
export function roleNamed(roles: readonly OidcRole[], roleArn: string | undefined): OidcRole | undefined {
  const name = roleArn === undefined ? undefined : roleNameOf(roleArn);
  return name === undefined ? undefined : roles.find((r) => r.name === name);
}

export function roleNameOf(roleArn: string): string | undefined {
  return /^arn:[\w-]+:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn)?.[1];
}

export function accountOf(arn: string): string | undefined {
  return /^arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1];
}
