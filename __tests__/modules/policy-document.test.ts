import { Fn } from "cdktf";
import { AUD_KEY, SUB_KEY } from "../../domain/oidc";
import {
  ECR_PUSH_ACTIONS,
  ecrPushStatements,
  githubOidcTrustPolicy,
  renderPolicy,
  serviceTrustPolicy,
} from "../../modules/policy-document";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";

describe("githubOidcTrustPolicy", () => {
  test("exact subjects sit under StringEquals together with the pinned audience", () => {
    const doc = githubOidcTrustPolicy(PROVIDER, { exact: ["repo:o/r:ref:refs/heads/main"], wildcard: [] });
    expect(doc.Statement).toHaveLength(1);
    const [s] = doc.Statement;
    expect(s.Effect).toBe("Allow");
    expect(s.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(s.Principal).toEqual({ Federated: PROVIDER });
    expect(s.Condition).toEqual({
      StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: ["repo:o/r:ref:refs/heads/main"] },
    });
  });

  test("wildcard subjects get their own statement under StringLike, never mixed with exact ones", () => {
    // Two operators on sub inside one statement would be AND-ed: nothing could match both.
    const doc = githubOidcTrustPolicy(PROVIDER, { exact: ["repo:o/r:pull_request"], wildcard: ["repo:o/r:ref:refs/heads/release/*"] });
    expect(doc.Statement).toHaveLength(2);
    const like = doc.Statement[1];
    expect(like.Condition).toEqual({
      StringEquals: { [AUD_KEY]: "sts.amazonaws.com" },
      StringLike: { [SUB_KEY]: ["repo:o/r:ref:refs/heads/release/*"] },
    });
    expect(JSON.stringify(doc.Statement[0].Condition)).not.toContain("*");
  });

  test("refuses to build a policy that trusts no subject", () => {
    expect(() => githubOidcTrustPolicy(PROVIDER, { exact: [], wildcard: [] })).toThrow(/at least one subject/);
  });
});

describe("ecrPushStatements", () => {
  test("GetAuthorizationToken is the only action on *; the push set is scoped to the repositories", () => {
    const arn = "arn:aws:ecr:ap-northeast-1:000123456789:repository/app";
    const [login, push] = ecrPushStatements([arn], false);
    expect(login).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
    expect(push.Action).toEqual([...ECR_PUSH_ACTIONS]);
    expect(push.Resource).toEqual([arn]);
  });

  test("pull actions only when asked for", () => {
    const [, push] = ecrPushStatements(["arn:aws:ecr:r:1:repository/a"], true);
    expect(push.Action).toEqual(expect.arrayContaining(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]));
  });

  test("no repositories, no statements (not even the login)", () => {
    expect(ecrPushStatements([], true)).toEqual([]);
  });
});

describe("renderPolicy", () => {
  test("plain JSON when every value is known", () => {
    const doc = serviceTrustPolicy("codebuild.amazonaws.com", "000123456789", "arn:aws:codebuild:r:000123456789:project/p");
    expect(JSON.parse(renderPolicy(doc))).toEqual(doc);
  });

  test("jsonencode when a value is a reference", () => {
    const rendered = renderPolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Fn.lower("X") }],
    });
    expect(() => JSON.parse(rendered)).toThrow();
  });
});

describe("serviceTrustPolicy", () => {
  test("pins the source account and project to stop confused deputies", () => {
    const doc = serviceTrustPolicy("codebuild.amazonaws.com", "000123456789", "arn:aws:codebuild:r:000123456789:project/p");
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "000123456789" },
      ArnLike: { "aws:SourceArn": "arn:aws:codebuild:r:000123456789:project/p" },
    });
  });
});

describe("githubOidcTrustPolicy with several repositories and pinned claims", () => {
  const web = { subjects: { exact: ["repo:o/web:ref:refs/heads/main"], wildcard: [] } };
  const api = { subjects: { exact: ["repo:o/api:environment:prod"], wildcard: ["repo:o/api:ref:refs/tags/v*"] } };
  const REPO_ID = "token.actions.githubusercontent.com:repository_id";
  const WORKFLOW = "token.actions.githubusercontent.com:job_workflow_ref";

  test("without pins the repositories share the two statements (each subject names its repository)", () => {
    const doc = githubOidcTrustPolicy(PROVIDER, [web, api]);
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["GitHubActionsExactSubjects", "GitHubActionsWildcardSubjects"]);
    expect(doc.Statement[0].Condition!.StringEquals[SUB_KEY]).toEqual(["repo:o/web:ref:refs/heads/main", "repo:o/api:environment:prod"]);
    // One repository in the list form is exactly the single form: the shipped example does not change.
    expect(githubOidcTrustPolicy(PROVIDER, [web])).toEqual(githubOidcTrustPolicy(PROVIDER, web.subjects));
  });

  test("with pins each repository gets its own statements, its id and workflow files AND-ed with its own subjects only", () => {
    const doc = githubOidcTrustPolicy(PROVIDER, [
      { ...web, pinned: { repository_id: ["11"] }, pinnedLike: { job_workflow_ref: ["o/web/.github/workflows/push.yml@*"] } },
      { ...api, pinned: { repository_id: ["22"] } },
    ]);
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["GitHubActionsExactSubjects1", "GitHubActionsExactSubjects2", "GitHubActionsWildcardSubjects2"]);
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: ["repo:o/web:ref:refs/heads/main"], [REPO_ID]: "11" },
      StringLike: { [WORKFLOW]: "o/web/.github/workflows/push.yml@*" },
    });
    expect(doc.Statement[2].Condition).toEqual({
      StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [REPO_ID]: "22" },
      StringLike: { [SUB_KEY]: ["repo:o/api:ref:refs/tags/v*"] },
    });
  });

  test("one repository with pins keeps the plain statement ids", () => {
    const doc = githubOidcTrustPolicy(PROVIDER, [{ ...web, pinned: { repository_id: ["11"] } }]);
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["GitHubActionsExactSubjects"]);
  });
});
