import { asArray } from "../../support";
import type { Rule } from "../../types";

const IDENTITY_CLAIMS = new Set(["repo", "repository", "repository_id", "job_workflow_ref", "repository_owner_id"]);

export const OIDC_007: Rule = {
  id: "OIDC-007",
  title: "Customised subject templates start with a claim that identifies the repository or workflow",
  why: "a subject of environment:prod alone is issued to any repository with an environment named prod, so every such repository could assume the role",
  fix: "put repo (or repository_id, job_workflow_ref) first in include_claim_keys, or keep GitHub's default template",
  source: "GitHub docs: Customizing the subject claims for an organization or repository",
  resourceTypes: [
    "github_actions_repository_oidc_subject_claim_customization_template",
    "github_actions_organization_oidc_subject_claim_customization_template",
  ],
  check(resource) {
    if (resource.config.use_default === true) return undefined;
    const keys = asArray(resource.config.include_claim_keys).map(String);
    if (keys.length === 0) return "include_claim_keys is empty";
    return IDENTITY_CLAIMS.has(keys[0]) ? undefined : `include_claim_keys starts with "${keys[0]}", which does not identify a repository or workflow`;
  },
};
