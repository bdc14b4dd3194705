import type { Rule } from "../../types";

export const GH_006: Rule = {
  id: "GH-006",
  title: "Collaborators are managed with the authoritative github_repository_collaborators, not the singular resource",
  why: "a permission change replaces github_repository_collaborator: the person is removed from the repository and must accept a new invitation (which expires after 7 days) before they can work again",
  fix: "list the person under the repository's collaborators in platform.yaml (one github_repository_collaborators per repository); it updates permissions in place",
  source: "terraform-provider-github docs: github_repository_collaborator (permission forces replacement), github_repository_collaborators",
  resourceTypes: ["github_repository_collaborator"],
  check(resource) {
    return `user ${JSON.stringify(resource.config.username)} on repository ${JSON.stringify(resource.config.repository)} is managed with the singular github_repository_collaborator`;
  },
};
