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
          ignoreTeams: [],
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

  test("ignored teams become ignore_team blocks; without any, the block is left out", () => {
    // GIVEN a team granted at organisation level that the access list must leave alone
    const json = synthJson((scope) => {
      new RepositoryAccess(scope, "with", {
        repository: "app",
        collaborators: [{ username: "alice", permission: "admin" }],
        ignoreTeams: ["security-managers"],
        teams: [],
      });
      new RepositoryAccess(scope, "without", { repository: "web", collaborators: [{ username: "alice", permission: "admin" }], ignoreTeams: [], teams: [] });
    });
    // THEN the provider skips it when it reads access (listTeams drops ignore_team ids)
    const [withIgnored, withoutIgnored] = resourcesOf(json, "github_repository_collaborators");
    expect(withIgnored.ignore_team).toEqual([{ team_id: "security-managers" }]);
    expect(withoutIgnored).not.toHaveProperty("ignore_team");
  });
});
