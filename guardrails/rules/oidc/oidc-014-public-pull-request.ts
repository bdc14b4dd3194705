import { SUB_KEY } from "../../../domain/oidc";
import { globMatch } from "../../../iam/glob";
import type { Rule } from "../../types";
import { isPublic } from "../codebuild/public";
import { entriesFor, githubStatements, label } from "./github-trust";

/** repo:OWNER(@ID)?/REPO(@ID)?:SUFFIX, with the suffix possibly a pattern. */
const SUBJECT_PARTS = /^repo:([A-Za-z0-9-]+)(?:@\d+)?\/([A-Za-z0-9._-]+)(?:@\d+)?:(.+)$/;

export const OIDC_014: Rule = {
  id: "OIDC-014",
  title: "Roles do not trust the pull_request subject of a public repository",
  why:
    "Every pull request run gets the subject repo:<owner>/<repo>:pull_request, whoever opened it: on a public repository that is anyone with a fork, so the role is one workflow edit in a stranger's pull request away (GitHub withholds id-token from most fork runs, but approval settings, pull_request_target and maintainers re-running them decide that, not the trust policy).",
  fix: "Remove allow.pullRequest from the role of the public repository (trust branches, tags or a protected environment instead), or accept it with publicRepositoryOptIns.pullRequestTrust and a reason.",
  source: "GitHub docs: OIDC subject claims (pull_request), Approving workflow runs from forks; README: Threat model (public repository pull requests)",
  resourceTypes: ["aws_iam_role"],
  check(role, app) {
    return githubStatements(role).flatMap((s, i) =>
      entriesFor(s, SUB_KEY)
        .filter((e) => e.operator === "StringEquals" || e.operator === "StringLike")
        .flatMap((e) =>
          e.values.filter((v) => {
            const m = SUBJECT_PARTS.exec(v);
            if (!m || !isPublic(app, m[1], m[2])) return false;
            return e.operator === "StringLike" ? globMatch(m[3], "pull_request") : m[3] === "pull_request";
          }),
        )
        .map((v) => `${label(s, i)} trusts "${v}" of a public repository`),
    );
  },
};
