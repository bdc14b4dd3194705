import { analyse } from "../../plan-summary/summary";
import { subjectRepository } from "../../domain/oidc";
import { readTrust } from "../../plan-summary/iam";
import { codebuildProject, collaborators, githubProvider, planOf } from "./helpers";

const ORG_LOCATION = "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION";

function risksOf(aws: Parameters<typeof planOf>[1], github: Parameters<typeof planOf>[1]) {
  return analyse([planOf("aws", aws), planOf("github-acme", github, githubProvider("acme"))]).risks;
}

const lowered = (repo: string, from: [string, string][], to: [string, string][]) => ({
  address: `github_repository_collaborators.${repo}`,
  actions: ["update"],
  before: collaborators(repo, from),
  after: collaborators(repo, to),
});

describe("a person whose token a runner uses losing admin", () => {
  const runner = (options: Parameters<typeof codebuildProject>[1]) => ({
    address: "aws_codebuild_project.runner",
    actions: ["no-op"],
    before: codebuildProject("web-runner", options),
    after: codebuildProject("web-runner", options),
  });

  test("flagged for the repository the runner serves, removed or lowered, login case-insensitive", () => {
    const risks = risksOf([runner({ tokenOwner: "Alice", location: "https://github.com/acme/web.git" })], [
      lowered("web", [["alice", "admin"], ["bob", "admin"]], [["bob", "admin"]]),
    ]);
    expect(risks.map((r) => r.kind)).toEqual(["token-owner-loses-admin"]);
    expect(risks[0].text).toContain("**`alice` loses admin on `acme/web`** (removed from the repository)");
  });

  test("not flagged on a repository the runner does not serve, nor for a runner on the connection", () => {
    expect(risksOf([runner({ tokenOwner: "alice", location: "https://github.com/acme/api.git" })], [lowered("web", [["alice", "admin"], ["bob", "admin"]], [["alice", "push"], ["bob", "admin"]])])).toEqual([]);
    expect(risksOf([runner({ location: "https://github.com/acme/web.git" })], [lowered("web", [["alice", "admin"], ["bob", "admin"]], [["alice", "push"], ["bob", "admin"]])])).toEqual([]);
  });

  test("an organisation runner serves every repository of its organisation", () => {
    const risks = risksOf(
      [runner({ tokenOwner: "alice", location: ORG_LOCATION }), { address: "aws_codebuild_webhook.w", actions: ["no-op"], before: {}, after: { project_name: "web-runner", scope_configuration: [{ name: "acme", scope: "GITHUB_ORGANIZATION" }] } }],
      [lowered("api", [["alice", "admin"], ["bob", "admin"]], [["alice", "maintain"], ["bob", "admin"]])],
    );
    expect(risks.map((r) => r.kind)).toEqual(["token-owner-loses-admin"]);
    expect(risks[0].text).toContain("(lowered to maintain)");
  });

  test("one grant per resource (github_repository_collaborator) counts too", () => {
    const risks = risksOf([runner({ tokenOwner: "alice", location: "https://github.com/acme/web.git" })], [
      { address: "github_repository_collaborator.alice", actions: ["update"], before: { repository: "web", username: "alice", permission: "admin" }, after: { repository: "web", username: "alice", permission: "push" } },
      { address: "github_repository_collaborator.bob", actions: ["no-op"], before: { repository: "web", username: "bob", permission: "admin" }, after: { repository: "web", username: "bob", permission: "admin" } },
    ]);
    expect(risks.map((r) => r.kind)).toEqual(["token-owner-loses-admin"]);
  });
});

describe("last admin", () => {
  test("a team admin left keeps the repository administered", () => {
    const github = [
      {
        address: "github_repository_collaborators.web",
        actions: ["update"],
        before: collaborators("web", [["alice", "admin"]], [["platform", "admin"]]),
        after: collaborators("web", [["alice", "push"]], [["platform", "admin"]]),
      },
    ];
    expect(risksOf([], github)).toEqual([]);
  });

  test("unknown after apply is not reported as removed", () => {
    const github = [{ address: "github_repository_collaborators.web", actions: ["update"], before: collaborators("web", [["alice", "admin"]]), after: { repository: "web" }, after_unknown: { user: true, team: true } }];
    const a = analyse([planOf("github-acme", github)]);
    expect(a.risks).toEqual([]);
    expect(a.accessRows).toEqual([expect.objectContaining({ kind: "unknown", from: "admin" })]);
  });
});

