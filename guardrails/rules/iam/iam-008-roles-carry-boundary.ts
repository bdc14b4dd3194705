import type { Rule, SynthResource } from "../../types";
import { isBoundaryOnly, namesPolicy } from "./policies";

export const IAM_008: Rule = {
  id: "IAM-008",
  title: "Every role of a stack with a permissions boundary carries that boundary and lives under its IAM path",
  why:
    "The deploy role may create and change roles only under the template's IAM path and only with its permissions boundary: a role without them cannot be applied from the deploy workflow (AccessDenied), and a role without the boundary is not capped by it, so whoever controls it is not bounded either.",
  fix:
    "Create roles with the template's modules (DeployRole, CodeBuildRunner), which the stacks give aws.iam.path and the boundary; on a role added by hand, set path to aws.iam.path and permissions_boundary to the boundary's ARN.",
  source: "AWS IAM user guide: permissions boundaries for IAM entities (delegating role creation); AWS Service Authorization Reference: iam:PermissionsBoundary",
  resourceTypes: ["aws_iam_role"],
  check(role, app) {
    const boundaries = app.memo(`IAM-008/boundaries:${role.stack}`, () =>
      app.ofType("aws_iam_policy").filter((p) => p.stack === role.stack && isBoundaryOnly(app, p)),
    );
    if (boundaries.length !== 1) return undefined; // no boundary here (or several: nothing to compare with)
    const boundary: SynthResource = boundaries[0];
    const name = String(role.config.name ?? role.name);
    const problems: string[] = [];
    if (!namesPolicy(app, role, role.config.permissions_boundary, boundary)) {
      const has = role.config.permissions_boundary === undefined ? "has no permissions boundary" : `has the permissions boundary "${role.config.permissions_boundary}"`;
      problems.push(`role "${name}" ${has}; the stack's roles carry the aws_iam_policy "${boundary.config.name}"`);
    }
    const expected = typeof boundary.config.path === "string" ? boundary.config.path : "/";
    const path = typeof role.config.path === "string" ? role.config.path : "/";
    if (path !== expected) problems.push(`role "${name}" lives under the IAM path "${path}"; the stack's roles (and its boundary) live under "${expected}"`);
    return problems.length > 0 ? problems : undefined;
  },
};
