import { asArray, isReference } from "../../support";
import type { Rule, SynthResource } from "../../types";

const PERMISSIONS = ["pull", "triage", "push", "maintain", "admin"];
// The words the GitHub UI uses: the API answers with the provider's word, so Terraform sees a change on every plan.
const UI_WORDS: Readonly<Record<string, string>> = { read: "pull", write: "push" };

/** Who gets which permission, as `[label, permission]`; an omitted permission takes the provider default. */
function grants(resource: SynthResource): [string, unknown][] {
  const c = resource.config;
  switch (resource.type) {
    case "github_repository_collaborators":
      return [
        ...asArray<any>(c.user).map((u): [string, unknown] => [`user "${u?.username}"`, u?.permission]),
        ...asArray<any>(c.team).map((t): [string, unknown] => [`team "${t?.team_id}"`, t?.permission]),
      ];
    case "github_repository_collaborator":
      return [[`user "${c.username}"`, c.permission]];
    default:
      return [[`team "${c.team_id}"`, c.permission]];
  }
}

export const GH_004: Rule = {
  id: "GH-004",
  title: "Repository permissions use the API's words: pull, triage, push, maintain or admin",
  why: "GitHub reports read as pull and write as push: a config that says read/write shows a change on every plan; other words fail the apply (organisation custom roles are not used by this template)",
  fix: "in platform.yaml write read/write/triage/maintain/admin (the template maps read -> pull, write -> push); in hand-written resources use the API words",
  source: "terraform-provider-github: github_repository_collaborators, github_team_repository (permission)",
  resourceTypes: ["github_repository_collaborators", "github_repository_collaborator", "github_team_repository"],
  check(resource) {
    return grants(resource).flatMap(([who, permission]) => {
      // Omitted: the provider's default (push / pull) is valid; a reference is known only at apply.
      if (permission === undefined || isReference(permission) || PERMISSIONS.includes(permission as string)) return [];
      const mapped = UI_WORDS[String(permission)];
      const hint = mapped ? `GitHub reports it as "${mapped}", so every plan shows a change` : `not a repository permission`;
      return [`${who} has permission ${JSON.stringify(permission)}: ${hint} (allowed: ${PERMISSIONS.join(", ")})`];
    });
  },
};
