import { RepositoryAccess } from "../../modules/repository-access";
import { onlyResource, resourcesOf, synthJson } from "../helpers/synth";

describe("RepositoryAccess", () => {
  test("one authoritative github_repository_collaborators per repository, users and teams together", () => {
    const json = synthJson(
      (scope) =>
        new RepositoryAccess(scope, "access", {
          repository: "techblue-dev",
          collaborators: [
            { username: "alice", permission: "admin" },
            { username: "bob", permission: "push" },
          ],
          teams: [{ slug: "platform", permission: "maintain" }],
        }),
    );
    const resource = onlyResource(json, "github_repository_collaborators");
    expect(resource.repository).toBe("techblue-dev");
    expect(resource.user).toEqual([
      { username: "alice", permission: "admin" },
      { username: "bob", permission: "push" },
    ]);
    expect(resource.team).toEqual([{ team_id: "platform", permission: "maintain" }]);
    // Never the singular resources: a permission change there removes and re-invites the person.
    expect(resourcesOf(json, "github_repository_collaborator")).toHaveLength(0);
    expect(resourcesOf(json, "github_team_repository")).toHaveLength(0);
  });
});
