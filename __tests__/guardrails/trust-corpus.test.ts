/**
 * Adversarial corpus against the trust policy the example config actually synthesizes: every
 * look-alike token must be denied, and the token GitHub will issue for a push to main (predicted
 * by oidc-claims, independently of config/derive) must be allowed.
 */
import { EXAMPLE_TEXT } from "../helpers/example";
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { buildGuardedPlatform } from "../helpers/platform";
import { unescapeFromTerraform } from "../../workflows/render";
import { evaluatePolicy, explainEvaluation, type EvaluationRequest } from "../../iam/evaluate";
import { claimsContext, predictClaims, triggersOfWorkflow, type ClaimsInput } from "../../guardrails/oidc-claims";
import { resourcesOf, synthStack, testApp } from "../helpers/synth";

const EXAMPLE = EXAMPLE_TEXT;
const ROLE = "techblue-dev-ecr-push";
const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";
const STS = "sts.amazonaws.com";
const ACTION = "sts:AssumeRoleWithWebIdentity";

const LEGACY = "repo:Test-User/techblue-dev";
const IMMUTABLE = "repo:Test-User@1234/techblue-dev@5678";
const MAIN = "ref:refs/heads/main";

function variant(edit: (doc: any) => void): string {
  const doc = parse(EXAMPLE);
  edit(doc);
  return JSON.stringify(doc);
}

function withFormat(format: "immutable" | "both"): string {
  return variant((d) => {
    d.github.ownerId = 1234;
    d.repositories[0].id = 5678;
    d.repositories[0].subjectFormat = format;
  });
}

function synth(text: string) {
  const platform = buildGuardedPlatform(testApp(), parseConfig(text));
  return { aws: synthStack(platform.aws), github: synthStack(platform.github) };
}

function trustPolicyOf(text: string): unknown {
  const role = resourcesOf(synth(text).aws, "aws_iam_role").find((r) => r.name === ROLE);
  if (!role) throw new Error(`role ${ROLE} not synthesized`);
  return JSON.parse(role.assume_role_policy);
}

interface Case {
  readonly context: EvaluationRequest["context"];
  readonly action?: string;
  readonly principal?: EvaluationRequest["principal"];
}

/** A token with this sub and aud (null = claim missing). */
function token(sub: string | string[] | null, aud: string | string[] | null = STS): Case {
  return { context: { [SUB]: sub ?? undefined, [AUD]: aud ?? undefined } };
}

/** Denied, and for a plain token for the right reason: a condition, not the action or principal. */
function expectDenied(policy: unknown, c: Case): void {
  const e = decide(policy, c);
  if (e.decision !== "implicit-deny") throw new Error(explainEvaluation(e));
  if (c.action === undefined && c.principal === undefined) {
    for (const r of e.reasons) {
      expect(r.action.matched && r.principal.matched && !r.conditionsPassed).toBe(true);
    }
  }
}

function decide(policy: unknown, c: Case) {
  return evaluatePolicy(policy, {
    action: c.action ?? ACTION,
    principal: c.principal ?? { federated: PROVIDER },
    context: c.context,
  });
}

