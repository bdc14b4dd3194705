import { SUB_KEY } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { entriesFor, githubStatements, label } from "./github-trust";

export const OIDC_008: Rule = {
  id: "OIDC-008",
  title: "Subject values with * or ? sit under StringLike",
  why: "under StringEquals a * is a literal character: no token ever matches, and the role can never be assumed (Not authorized to perform sts:AssumeRoleWithWebIdentity)",
  fix: "move the pattern to deployRoles[].wildcardSubjects (with a reason), which the template writes under StringLike",
  source: "AWS IAM condition operators: string condition operators",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    return githubStatements(role).flatMap((s, i) =>
      entriesFor(s, SUB_KEY)
        .filter((e) => e.operator.startsWith("StringEquals"))
        .flatMap((e) => e.values.filter((v) => /[*?]/.test(v)).map((v) => `${label(s, i)} has "${v}" under ${e.operator}, where * and ? match only themselves`)),
    );
  },
};
