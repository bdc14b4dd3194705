/**
 * The pure builders for the policies this template writes (their types are iam/policy.ts).
 * Kept free of constructs so the guardrails and tests can evaluate exactly what the stacks emit.
 */
import { Fn, Token } from "cdktf";
import { AUD_KEY, STS_AUDIENCE, SUB_KEY, WEB_IDENTITY_ACTION } from "../domain/oidc";
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

/**
 * Trust policy for GitHub Actions OIDC: audience pinned with StringEquals; exact subjects under
 * StringEquals; wildcard subjects (asked for by name, with a reason) in their own statement
 * under StringLike, since conditions inside one statement are AND-ed.
 */
export function githubOidcTrustPolicy(providerArn: string, subjects: RoleSubjects): PolicyDocument {
  const statement = (sid: string, operator: "StringEquals" | "StringLike", values: string[]): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Federated: providerArn },
    Action: WEB_IDENTITY_ACTION,
    Condition:
      operator === "StringEquals"
        ? { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: values } }
        : { StringEquals: { [AUD_KEY]: STS_AUDIENCE }, StringLike: { [SUB_KEY]: values } },
  });
  const statements: PolicyStatement[] = [];
  if (subjects.exact.length > 0) statements.push(statement("GitHubActionsExactSubjects", "StringEquals", subjects.exact));
  if (subjects.wildcard.length > 0) statements.push(statement("GitHubActionsWildcardSubjects", "StringLike", subjects.wildcard));
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