/** Look-alikes that must fail whatever the subject format, given the configured prefix. */
function commonDenied(prefix: string): Array<[string, Case]> {
  return [
    ["other branch develop", token(`${prefix}:ref:refs/heads/develop`)],
    ["branch main2", token(`${prefix}:ref:refs/heads/main2`)],
    ["branch main/x", token(`${prefix}:ref:refs/heads/main/x`)],
    ["branch mainx", token(`${prefix}:ref:refs/heads/mainx`)],
    ["branch main-hotfix", token(`${prefix}:ref:refs/heads/main-hotfix`)],
    ["branch Main with a capital", token(`${prefix}:ref:refs/heads/Main`)],
    ["branch main with a trailing slash", token(`${prefix}:ref:refs/heads/main/`)],
    ["main with a trailing space", token(`${prefix}:${MAIN} `)],
    ["main with a trailing newline", token(`${prefix}:${MAIN}\n`)],
    ["main with a trailing tab", token(`${prefix}:${MAIN}\t`)],
    ["sub with a leading space", token(` ${prefix}:${MAIN}`)],
    ["literal pattern ma*n", token(`${prefix}:ref:refs/heads/ma*n`)],
    ["literal pattern ma?n", token(`${prefix}:ref:refs/heads/ma?n`)],
    ["tag main instead of branch main", token(`${prefix}:ref:refs/tags/main`)],
    ["release tag v1.0.0", token(`${prefix}:ref:refs/tags/v1.0.0`)],
    ["pull_request", token(`${prefix}:pull_request`)],
    ["pull request merge ref", token(`${prefix}:ref:refs/pull/1/merge`)],
    ["environment production", token(`${prefix}:environment:production`)],
    ["environment main", token(`${prefix}:environment:main`)],
    ["ref without the ref: prefix", token(`${prefix}:refs/heads/main`)],
    ["short ref without refs/heads", token(`${prefix}:ref:main`)],
    ["repository prefix only", token(prefix)],
    ["allowed sub with an extra suffix", token(`${prefix}:${MAIN}:extra`)],
    ["wildcard sub repo:Test-User/*", token("repo:Test-User/*")],
    ["wildcard sub *", token("*")],
    ["wildcard sub repo:*", token("repo:*")],
    ["empty sub", token("")],
    ["missing sub", token(null)],
    ["sub as a list with one bad value", token([`${prefix}:ref:refs/heads/dev`])],
    ["sub as a list of the allowed value and a bad one", token([`${prefix}:${MAIN}`, `repo:evil/x:${MAIN}`])],
    ["sub as an empty list", token([])],
    ["audience is the owner URL (GitHub default)", token(`${prefix}:${MAIN}`, "https://github.com/Test-User")],
    ["audience with a trailing space", token(`${prefix}:${MAIN}`, "sts.amazonaws.com ")],
    ["audience in other case", token(`${prefix}:${MAIN}`, "STS.amazonaws.com")],
    ["audience of another region endpoint", token(`${prefix}:${MAIN}`, "sts.ap-northeast-1.amazonaws.com")],
    ["empty audience", token(`${prefix}:${MAIN}`, "")],
    ["missing audience", token(`${prefix}:${MAIN}`, null)],
    ["audience list with a bad value", token(`${prefix}:${MAIN}`, [STS, "https://github.com/Test-User"])],
    ["both claims missing", { context: {} }],
    ["action sts:AssumeRole", { ...token(`${prefix}:${MAIN}`), action: "sts:AssumeRole" }],
    ["action sts:AssumeRoleWithSAML", { ...token(`${prefix}:${MAIN}`), action: "sts:AssumeRoleWithSAML" }],
    ["action sts:TagSession", { ...token(`${prefix}:${MAIN}`), action: "sts:TagSession" }],
    [
      "federated principal of another OIDC provider",
      { ...token(`${prefix}:${MAIN}`), principal: { federated: "arn:aws:iam::000123456789:oidc-provider/gitlab.com" } },
    ],
    [
      "federated principal of the GitHub provider in another account",
      {
        ...token(`${prefix}:${MAIN}`),
        principal: { federated: "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com" },
      },
    ],
    ["service principal instead of federated", { ...token(`${prefix}:${MAIN}`), principal: { service: "codebuild.amazonaws.com" } }],
    ["AWS principal instead of federated", { ...token(`${prefix}:${MAIN}`), principal: { aws: "arn:aws:iam::000123456789:root" } }],
  ];
}

