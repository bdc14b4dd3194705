/**
 * Layer 1 (config): repositories[].environments. An environment a deploy role trusts, or a
 * workflow job enters, must be one the config manages: GitHub creates a missing one on first use
 * with no protection (issue 9 §5). The errors give the path, the line and the YAML to add.
 */
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { EXAMPLE_TEXT } from "../helpers/example";
import { configError, edited } from "../helpers/config-errors";
import { withSelf } from "../helpers/self";

const variant = edited;
const errorOf = (text: string): string => configError(text).message;

const trustProduction = (d: any) => d.repositories[0].deployRoles[0].allow.environments = ["production"];

describe("repositories[].environments", () => {
  test("defaults: none; an entry gets no branches or tags of its own, no reviewers, self-review prevented", () => {
    expect(parseConfig(EXAMPLE_TEXT).repositories[0].environments).toEqual([]);
    const config = parseConfig(variant((d) => (d.repositories[0].environments = [{ name: "production" }])));
    expect(config.repositories[0].environments).toEqual([
      { name: "production", branches: [], tags: [], reviewers: { users: [], teams: [] }, preventSelfReview: true },
    ]);
  });

  test("a role trusting an environment the config does not manage fails, with path, line and the YAML to add", () => {
    const text = variant(trustProduction);
    const line = text.split("\n").findIndex((l) => l.includes("- production")) + 1;
    const message = errorOf(text);
    expect(message).toContain(
      `platform.yaml:${line} repositories[0].deployRoles[0].allow.environments[0]: role "techblue-dev-ecr-push" trusts environment "production", which this config does not manage: GitHub creates it on first use with no protection`,
    );
    expect(message).toContain(
      "add it to repositories[0] (techblue-dev): environments: [{ name: production, branches: [main], reviewers: { users: [<user id>], teams: [<team id>] } }]",
    );
  });

  test("the YAML the error suggests makes the config valid", () => {
    const fixed = variant((d) => {
      trustProduction(d);
      // What the message says to add, with a real reviewer id.
      d.repositories[0].environments = parse("[{ name: production, branches: [main], reviewers: { users: [1234567], teams: [] } }]");
    });
    expect(parseConfig(fixed).repositories[0].environments[0]).toMatchObject({ name: "production", branches: ["main"], reviewers: { users: [1234567] } });
  });

  test("a workflow job entering an unmanaged environment fails too", () => {
    const message = errorOf(
      variant((d) => {
        trustProduction(d);
        d.repositories[0].environments = [{ name: "production" }];
        d.repositories[0].workflows[0].environment = "staging";
      }),
    );
    expect(message).toMatch(/repositories\[0\]\.workflows\[0\]\.environment: the workflow's job enters environment "staging", which this config does not manage/);
    expect(message).not.toMatch(/allow\.environments/);
  });

  test("an environment pattern in wildcardSubjects is refused: a matching environment can be created by anyone who can push", () => {
    const message = errorOf(
      variant((d) => {
        d.repositories[0].deployRoles[0].wildcardSubjects = [{ pattern: "environment:prod-*", reason: "every production region has one" }];
      }),
    );
    expect(message).toMatch(/repositories\[0\]\.deployRoles\[0\]\.wildcardSubjects\[0\]\.pattern: an environment pattern trusts environments nobody manages/);
  });

  test("names are compared ignoring case, as GitHub does; duplicates are refused", () => {
    expect(() =>
      parseConfig(variant((d) => {
        trustProduction(d);
        d.repositories[0].environments = [{ name: "Production" }];
      })),
    ).not.toThrow();
    expect(errorOf(variant((d) => (d.repositories[0].environments = [{ name: "prod" }, { name: "PROD" }])))).toMatch(
      /repositories\[0\]\.environments\[1\]\.name: duplicate environment "PROD"/,
    );
  });

  test("a pattern listed twice is refused (one policy per pattern)", () => {
    expect(errorOf(variant((d) => (d.repositories[0].environments = [{ name: "prod", branches: ["main", "release/*", "main"] }])))).toMatch(
      /repositories\[0\]\.environments\[0\]\.branches\[2\]: duplicate branch pattern "main"/,
    );
  });

  test.each([
    ["a Terraform template in a branch pattern", { name: "p", branches: ["release/${file(\"/etc/passwd\")}"] }, /branches\[0\]: contains "\$\{", which Terraform would evaluate as an expression/],
    ["a directive in a tag pattern", { name: "p", tags: ["v%{ for x in y }"] }, /tags\[0\]: contains "%\{", which Terraform would evaluate/],
    ["a reviewer by login instead of id", { name: "p", reviewers: { users: ["alice"] } }, /reviewers\.users\[0\]: must be the numeric user id/],
    ["admin bypass (not configurable)", { name: "p", canAdminsBypass: true }, /environments\[0\]: unknown key "canAdminsBypass"|canAdminsBypass/],
    ["a pattern as the name", { name: "prod*" }, /environments\[0\]\.name: exact environment names cannot contain/],
    ["a Terraform template as the name", { name: "prod${path.cwd}" }, /environments\[0\]\.name: contains "\$\{", which Terraform would evaluate as an expression/],
  ])("%s is refused", (_what, env, expected) => {
    expect(errorOf(variant((d) => (d.repositories[0].environments = [env])))).toMatch(expected);
  });

  test("self.environment is the template's own: listing it again on the self repository is refused", () => {
    const message = errorOf(
      variant((d) => {
        withSelf(d, { repository: "techblue-dev" });
        d.repositories[0].environments = [{ name: "production" }];
      }),
    );
    expect(message).toMatch(/repositories\[0\]\.environments\[0\]\.name: "production" is self\.environment, which the template already manages/);
  });

  test("on the self repository, a role may trust self.environment without listing it", () => {
    expect(() =>
      parseConfig(variant((d) => {
        withSelf(d, { repository: "techblue-dev" });
        trustProduction(d);
      })),
    ).not.toThrow();
  });
});

describe("the self repository's own workflow files", () => {
  test.each(["plan.yml", "deploy.yml", "ci.yml", "Deploy.yml"])("a workflow file %s on self.repository is refused", (file) => {
    const message = errorOf(
      variant((d) => {
        withSelf(d, { repository: "techblue-dev" });
        d.repositories[0].workflows[0].file = file;
      }),
    );
    expect(message).toContain(
      `repositories[0].workflows[0].file: techblue-dev is self.repository: .github/workflows/${file} would overwrite the template's own ${file.toLowerCase()}`,
    );
  });

  test("the same names on other repositories are theirs", () => {
    expect(() => parseConfig(variant((d) => {
      withSelf(d);
      d.repositories[0].workflows[0].file = "deploy.yml";
    }))).not.toThrow();
  });
});

describe("App token scope", () => {
  test("more than 500 repositories with self is an error, never a token for the whole installation", () => {
    const message = errorOf(
      variant((d) => {
        withSelf(d);
        for (let i = 0; i < 500; i++) d.repositories.push({ name: `app-${i}` });
      }),
    );
    expect(message).toMatch(/repositories: 502 repositories: the plan and deploy workflows mint App tokens .* at most 500 .* never used instead/);
  });
});
