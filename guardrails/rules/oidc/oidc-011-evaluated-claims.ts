import { OIDC_HOST, STS_GITHUB_CLAIMS } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { conditionEntries, githubStatements, label } from "./github-trust";

// sub and aud are the standard OIDC keys; the rest are the GitHub claims STS maps (policy-document.ts cites AWS's list).
const EVALUATED = new Set<string>(["sub", "aud", "amr", ...STS_GITHUB_CLAIMS]);
const NEGATED = /Not|^Null$/;

export const OIDC_011: Rule = {
  id: "OIDC-011",
  title: "Claims a trust statement pins besides sub and aud are ones AWS STS evaluates",
  why: "STS puts only the GitHub claims it maps (actor, actor_id, job_workflow_ref, repository, repository_id, workflow, ref, environment, enterprise_id) into the request; a condition on any other claim (repository_owner_id, runner_environment, ...) finds no value and is false, so the statement never lets a job in. The pins add to the subject check, they never replace it (OIDC-005 still requires sub).",
  fix: "pin claims through deployRoles[].pinClaims (repositoryId, jobWorkflowRef); for the owner's id use subjectFormat: immutable, whose subject carries it",
  source: "AWS IAM User Guide: Available keys for OIDC federation; AWS What's New 2026-01: AWS STS supports validation of identity provider claims",
  resourceTypes: ["aws_iam_role"],
  severity: "warning",
  check(role) {
    return githubStatements(role).flatMap((s, i) =>
      conditionEntries(s)
        .filter((e) => e.key.startsWith(`${OIDC_HOST}:`) && !NEGATED.test(e.operator.replace(/^For(All|Any)Values:/, "")))
        .filter((e) => !EVALUATED.has(e.key.slice(OIDC_HOST.length + 1)))
        .map((e) => `${label(s, i)} pins ${e.key} with ${e.operator}, a claim AWS STS does not evaluate: the condition is always false`),
    );
  },
};