describe("trust policy of the example (legacy subjects)", () => {
  const policy = trustPolicyOf(EXAMPLE);

  const denied: Array<[string, Case]> = [
    ...commonDenied(LEGACY),
    ["other repository of the same owner", token(`repo:Test-User/other-repo:${MAIN}`)],
    ["repository whose name extends the allowed one", token(`repo:Test-User/techblue-dev-fork:${MAIN}`)],
    ["repository whose name is a prefix of the allowed one", token(`repo:Test-User/techblue:${MAIN}`)],
    ["same repository name under another owner", token(`repo:evil-user/techblue-dev:${MAIN}`)],
    ["owner whose name extends the allowed one", token(`repo:Test-User2/techblue-dev:${MAIN}`)],
    ["owner in lower case test-user", token(`repo:test-user/techblue-dev:${MAIN}`)],
    ["owner in upper case TEST-USER", token(`repo:TEST-USER/techblue-dev:${MAIN}`)],
    ["repository in mixed case Techblue-Dev", token(`repo:Test-User/Techblue-Dev:${MAIN}`)],
    ["owner with a Cyrillic homoglyph", token(`repo:T\u0435st-User/techblue-dev:${MAIN}`)],
    ["immutable subject where legacy is configured", token(`${IMMUTABLE}:${MAIN}`)],
  ];

  test("the corpus is large enough", () => {
    expect(denied.length).toBeGreaterThanOrEqual(40);
  });

  test.each(denied)("denies %s", (_name, c) => {
    expectDenied(policy, c);
  });

  test("allows the predicted token of a push to main", () => {
    const claims = predictClaims({
      owner: "Test-User",
      repository: "techblue-dev",
      subjectFormat: "legacy",
      trigger: { kind: "push-branch", branch: "main" },
    });
    expect(claims.map((c) => c.sub)).toEqual([`${LEGACY}:${MAIN}`]);
    for (const c of claims) {
      const e = decide(policy, { context: claimsContext(c) });
      expect(e.decision).toBe("allow");
      expect(e.matched).toEqual({ statementIndex: 0, sid: "GitHubActionsExactSubjects" });
    }
  });

  test("denies the predicted token of the same push when the job names an environment", () => {
    const [claims] = predictClaims({
      owner: "Test-User",
      repository: "techblue-dev",
      subjectFormat: "legacy",
      trigger: { kind: "push-branch", branch: "main" },
      environment: "production",
    });
    expect(claims.sub).toBe(`${LEGACY}:environment:production`);
    expect(decide(policy, { context: claimsContext(claims) }).decision).toBe("implicit-deny");
  });

  test("the generated ecr-push.yml workflow predicts only tokens the role allows", () => {
    const files = resourcesOf(synth(EXAMPLE).github, "github_repository_file");
    const file = files.find((f) => String(f.file).endsWith("/ecr-push.yml"));
    expect(file).toBeDefined();
    const workflow = parse(unescapeFromTerraform(file!.content));
    const triggers = triggersOfWorkflow(workflow.on);
    expect(triggers).toEqual([{ kind: "push-branch", branch: "main" }]);
    const environments = Object.values<any>(workflow.jobs).map((j) => j.environment as string | undefined);
    for (const trigger of triggers) {
      for (const environment of environments) {
        const input: ClaimsInput = {
          owner: "Test-User",
          repository: "techblue-dev",
          subjectFormat: "legacy",
          trigger,
          ...(environment === undefined ? {} : { environment }),
        };
        for (const c of predictClaims(input)) expect(decide(policy, { context: claimsContext(c) }).decision).toBe("allow");
      }
    }
  });
});

describe("trust policy with immutable subjects (owner id 1234, repository id 5678)", () => {
  const policy = trustPolicyOf(withFormat("immutable"));

  const denied: Array<[string, Case]> = [
    ...commonDenied(IMMUTABLE),
    ["legacy subject where immutable is configured", token(`${LEGACY}:${MAIN}`)],
    ["wrong owner id", token(`repo:Test-User@9999/techblue-dev@5678:${MAIN}`)],
    ["wrong repository id", token(`repo:Test-User@1234/techblue-dev@5679:${MAIN}`)],
    ["owner and repository ids swapped", token(`repo:Test-User@5678/techblue-dev@1234:${MAIN}`)],
    ["owner id without repository id", token(`repo:Test-User@1234/techblue-dev:${MAIN}`)],
    ["repository id without owner id", token(`repo:Test-User/techblue-dev@5678:${MAIN}`)],
    ["other repository of the same owner with its own id", token(`repo:Test-User@1234/other-repo@9012:${MAIN}`)],
    ["same repository name and ids under another owner name", token(`repo:evil-user@1234/techblue-dev@5678:${MAIN}`)],
    ["owner in lower case with the right ids", token(`repo:test-user@1234/techblue-dev@5678:${MAIN}`)],
    ["repository in mixed case with the right ids", token(`repo:Test-User@1234/Techblue-Dev@5678:${MAIN}`)],
    ["owner id with a leading zero", token(`repo:Test-User@01234/techblue-dev@5678:${MAIN}`)],
  ];

  test("the corpus is large enough", () => {
    expect(denied.length).toBeGreaterThanOrEqual(40);
  });

  test.each(denied)("denies %s", (_name, c) => {
    expectDenied(policy, c);
  });

  test("allows the predicted immutable token of a push to main", () => {
    const claims = predictClaims({
      owner: "Test-User",
      ownerId: 1234,
      repository: "techblue-dev",
      repositoryId: 5678,
      subjectFormat: "immutable",
      trigger: { kind: "push-branch", branch: "main" },
    });
    expect(claims.map((c) => c.sub)).toEqual([`${IMMUTABLE}:${MAIN}`]);
    for (const c of claims) expect(decide(policy, { context: claimsContext(c) }).decision).toBe("allow");
  });
});

