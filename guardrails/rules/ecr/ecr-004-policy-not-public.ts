import { parsePolicy } from "../../../iam/parse";
import type { Statement } from "../../../iam/policy";
import { asArray } from "../../support";
import type { Rule } from "../../types";

/** Condition keys that restrict who the caller can be (or where from). */
const RESTRICTING_KEYS = new Set(
  [
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
  ].map((k) => k.toLowerCase()),
);
/** Operators that hold only when the key is present and matches (not IfExists, not negated, not ForAllValues). */
const POSITIVE = /^(ForAnyValue:)?(StringEquals|StringLike|StringEqualsIgnoreCase|ArnEquals|ArnLike|IpAddress)$/;

function isEveryone(statement: Statement): boolean {
  const p = statement.Principal;
  if (p === "*") return true;
  if (typeof p === "object" && p !== null && !Array.isArray(p)) return asArray(p.AWS as string | string[]).includes("*");
  return false;
}

function restricted(statement: Statement): boolean {
  return Object.entries(statement.Condition ?? {}).some(
    ([op, keys]) =>
      POSITIVE.test(op) &&
      Object.entries(keys).some(([k, v]) => RESTRICTING_KEYS.has(k.toLowerCase()) && asArray(v).length > 0 && !asArray(v).includes("*")),
  );
}

export const ECR_004: Rule = {
  id: "ECR-004",
  title: "ECR repository policies are never public",
  why:
    'An Allow for Principal "*" (or {"AWS": "*"}) without a condition pinning the account or organisation lets any AWS account pull, and with push actions overwrite, the images.',
  fix: "Name the accounts or roles in Principal, or add a StringEquals aws:PrincipalOrgID / aws:PrincipalAccount condition.",
  source: "AWS ECR user guide: repository policies; checkov CKV_AWS_32",
  resourceTypes: ["aws_ecr_repository_policy"],
  check(resource) {
    const doc = parsePolicy(resource.config.policy);
    if (doc === undefined) return "policy is not a literal policy document the guardrails can read";
    const problems: string[] = [];
    doc.Statement.forEach((s, i) => {
      if (s.Effect !== "Allow") return;
      const label = `statement ${s.Sid ? `"${s.Sid}"` : `#${i + 1}`}`;
      if (s.NotPrincipal !== undefined) problems.push(`${label} allows everyone except NotPrincipal ${JSON.stringify(s.NotPrincipal)}`);
      else if (isEveryone(s) && !restricted(s)) {
        problems.push(`${label} allows Principal ${JSON.stringify(s.Principal)} without a condition restricting the account or organisation`);
      }
    });
    return problems.length > 0 ? problems : undefined;
  },
};
