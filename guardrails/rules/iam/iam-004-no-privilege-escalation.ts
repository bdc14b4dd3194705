import type { Rule } from "../../types";
import { actionCovers, actionsOf, allowStatements, isWildcardPattern, POLICY_RESOURCE_TYPES, resourcesOf } from "./policies";

/** Actions that let a principal give itself (or a role it can pass) more permissions. */
const ESCALATION = /^iam:(Put.*|Attach.*|Create.*Policy.*|CreateRole|UpdateAssumeRolePolicy)$/i;
/** Concrete members of those families, to tell whether a wildcard action (`iam:*`) covers one. */
const ESCALATION_EXAMPLES = [
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutUserPermissionsBoundary",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:CreateRole",
  "iam:UpdateAssumeRolePolicy",
];
/** Harmless on named ARNs, escalation on a wildcard resource. */
const ON_ANY_RESOURCE = ["iam:PassRole", "sts:AssumeRole"];

export const IAM_004: Rule = {
  id: "IAM-004",
  title: "No privilege escalation (iam:Put*/Attach*/Create*Policy*, CreateRole, UpdateAssumeRolePolicy; PassRole or sts:AssumeRole on *)",
  why:
    "A job that can write policies, create roles, change trust, pass any role or assume any role can grant itself administrator access: the narrow permissions around it stop meaning anything.",
  fix:
    "Remove the IAM/STS actions from the policy; roles and policies are created by this template (cdktf deploy), never by the jobs. Pass or assume only named role ARNs.",
  source: "checkov CKV_AWS_286 (privilege escalation); Rhino Security Labs: AWS IAM privilege escalation methods",
  resourceTypes: POLICY_RESOURCE_TYPES,
  check(resource) {
    const problems: string[] = [];
    for (const { label, statement } of allowStatements(resource)) {
      const wildcardResources = resourcesOf(statement).filter(isWildcardPattern);
      for (const action of actionsOf(statement)) {
        const escalates = ESCALATION.test(action) || (isWildcardPattern(action) && ESCALATION_EXAMPLES.some((e) => actionCovers(action, e)));
        if (escalates) problems.push(`${label} allows "${action}", which lets the principal grant itself permissions`);
        const anyResource = ON_ANY_RESOURCE.filter((a) => actionCovers(action, a));
        if (anyResource.length > 0 && wildcardResources.length > 0) {
          problems.push(`${label} allows "${action}" (${anyResource.join(", ")}) on ${wildcardResources.map((r) => `"${r}"`).join(", ")}`);
        }
      }
    }
    return problems.length > 0 ? problems : undefined;
  },
};