describe("trust policy during a migration (subjectFormat both)", () => {
  const policy = trustPolicyOf(withFormat("both"));

  test("allows each form GitHub may send for a push to main", () => {
    const claims = predictClaims({
      owner: "Test-User",
      ownerId: 1234,
      repository: "techblue-dev",
      repositoryId: 5678,
      subjectFormat: "both",
      trigger: { kind: "push-branch", branch: "main" },
    });
    expect(claims.map((c) => [c.form, c.sub])).toEqual([
      ["legacy", `${LEGACY}:${MAIN}`],
      ["immutable", `${IMMUTABLE}:${MAIN}`],
    ]);
    for (const c of claims) expect(decide(policy, { context: claimsContext(c) }).decision).toBe("allow");
  });

  test("still denies a mix of the two forms", () => {
    expect(decide(policy, token(`repo:Test-User@1234/techblue-dev:${MAIN}`)).decision).toBe("implicit-deny");
  });
});

describe("claim prediction", () => {
  const base = { owner: "o", repository: "r", subjectFormat: "legacy" } as const;

  test("an environment trigger gives environment:<name> whatever the ref", () => {
    expect(predictClaims({ ...base, trigger: { kind: "environment", environment: "prod" } }).map((c) => c.sub)).toEqual([
      "repo:o/r:environment:prod",
    ]);
    expect(predictClaims({ ...base, trigger: { kind: "pull_request" }, environment: "prod" }).map((c) => c.sub)).toEqual([
      "repo:o/r:environment:prod",
    ]);
  });

  test("a tag push and a pull request", () => {
    expect(predictClaims({ ...base, trigger: { kind: "push-tag", tag: "v1" } })[0]).toMatchObject({
      sub: "repo:o/r:ref:refs/tags/v1",
      aud: "sts.amazonaws.com",
      ref: "refs/tags/v1",
      ref_type: "tag",
    });
    expect(predictClaims({ ...base, trigger: { kind: "pull_request" } })[0].sub).toBe("repo:o/r:pull_request");
  });

  test("immutable subjects without ids are a caller error", () => {
    expect(() => predictClaims({ ...base, subjectFormat: "immutable", trigger: { kind: "pull_request" } })).toThrow(/owner id/);
  });

  test("triggersOfWorkflow reads push filters, pull_request and workflow_dispatch", () => {
    expect(triggersOfWorkflow({ push: { branches: ["main"], tags: ["v*"] }, pull_request: null, workflow_dispatch: {} })).toEqual([
      { kind: "push-branch", branch: "main" },
      { kind: "push-tag", tag: "v*", note: expect.stringMatching(/pattern/) },
      { kind: "pull_request" },
      { kind: "any-ref", event: "workflow_dispatch", refs: "branches-and-tags", note: expect.any(String) },
    ]);
  });

  test("push without filters may run on any branch or tag", () => {
    const [trigger] = triggersOfWorkflow("push");
    expect(trigger).toMatchObject({ kind: "any-ref", refs: "branches-and-tags" });
    const subs = predictClaims({ ...base, trigger }).map((c) => [c.sub, c.approximate !== undefined]);
    expect(subs).toEqual([
      ["repo:o/r:ref:refs/heads/*", true],
      ["repo:o/r:ref:refs/tags/*", true],
    ]);
  });

  test("schedule runs on the default branch", () => {
    const [trigger] = triggersOfWorkflow(["schedule"]);
    expect(predictClaims({ ...base, trigger, defaultBranch: "main" })[0].sub).toBe("repo:o/r:ref:refs/heads/main");
  });

  test("an unreadable on: block gives no triggers", () => {
    expect(triggersOfWorkflow(42)).toEqual([]);
  });
});
