/**
 * Layer 3 (stacks): every environment a deploy role trusts is managed by the GitHub stack, with
 * its ref policy and reviewers, so the role's `environment:<name>` subject is only presented by
 * runs that passed those rules (issue 9 §5).
 */
import { ConfigError } from "../../config/load";
import { examplePlatform } from "../guardrails/helpers";
import { withSelf } from "../helpers/self";
import { resourcesOf, synthStack } from "../helpers/synth";

describe("repository environments in the GitHub stack", () => {
  test("the issue as reported: a role trusting environment:production with no environment does not synthesize", () => {
    expect(() => examplePlatform((d) => (d.repositories[0].deployRoles[0].allow.environments = ["production"]))).toThrow(ConfigError);
  });

  test("a trusted environment is created with its policies and reviewers; the default policy is the default branch", () => {
    const { platform } = examplePlatform((d) => {
      d.repositories[0].deployRoles[0].allow.environments = ["production", "staging"];
      d.repositories[0].environments = [
        { name: "production", tags: ["v*"], branches: ["main"], reviewers: { users: [1234567], teams: [89] } },
        { name: "staging", preventSelfReview: false },
      ];
    });
    const github = synthStack(platform.github);
    const envs = resourcesOf(github, "github_repository_environment");
    expect(envs.map((e) => [e.repository, e.environment, e.prevent_self_review, e.can_admins_bypass, e.reviewers]).sort()).toEqual([
      ["techblue-dev", "production", true, false, [{ users: [1234567], teams: [89] }]],
      ["techblue-dev", "staging", false, false, undefined],
    ]);
    for (const e of envs) expect(e.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
    const policies = resourcesOf(github, "github_repository_environment_deployment_policy");
    const byEnv = (name: string) =>
      policies
        .filter((p) => p.environment.includes(`Environment-techblue-dev${name}_Environment_`))
        .map((p) => p.branch_pattern ?? `tag ${p.tag_pattern}`)
        .sort();
    expect(policies).toHaveLength(3);
    expect(byEnv("production")).toEqual(["main", "tag v*"]);
    expect(byEnv("staging")).toEqual(["main"]);
  });

  test("the self environment and a repository's environments live side by side", () => {
    const { platform } = examplePlatform((d) => {
      withSelf(d);
      d.repositories[0].workflows[0].environment = "production";
      d.repositories[0].deployRoles[0].allow.environments = ["production"];
      d.repositories[0].environments = [{ name: "production", reviewers: { users: [42] } }];
    });
    const envs = resourcesOf(synthStack(platform.github), "github_repository_environment");
    expect(envs.map((e) => `${e.repository}/${e.environment}`).sort()).toEqual(["platform-infra/production", "techblue-dev/production"]);
  });
});
