import { AUD_KEY, STS_AUDIENCE } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { entriesFor, githubStatements, label } from "./github-trust";

export const OIDC_004: Rule = {
  id: "OIDC-004",
  title: "GitHub trust statements pin the audience with StringEquals aud = sts.amazonaws.com",
  why: "without the audience pin, a token GitHub minted for another cloud or service is accepted too",
  fix: "keep the audience condition the DeployRole module writes; configure-aws-credentials sends sts.amazonaws.com by default",
  source: "GitHub docs: Configuring OpenID Connect in AWS (audience); AWS IAM OIDC condition keys",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    return githubStatements(role).flatMap((s, i) => {
      const aud = entriesFor(s, AUD_KEY);
      const pinned = aud.some((e) => e.operator === "StringEquals" && e.values.length === 1 && e.values[0] === STS_AUDIENCE);
      if (!pinned) return [`${label(s, i)} does not pin ${AUD_KEY} with StringEquals "${STS_AUDIENCE}" (found: ${JSON.stringify(aud)})`];
      const loose = aud.filter((e) => !(e.operator === "StringEquals" && e.values.every((v) => v === STS_AUDIENCE)));
      return loose.map((e) => `${label(s, i)} also matches ${AUD_KEY} with ${e.operator} ${JSON.stringify(e.values)}`);
    });
  },
};