describe("protected resources", () => {
  test("destroy and replace of ECR, OIDC provider and connections are flagged; updates and other types are not", () => {
    const risks = risksOf(
      [
        { address: "aws_ecr_repository.a", actions: ["delete"], before: { name: "a", force_delete: true } },
        { address: "aws_iam_openid_connect_provider.p", actions: ["create", "delete"], before: { url: "https://token.actions.githubusercontent.com" }, after: {} },
        { address: "aws_codestarconnections_connection.c", actions: ["delete", "create"], before: { name: "c" }, after: { name: "c" }, action_reason: "replace_by_request" },
        { address: "aws_ecr_repository.b", actions: ["update"], before: { name: "b" }, after: { name: "b" } },
        { address: "aws_s3_bucket.x", actions: ["delete"], before: { bucket: "x" } },
      ],
      [],
    );
    expect(risks.map((r) => r.text.slice(0, r.text.indexOf("**", 2) + 2))).toEqual([
      "**Destroy of ECR repository `a`**",
      "**Replace of OIDC provider `https://token.actions.githubusercontent.com`**",
      "**Replace of GitHub connection `c`**",
    ]);
    expect(risks[0].text).toContain("force_delete is on");
    expect(risks[2].text).toContain("replace was requested");
  });
});

describe("trust policies", () => {
  const role = (before: object | null, after: object | null, actions = ["update"]) => ({
    address: "aws_iam_role.r",
    actions,
    before: before && { name: "r", assume_role_policy: JSON.stringify(before) },
    after: after && { name: "r", assume_role_policy: JSON.stringify(after) },
  });
  const oidc = (condition: object, action: string | string[] = "sts:AssumeRoleWithWebIdentity") => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" }, Action: action, Condition: condition }],
  });
  const aud = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

  test("a new exact branch of the same repository is listed but is no widening", () => {
    const [t] = analyse([
      planOf("aws", [
        role(
          oidc({ StringEquals: { ...aud, "token.actions.githubusercontent.com:sub": "repo:acme/web:ref:refs/heads/main" } }),
          oidc({ StringEquals: { ...aud, "token.actions.githubusercontent.com:sub": ["repo:acme/web:ref:refs/heads/main", "repo:acme/web:environment:prod"] } }),
        ),
      ]),
    ]).trust;
    expect(t.added.map((e) => e.value)).toEqual(["repo:acme/web:environment:prod"]);
    expect(t.widening).toEqual([]);
  });

  test("a new role with pull_request or a wildcard is widening; a new principal account on an existing role too", () => {
    const a = analyse([
      planOf("aws", [
        role(null, oidc({ StringEquals: aud, StringLike: { "token.actions.githubusercontent.com:sub": ["repo:acme/*", "repo:acme/web:pull_request"] } }), ["create"]),
        {
          address: "aws_iam_role.svc",
          actions: ["update"],
          before: { name: "svc", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
          after: { name: "svc", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com", AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }] }) },
        },
      ]),
    ]);
    expect(a.trust[0].widening).toEqual(["wildcard subject `repo:acme/*`", "pull_request runs `repo:acme/web:pull_request`"]);
    expect(a.trust[1].widening).toEqual(["new principal `aws:arn:aws:iam::999999999999:root`"]);
  });

  test("subjects, operators and repositories are read from the policy JSON", () => {
    const trust = readTrust(JSON.stringify(oidc({ "ForAnyValue:StringLike": { "token.actions.githubusercontent.com:sub": "repo:o/r:*" } }, ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])))!;
    expect([...trust.entries.values()]).toEqual([{ value: "repo:o/r:*", kind: "subject", like: true }]);
    expect(trust.audiencePinned).toBe(false);
    expect(subjectRepository("repo:o@1/r@2:ref:refs/heads/main")).toBe("o@1/r@2");
    expect(readTrust("not a policy")).toBeUndefined();
  });
});
