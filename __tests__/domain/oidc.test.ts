/**
 * domain/oidc.ts: the claim keys and the subjects GitHub sends, checked against the strings GitHub
 * documents (https://docs.github.com/en/actions/reference/security/oidc), written out in full:
 * the trust policies and OIDC-009's predictions are both built from these functions.
 */
import {
  AUD_KEY,
  claimKey,
  isClaimKey,
  isIssuableSubject,
  OIDC_URL,
  parseSubject,
  STS_AUDIENCE,
  SUB_KEY,
  subject,
  subjectContext,
  subjectForms,
  subjectPrefix,
  subjectRepository,
} from "../../domain/oidc";

const REPO = { owner: "octo-org", ownerId: 1234, repository: "octo-repo", repositoryId: 5678 };

describe("issuer, audience and claim keys", () => {
  test("the issuer and audience are GitHub's and STS's", () => {
    expect(OIDC_URL).toBe("https://token.actions.githubusercontent.com");
    expect(STS_AUDIENCE).toBe("sts.amazonaws.com");
  });

  it.each([
    ["sub", "token.actions.githubusercontent.com:sub"],
    ["aud", "token.actions.githubusercontent.com:aud"],
    ["repository_id", "token.actions.githubusercontent.com:repository_id"],
    ["job_workflow_ref", "token.actions.githubusercontent.com:job_workflow_ref"],
  ])("the condition key of claim %s is %s", (claim, key) => {
    expect(claimKey(claim)).toBe(key);
  });

  test("SUB_KEY and AUD_KEY are the sub and aud claim keys", () => {
    expect([SUB_KEY, AUD_KEY]).toEqual([claimKey("sub"), claimKey("aud")]);
  });

  it.each([
    ["token.actions.githubusercontent.com:sub", true],
    ["Token.Actions.GitHubUserContent.com:Repository_Id", true],
    ["aws:SourceAccount", false],
    ["token.actions.githubusercontent.com", false],
    ["evil.token.actions.githubusercontent.com:sub", false],
  ])("isClaimKey(%s) is %s (IAM reads keys ignoring case)", (key, expected) => {
    expect(isClaimKey(key)).toBe(expected);
  });
});

describe("building subjects", () => {
  it.each([
    [subjectContext.branch("main"), "repo:octo-org/octo-repo:ref:refs/heads/main"],
    [subjectContext.tag("v1.2.3"), "repo:octo-org/octo-repo:ref:refs/tags/v1.2.3"],
    [subjectContext.environment("prod"), "repo:octo-org/octo-repo:environment:prod"],
    [subjectContext.pullRequest(), "repo:octo-org/octo-repo:pull_request"],
  ])("legacy: context %s gives %s", (context, expected) => {
    expect(subject(subjectPrefix(REPO, "legacy"), context)).toBe(expected);
  });

  test("the immutable form carries the owner and repository ids", () => {
    expect(subject(subjectPrefix(REPO, "immutable"), subjectContext.branch("main"))).toBe("repo:octo-org@1234/octo-repo@5678:ref:refs/heads/main");
  });

  it.each([{ ownerId: undefined }, { repositoryId: undefined }])("the immutable form refuses a repository without both ids (%o)", (missing) => {
    expect(() => subjectPrefix({ ...REPO, ...missing }, "immutable")).toThrow("immutable subjects of octo-org/octo-repo need the owner id and the repository id");
  });

  test("a format stands for its forms, legacy first during a migration", () => {
    expect(subjectForms("legacy")).toEqual(["legacy"]);
    expect(subjectForms("immutable")).toEqual(["immutable"]);
    expect(subjectForms("both")).toEqual(["legacy", "immutable"]);
  });
});

describe("parseSubject, the one subject parser", () => {
  it.each([
    ["legacy", subjectContext.branch("release/1.x"), { kind: "branch", name: "release/1.x" }],
    ["legacy", subjectContext.tag("v1"), { kind: "tag", name: "v1" }],
    ["legacy", subjectContext.environment("prod"), { kind: "environment", name: "prod" }],
    ["legacy", subjectContext.pullRequest(), { kind: "pull_request" }],
    ["immutable", subjectContext.branch("main"), { kind: "branch", name: "main" }],
    ["immutable", subjectContext.pullRequest(), { kind: "pull_request" }],
  ] as const)("reads back a %s subject with context %s", (form, context, expected) => {
    const parts = parseSubject(subject(subjectPrefix(REPO, form), context));
    expect(parts).toEqual({
      owner: "octo-org",
      repository: "octo-repo",
      ...(form === "immutable" ? { ownerId: "1234", repositoryId: "5678" } : {}),
      form,
      context,
      ...expected,
    });
  });

  test("a pattern still parses: the wildcard stays in the name or makes the context unknown", () => {
    expect(parseSubject("repo:o/r:ref:refs/heads/release/*")).toMatchObject({ kind: "branch", name: "release/*" });
    expect(parseSubject("repo:o/r:*")).toMatchObject({ kind: "other", context: "*" });
    expect(parseSubject("repo:*/r:pull_request")).toMatchObject({ owner: "*", kind: "pull_request" });
  });

  test("one id alone is the immutable form (one GitHub never sends)", () => {
    expect(parseSubject("repo:o@1/r:pull_request")).toMatchObject({ form: "immutable", ownerId: "1" });
    expect(parseSubject("repo:o@1/r:pull_request")?.repositoryId).toBeUndefined();
  });

  it.each(["*", "repo:o/r", "repo:o/r:", "repo:o:pull_request", "repo:o/r/x:pull_request", "repo:o@x/r:pull_request", "repo:o/r:ref:refs/heads/main\nx", "xrepo:o/r:pull_request"])(
    "refuses %j",
    (value) => {
      expect(parseSubject(value)).toBeUndefined();
    },
  );
});

describe("isIssuableSubject: what OIDC-006 asks of every trusted subject", () => {
  it.each([
    ["repo:Test-User/techblue-dev:ref:refs/heads/main", true],
    ["repo:octo-org@1234/octo.repo_1@5678:environment:prod", true],
    ["repo:o/r:pull_request", true],
    ["repo:*/r:pull_request", false],
    ["repo:o/r*:pull_request", false],
    ["repo:octo org/r:pull_request", false],
    ["repo:o/r:*", false],
    ["repo:o/r:workflow:x", false],
  ])("%s: %s", (value, expected) => {
    const parts = parseSubject(value);
    expect(parts !== undefined && isIssuableSubject(parts)).toBe(expected);
  });
});

describe("subjectRepository: the repository part of any subject value", () => {
  it.each([
    ["repo:o/r:ref:refs/heads/main", "o/r"],
    ["repo:o@1/r@2:ref:refs/heads/main", "o@1/r@2"],
    ["repo:o/*", "o/*"],
    ["repo:*", "*"],
    ["repo:o/r", "o/r"],
    ["*", undefined],
    ["repo:", undefined],
    ["repo::pull_request", undefined],
  ])("%s -> %s", (value, expected) => {
    expect(subjectRepository(value)).toBe(expected);
  });
});
