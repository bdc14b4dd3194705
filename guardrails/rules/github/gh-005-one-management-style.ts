import type { Rule, SynthResource } from "../../types";
import { ACCESS_TYPES, describe, repositoryKey } from "./common";

export const GH_005: Rule = {
  id: "GH-005",
  title: "One way of managing access per repository: collaborators, collaborator or team_repository, never two",
  why: "the authoritative github_repository_collaborators removes everyone the other resources add (and they add them back): every apply flips access and re-sends invitations",
  fix: "list every person and team of the repository under its collaborators and teams in platform.yaml and remove the other resources",
  source: "terraform-provider-github docs: github_repository_collaborators (conflicts with github_repository_collaborator and github_team_repository)",
  resourceTypes: ACCESS_TYPES,
  check(resource, app) {
    const byRepository = app.memo("GH-005/access-by-repository", () => {
      const map = new Map<string, SynthResource[]>();
      for (const type of ACCESS_TYPES) {
        for (const r of app.ofType(type)) {
          const key = repositoryKey(app, r);
          map.set(key, [...(map.get(key) ?? []), r]);
        }
      }
      return map;
    });
    // Several singular collaborators (one per person) or team_repository (one per team) are one style;
    // two authoritative collaborators resources fight each other like two styles.
    const conflicting = (byRepository.get(repositoryKey(app, resource)) ?? []).filter(
      (other) => other !== resource && (other.type !== resource.type || other.type === "github_repository_collaborators"),
    );
    if (conflicting.length === 0) return undefined;
    return `repository "${resource.config.repository}" is also managed by ${conflicting.map(describe).join(", ")}`;
  },
};
