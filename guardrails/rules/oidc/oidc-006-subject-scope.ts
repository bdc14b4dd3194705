import { isIssuableSubject, parseSubject, SUB_KEY } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { entriesFor, githubStatements, label } from "./github-trust";

export const OIDC_006: Rule = {
  id: "OIDC-006",
  title: "Every trusted subject names one repository and a branch, tag, environment or pull_request",
  why: "repo:org/*, repo:org/repo:* or * let any repository, branch or pull request (including forks) assume the role; checkov passes these and AWS only refuses a policy with no sub at all",
  fix: "trust exact subjects through deployRoles[].allow; put branch or tag patterns under wildcardSubjects with a reason (the repository part is always exact)",
  source: "GitHub docs: OIDC subject claims; checkov CKV_AWS_358 (weaker: it passes repo:org/* and repo:org/repo:*)",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    return githubStatements(role).flatMap((s, i) =>
      entriesFor(s, SUB_KEY).flatMap((e) =>
        e.values.flatMap((value) => {
          const parts = parseSubject(value);
          // A wildcard in the owner or repository is no GitHub name: it lands here too.
          if (!parts || !isIssuableSubject(parts)) return [`${label(s, i)} trusts subject "${value}", which is not repo:<owner>/<repo>:<ref:refs/heads/B | ref:refs/tags/T | environment:E | pull_request>`];
          return [];
        }),
      ),
    );
  },
};
