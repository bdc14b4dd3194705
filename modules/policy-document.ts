/**
 * The pure builders for the policies this template writes (their types are iam/policy.ts).
 * Kept free of constructs so the guardrails and tests can evaluate exactly what the stacks emit.
 */
import { Fn, Token } from "cdktf";
import { AUD_KEY, claimKey, STS_AUDIENCE, SUB_KEY, WEB_IDENTITY_ACTION, type StsGithubClaim } from "../domain/oidc";
import type { RoleSubjects } from "../config/derive";
import type { PolicyDocument, PolicyStatement } from "../iam/policy";
import { jsonencodeLiterals } from "./terraform-text";

/**
 * Renders a policy for a Terraform string attribute. Plain JSON when every value is known at
 * synth time (readable in plans, parseable by the guardrails); `jsonencode(...)` when a value is
 * a reference (e.g. a connection ARN AWS assigns), because a token inside JSON.stringify breaks
 * `cdktf synth --hcl`. Either way the strings stay literals: the JSON text is escaped where the
 * attribute is set (terraformLiterals), the jsonencode document here (cdktf renders it as HCL).
 */
export function renderPolicy(doc: PolicyDocument): string {
  const json = JSON.stringify(doc);
  return Token.isUnresolved(json) ? Fn.jsonencode(jsonencodeLiterals(doc)) : json;
}

/** One repository's part of a trust policy: its subjects and the claims pinned next to them. */
export interface TrustedRepository {
  readonly subjects: RoleSubjects;
  /** Claims pinned with StringEquals, e.g. `{ repository_id: ["123"] }`. @default - none */
  readonly pinned?: Readonly<Partial<Record<StsGithubClaim, readonly string[]>>>;
  /** Claims pinned with StringLike, e.g. `{ job_workflow_ref: ["o/r/.github/workflows/f.yml@*"] }`. @default - none */
  readonly pinnedLike?: Readonly<Partial<Record<StsGithubClaim, readonly string[]>>>;
}

function hasPins(t: TrustedRepository): boolean {
  return Object.values(t.pinned ?? {}).some((v) => v.length > 0) || Object.values(t.pinnedLike ?? {}).some((v) => v.length > 0);
}

function claimConditions(pins: TrustedRepository["pinned"]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [claim, values] of Object.entries(pins ?? {})) {
    if (values === undefined || values.length === 0) continue;
    out[claimKey(claim)] = values.length === 1 ? values[0] : [...values];
  }
  return out;
}

/**
 * Trust policy for GitHub Actions OIDC: audience pinned with StringEquals; exact subjects under
 * StringEquals; wildcard subjects (asked for by name, with a reason) in their own statement
 * under StringLike, since conditions inside one statement are AND-ed.
 *
 * Several repositories without pinned claims share those two statements (each subject names its
 * repository). With pinned claims each repository gets statements of its own: in one statement
 * a repository's subjects would be AND-ed with another repository's id or workflow files.
 */
export function githubOidcTrustPolicy(providerArn: string, trust: RoleSubjects | readonly TrustedRepository[]): PolicyDocument {
  const entries: readonly TrustedRepository[] = "exact" in trust ? [{ subjects: trust }] : trust;
  const statement = (sid: string, operator: "StringEquals" | "StringLike", values: string[], t?: TrustedRepository): PolicyStatement => {
    const equals = { [AUD_KEY]: STS_AUDIENCE, ...(operator === "StringEquals" ? { [SUB_KEY]: values } : {}), ...claimConditions(t?.pinned) };
    const like = { ...(operator === "StringLike" ? { [SUB_KEY]: values } : {}), ...claimConditions(t?.pinnedLike) };
    return {
      Sid: sid,
      Effect: "Allow",
      Principal: { Federated: providerArn },
      Action: WEB_IDENTITY_ACTION,
      Condition: Object.keys(like).length > 0 ? { StringEquals: equals, StringLike: like } : { StringEquals: equals },
    };
  };
  const statements: PolicyStatement[] = [];
  if (!entries.some(hasPins)) {
    const exact = entries.flatMap((t) => t.subjects.exact);
    const wildcard = entries.flatMap((t) => t.subjects.wildcard);
    if (exact.length > 0) statements.push(statement("GitHubActionsExactSubjects", "StringEquals", exact));
    if (wildcard.length > 0) statements.push(statement("GitHubActionsWildcardSubjects", "StringLike", wildcard));
  } else {
    entries.forEach((t, i) => {
      // Sids are unique and alphanumeric; one repository keeps the plain names.
      const n = entries.length > 1 ? String(i + 1) : "";
      if (t.subjects.exact.length > 0) statements.push(statement(`GitHubActionsExactSubjects${n}`, "StringEquals", t.subjects.exact, t));
      if (t.subjects.wildcard.length > 0) statements.push(statement(`GitHubActionsWildcardSubjects${n}`, "StringLike", t.subjects.wildcard, t));
    });
  }
  if (statements.length === 0) throw new Error("a GitHub OIDC trust policy needs at least one subject");
  return { Version: "2012-10-17", Statement: statements };
}

/** The push set of IAM-003, in a stable order. */
export const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:CompleteLayerUpload",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
] as const;

/** Added when builds pull cached layers from the same repositories. */
export const ECR_PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;

/**
 * The statements that let a principal push images to exactly these repositories.
 * GetAuthorizationToken has no resource-level scoping, so it is the only action on "*".
 */
export function ecrPushStatements(repositoryArns: readonly string[], pull: boolean): PolicyStatement[] {
  if (repositoryArns.length === 0) return [];
  return [
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "EcrPush",
      Effect: "Allow",
      Action: [...ECR_PUSH_ACTIONS, ...(pull ? ECR_PULL_ACTIONS : [])],
      Resource: [...repositoryArns],
    },
  ];
}

/** Trust for a service principal, with the confused-deputy conditions AWS recommends. */
export function serviceTrustPolicy(service: string, sourceAccount: string, sourceArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": sourceAccount },
          ArnLike: { "aws:SourceArn": sourceArn },
        },
      },
    ],
  };
}
