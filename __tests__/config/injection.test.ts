/**
 * Issue 9 at the config edge: identifiers (names, branches, tags, environments, images, ARNs)
 * refuse what Terraform would evaluate and what is not printable ASCII, with the config path, the
 * line and the code point; free text is accepted (and escaped where it becomes a Terraform string:
 * __tests__/terraform/injection.test.ts).
 */
import { parse, stringify } from "yaml";
import { ConfigError, parseConfig } from "../../config/load";
import { EXAMPLE_TEXT } from "../helpers/example";
import { ATTACKS } from "../helpers/injection";

const ZERO_WIDTH = "main\u200b";

function problems(edit: (doc: any) => void): string[] {
  const doc = parse(EXAMPLE_TEXT);
  edit(doc);
  try {
    parseConfig(stringify(doc));
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n").slice(1, -1);
    throw e;
  }
  return [];
}

const repo = (doc: any) => doc.repositories[0];
const role = (doc: any) => repo(doc).deployRoles[0];
const workflow = (doc: any) => repo(doc).workflows[0];
const withSelf = (doc: any) => {
  doc.aws.stateBackend = { bucket: "my-state-bucket" };
  doc.self = { repository: "platform-infra", planApp: { appId: 1, installationId: 2 }, deployApp: { appId: 3, installationId: 4 } };
  return doc.self;
};

/** Identifier fields: where they are, and how to put a value there. */
const IDENTIFIER_SINKS: readonly [string, (doc: any, v: string) => void][] = [
  ["repositories[0].deployRoles[0].allow.branches[0]", (d, v) => (role(d).allow.branches = [v])],
  ["repositories[0].deployRoles[0].allow.tags[0]", (d, v) => (role(d).allow.tags = [v])],
  ["repositories[0].deployRoles[0].allow.environments[0]", (d, v) => (role(d).allow.environments = [v])],
  ["repositories[0].deployRoles[0].wildcardSubjects[0].pattern", (d, v) => (role(d).wildcardSubjects = [{ pattern: `ref:refs/heads/r${v}*`, reason: "release branches are protected" }])],
  ["repositories[0].defaultBranch", (d, v) => (repo(d).defaultBranch = v)],
  ["repositories[0].runner.image", (d, v) => (repo(d).runner.image = v)],
  ["repositories[0].ecrRepositories[0].encryption.kmsKeyArn", (d, v) => (repo(d).ecrRepositories[0].encryption = { kmsKeyArn: `arn:aws:kms:ap-northeast-1:000123456789:key/${v}` })],
  ["repositories[0].workflows[0].on.branches[0]", (d, v) => (workflow(d).on.branches = [v])],
  ["repositories[0].workflows[0].on.tags[0]", (d, v) => (workflow(d).on.tags = [v])],
  ["repositories[0].workflows[0].environment", (d, v) => (workflow(d).environment = v)],
  ["self.defaultBranch", (d, v) => (withSelf(d).defaultBranch = v)],
  ["self.environment", (d, v) => (withSelf(d).environment = v)],
  // Names with their own patterns refuse them as well.
  ["repositories[0].name", (d, v) => (repo(d).name = v)],
  ["repositories[0].deployRoles[0].name", (d, v) => (role(d).name = v)],
  ["repositories[0].ecrRepositories[0].name", (d, v) => (repo(d).ecrRepositories[0].name = v)],
  ["repositories[0].runner.projectName", (d, v) => (repo(d).runner.projectName = v)],
  ["repositories[0].collaborators[0].username", (d, v) => (repo(d).collaborators[0].username = v)],
  ["repositories[0].workflows[0].file", (d, v) => (workflow(d).file = `${v}.yml`)],
  ["codeConnection.name", (d, v) => (d.codeConnection.name = v)],
  ["github.owner", (d, v) => (d.github.owner = v)],
  ["self.planRoleName", (d, v) => (withSelf(d).planRoleName = v)],
  ["self.deployRoleName", (d, v) => (withSelf(d).deployRoleName = v)],
];

describe("identifiers refuse what Terraform would evaluate", () => {
  const cases = IDENTIFIER_SINKS.flatMap(([path, set]) =>
    [...Object.entries(ATTACKS), ["zeroWidth", ZERO_WIDTH] as const].map(([name, value]) => [path, name, value, set] as const),
  );

  test.each(cases)("%s refuses %s", (path, _name, value, set) => {
    const found = problems((d) => set(d, value));
    // The problem names the field; cross-references may add follow-on problems elsewhere.
    expect(found.some((p) => p.includes(` ${path}: `))).toBe(true);
    expect(found.every((p) => /^ {2}platform\.yaml:\d+ /.test(p))).toBe(true);
  });

  test("a ${ in a branch says what Terraform would do with it and what to write instead", () => {
    const [problem] = problems((d) => (role(d).allow.branches = [ATTACKS.spliceDescription]));
    expect(problem).toMatch(/^ {2}platform\.yaml:\d+ repositories\[0\]\.deployRoles\[0\]\.allow\.branches\[0\]: contains "\$\{", which Terraform would evaluate as an expression/);
    expect(problem).toContain("write the name itself");
  });

  test("a %{ in an environment is named as a directive", () => {
    const [problem] = problems((d) => (role(d).allow.environments = [ATTACKS.directive]));
    expect(problem).toContain('contains "%{", which Terraform would evaluate as a template directive');
  });

  test.each([
    ["U+200B", "main\u200b", "an invisible (format or space) character"],
    ["U+00A0", "main\u00a0", "an invisible (format or space) character"],
    ["U+202E", "main\u202e", "an invisible (format or space) character"],
    ["U+0000", "main\u0000", "a control character"],
    ["U+0430", "m\u0430in", "a non-ASCII character"],
  ])("a branch with %s is refused with its code point", (code, value, kind) => {
    const [problem] = problems((d) => (role(d).allow.branches = ["main", value]));
    expect(problem).toContain("repositories[0].deployRoles[0].allow.branches[1]: contains");
    expect(problem).toContain(`${code}, ${kind}: only printable ASCII is allowed here`);
  });

  test("self.defaultBranch ${base64decode(\"Kg==\")} (the deploy environment's branch policy) is refused", () => {
    const found = problems((d) => (withSelf(d).defaultBranch = ATTACKS.anyBranch));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/ self\.defaultBranch: contains "\$\{"/);
  });
});

describe("free text is accepted as text", () => {
  test.each(Object.entries(ATTACKS))("%s in a description, a variable value and a workflow name", (_name, value) => {
    expect(
      problems((d) => {
        role(d).description = value;
        repo(d).variables = { NOTE: value };
        workflow(d).name = value;
      }),
    ).toEqual([]);
  });

  test("no string anywhere may carry cdktf's token marker (cdktf would resolve it to one of its own expressions)", () => {
    const found = problems((d) => {
      role(d).description = "before ${TfToken[TOKEN.12]} after";
      repo(d).variables = { NOTE: "#{TfToken[TOKEN.3]}" };
    });
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/platform\.yaml:\d+ repositories\[0\]\.variables\.NOTE: contains "TfToken\["/),
        expect.stringMatching(/platform\.yaml:\d+ repositories\[0\]\.deployRoles\[0\]\.description: contains "TfToken\[", the marker of cdktf's internal tokens/),
      ]),
    );
  });
});
