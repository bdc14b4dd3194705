import { SUB_KEY } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { entriesFor, githubStatements, label } from "./github-trust";

const SAFE = new Set(["StringEquals", "StringLike"]);

export const OIDC_005: Rule = {
  id: "OIDC-005",
  title: "GitHub trust statements check the subject, with StringEquals or StringLike only",
  why: "without a sub condition any repository on GitHub can assume the role; ForAllValues:* is true when the claim is absent, *IfExists skips a missing claim, and StringNot* trusts everything not listed",
  fix: "list the branches, tags or environments in deployRoles[].allow (exact) or wildcardSubjects (StringLike, with a reason)",
  source: "AWS IAM condition operators (ForAllValues, IfExists); GitHub OIDC hardening guide",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    return githubStatements(role).flatMap((s, i) => {
      const sub = entriesFor(s, SUB_KEY);
      if (sub.length === 0) return [`${label(s, i)} has no ${SUB_KEY} condition: every repository on GitHub could assume the role`];
      return sub.filter((e) => !SAFE.has(e.operator)).map((e) => `${label(s, i)} tests ${SUB_KEY} with ${e.operator}`);
    });
  },
};
