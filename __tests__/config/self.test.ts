/**
 * Layer 1 (config): the `self` section (the template's own CI identity) loads with safe defaults,
 * and each way to get it wrong is reported with its path and what to do.
 */
import { EXAMPLE_TEXT } from "../helpers/example";
import { parseConfig } from "../../config/load";
import { configError, edited } from "../helpers/config-errors";
import { withSelf } from "../helpers/self";


const variant = edited;
const errorOf = (text: string): string => configError(text).message;

describe("self", () => {
  test("defaults: legacy subjects, main, the production environment, descriptive role names", () => {
    const config = parseConfig(variant((d) => withSelf(d)));
    expect(config.self).toEqual({
      repository: "platform-infra",
      subjectFormat: "legacy",
      defaultBranch: "main",
      environment: "production",
      reviewers: { users: [1234567], teams: [] },
      planRoleName: "github-actions-platform-plan",
      deployRoleName: "github-actions-platform-deploy",
      pinClaims: { repositoryId: false, jobWorkflowRef: false },
      planApp: { appId: 111111, installationId: 22222222 },
      deployApp: { appId: 333333, installationId: 44444444 },
    });
  });

  test("is optional: the shipped example has none", () => {
    expect(parseConfig(EXAMPLE_TEXT).self).toBeUndefined();
  });

  test.each<[string, (d: any) => void, RegExp]>([
    [
      "without a state backend",
      (d) => {
        withSelf(d);
        delete d.aws.stateBackend;
      },
      /self: needs aws\.stateBackend: the plan and deploy workflows run on fresh checkouts/,
    ],
    ["same plan and deploy role", (d) => withSelf(d, { planRoleName: "ci", deployRoleName: "ci" }), /self\.deployRoleName: must differ from self\.planRoleName/],
    [
      "a role name already used by a deploy role",
      (d) => withSelf(d, { deployRoleName: "techblue-dev-ecr-push" }),
      /self\.deployRoleName: "techblue-dev-ecr-push" is already a deploy role at repositories\[0\]\.deployRoles\[0\]\.name/,
    ],
    ["immutable subjects without ids", (d) => withSelf(d, { subjectFormat: "immutable" }), /self\.id: required because subjectFormat is immutable.*gh api repos\/Test-User\/platform-infra/],
    ["a missing GitHub App", (d) => withSelf(d, { deployApp: undefined }), /self\.deployApp/],
    ["an App id as a string", (d) => withSelf(d, { planApp: { appId: "111", installationId: 1 } }), /self\.planApp\.appId: must be the numeric GitHub App id/],
    ["reviewers by name instead of id", (d) => withSelf(d, { reviewers: { users: ["alice"] } }), /self\.reviewers\.users\[0\]: must be the numeric user id/],
    ["an environment pattern", (d) => withSelf(d, { environment: "prod*" }), /self\.environment: exact environment names cannot contain/],
    [
      "the self repository also managed, with another subject format",
      (d) => {
        withSelf(d, { repository: "techblue-dev", subjectFormat: "both", id: 42 });
        d.github.ownerId = 7;
      },
      /self\.subjectFormat: techblue-dev is also repositories\[0\]: give both the same subjectFormat and id/,
    ],
    [
      "a repository variable the template sets for its own workflows",
      (d) => {
        withSelf(d, { repository: "techblue-dev" });
        d.repositories[0].variables = { PLATFORM_PLAN_ROLE_ARN: "x" };
      },
      /repositories\[0\]\.variables\.PLATFORM_PLAN_ROLE_ARN: "PLATFORM_PLAN_ROLE_ARN" is set by the template for its own workflows/,
    ],
  ])("rejects %s", (_name, edit, message) => {
    expect(errorOf(variant(edit))).toMatch(message);
  });
});

describe("self as a public repository of the config", () => {
  // The plan role trusts the self repository's pull_request subject: on a public repository that
  // is every pull request, a fork's included (OIDC-014), so it needs the opt-in by name.
  const publicSelf = (optIn?: string) =>
    variant((d) => {
      withSelf(d);
      d.repositories.push({ name: "platform-infra", visibility: "public", ...(optIn ? { publicRepositoryOptIns: { pullRequestTrust: optIn } } : {}) });
    });

  test("without publicRepositoryOptIns.pullRequestTrust: refused, naming the plan role's pull_request trust", () => {
    expect(errorOf(publicSelf())).toContain(
      "repositories[1].visibility: platform-infra is public and it is the self repository, whose plan role trusts pull_request",
    );
  });

  test("with it: accepted", () => {
    expect(parseConfig(publicSelf("plans are read-only; fork pull requests get no id-token")).repositories[1].visibility).toBe("public");
  });
});
