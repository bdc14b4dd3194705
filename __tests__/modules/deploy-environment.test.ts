import { DeployEnvironment } from "../../modules/deploy-environment";
import { onlyResource, resourcesOf, synthJson } from "../helpers/synth";

describe("DeployEnvironment", () => {
  test("custom branch and tag policies, reviewers, no admin bypass, no self-review by default", () => {
    // GIVEN / WHEN
    const json = synthJson(
      (scope) =>
        new DeployEnvironment(scope, "env", {
          repository: "app",
          environment: "production",
          branches: ["main", "release/*"],
          tags: ["v*"],
          reviewers: { users: [1], teams: [2] },
        }),
    );
    // THEN
    expect(onlyResource(json, "github_repository_environment")).toMatchObject({
      repository: "app",
      environment: "production",
      prevent_self_review: true,
      can_admins_bypass: false,
      reviewers: [{ users: [1], teams: [2] }],
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    const policies = resourcesOf(json, "github_repository_environment_deployment_policy");
    expect(policies.map((p) => `${p.branch_pattern ?? "-"} ${p.tag_pattern ?? "-"}`).sort()).toEqual(["- v*", "main -", "release/* -"]);
    for (const p of policies) expect(p.environment).toMatch(/^\$\{github_repository_environment\.env_Environment_\w+\.environment\}$/);
    expect(resourcesOf(json, "github_actions_environment_variable")).toEqual([]);
  });

  test("self-review can be allowed explicitly; no reviewers means no reviewers block", () => {
    const json = synthJson(
      (scope) =>
        new DeployEnvironment(scope, "env", { repository: "app", environment: "staging", branches: ["main"], reviewers: { users: [], teams: [] }, preventSelfReview: false }),
    );
    const env = onlyResource(json, "github_repository_environment");
    expect(env.prevent_self_review).toBe(false);
    expect(env.can_admins_bypass).toBe(false);
    expect(env.reviewers).toBeUndefined();
  });

  test("an environment no ref may enter is a mistake", () => {
    expect(() =>
      synthJson((scope) => new DeployEnvironment(scope, "env", { repository: "app", environment: "x", branches: [], tags: [], reviewers: { users: [], teams: [] } })),
    ).toThrow("DeployEnvironment app/x: give at least one branch or tag");
  });
});
