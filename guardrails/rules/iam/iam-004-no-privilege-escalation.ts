import { actionMatches, isWildcardPattern } from "../../../iam/glob";
import type { Rule } from "../../types";
import { actionsOf, allowStatements, isBoundaryOnly, POLICY_RESOURCE_TYPES, resourcesOf } from "./policies";

/**
 * Actions that let a principal give itself (or a role it can pass, or a user it can become) more
 * permissions: write or attach policies, pick another policy version, drop a boundary, trust
 * itself into a role, or mint credentials and group memberships for a user.
 */
const ESCALATION =
  /^iam:(Put.*|Attach.*|Create.*Policy.*|CreateRole|UpdateAssumeRolePolicy|SetDefaultPolicyVersion|Delete(Role|User)PermissionsBoundary|CreateAccessKey|CreateLoginProfile|UpdateLoginProfile|AddUserToGroup)$/i;
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
  "iam:SetDefaultPolicyVersion",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AddUserToGroup",
];
/** Harmless on named ARNs, escalation on a wildcard resource. */
const ON_ANY_RESOURCE = ["iam:PassRole", "sts:AssumeRole"];

export const IAM_004: Rule = {
  id: "IAM-004",
  title:
    "No privilege escalation (iam:Put*/Attach*/Create*Policy*, SetDefaultPolicyVersion, CreateRole, UpdateAssumeRolePolicy, Delete*PermissionsBoundary, CreateAccessKey, Create/UpdateLoginProfile, AddUserToGroup; PassRole or sts:AssumeRole on wildcards)",
  why:
    "A job that can write policies, switch a policy's version, create roles, change trust, drop a permissions boundary, mint a user's keys or password, add a user to a group, or pass or assume any role (a `*` anywhere in the role ARN) can grant itself administrator access: the narrow permissions around it stop meaning anything.",
  fix:
    "Remove the IAM/STS actions from the policy; roles and policies are created by this template (cdktf deploy), never by the jobs. Pass or assume only named role ARNs (no `*` in them).",
  source: "checkov CKV_AWS_286 (privilege escalation); Rhino Security Labs: AWS IAM privilege escalation methods",
  resourceTypes: POLICY_RESOURCE_TYPES,
  check(resource, app) {
    // A boundary only caps what roles may do: it grants nothing this rule is about.
    if (isBoundaryOnly(app, resource)) return undefined;
    const problems: string[] = [];
    for (const { label, statement } of allowStatements(resource)) {
      const wildcardResources = resourcesOf(statement).filter(isWildcardPattern);
      for (const action of actionsOf(statement)) {
        const escalates = ESCALATION.test(action) || (isWildcardPattern(action) && ESCALATION_EXAMPLES.some((e) => actionMatches(action, e)));
        if (escalates) problems.push(`${label} allows "${action}", which lets the principal grant itself permissions`);
        const anyResource = ON_ANY_RESOURCE.filter((a) => actionMatches(action, a));
        if (anyResource.length > 0 && wildcardResources.length > 0) {
          problems.push(`${label} allows "${action}" (${anyResource.join(", ")}) on ${wildcardResources.map((r) => `"${r}"`).join(", ")}`);
        }
      }
    }
    return problems.length > 0 ? problems : undefined;
  },
};
