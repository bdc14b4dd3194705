import { SUB_KEY } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { entriesFor, githubStatements, label } from "./github-trust";

export const OIDC_013: Rule = {
  id: "OIDC-013",
  title: "A wildcard in the branch, tag or environment part of a subject is an explicit opt-in with a reason",
  why: "release/* also matches release/anything-anyone-pushes: whoever may create such a branch or tag can assume the role",
  fix: "prefer exact names in deployRoles[].allow; a pattern goes under deployRoles[].wildcardSubjects with a reason, which the template records as this rule's suppression",
  source: "terraform-aws-modules iam-github-oidc-role (separate oidc_wildcard_subjects input); GitHub OIDC hardening guide",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    return githubStatements(role).flatMap((s, i) =>
      entriesFor(s, SUB_KEY)
        .filter((e) => e.operator === "StringLike")
        .flatMap((e) => e.values.filter((v) => /[*?]/.test(v)).map((v) => `${label(s, i)} trusts the pattern "${v}"`)),
    );
  },
};
