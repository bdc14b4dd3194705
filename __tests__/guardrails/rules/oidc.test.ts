import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { ActionsRepositoryOidcSubjectClaimCustomizationTemplate } from "@cdktf/provider-github/lib/actions-repository-oidc-subject-claim-customization-template";
import { OIDC_RULES } from "../../../guardrails/rules/oidc";
import { OIDC_001 } from "../../../guardrails/rules/oidc/oidc-001-provider-shape";
import { OIDC_002 } from "../../../guardrails/rules/oidc/oidc-002-one-provider";
import { OIDC_003 } from "../../../guardrails/rules/oidc/oidc-003-statement-shape";
import { OIDC_004 } from "../../../guardrails/rules/oidc/oidc-004-audience";
import { OIDC_005 } from "../../../guardrails/rules/oidc/oidc-005-subject-operator";
import { OIDC_006 } from "../../../guardrails/rules/oidc/oidc-006-subject-scope";
import { OIDC_007 } from "../../../guardrails/rules/oidc/oidc-007-claim-template";
import { OIDC_008 } from "../../../guardrails/rules/oidc/oidc-008-wildcard-operator";
import { OIDC_010 } from "../../../guardrails/rules/oidc/oidc-010-subject-format";
import { OIDC_011 } from "../../../guardrails/rules/oidc/oidc-011-evaluated-claims";
import { OIDC_013 } from "../../../guardrails/rules/oidc/oidc-013-wildcard-opt-in";
import type { Rule } from "../../../guardrails/types";
import { GithubOidcProvider } from "../../../modules/github-oidc-provider";
import type { Platform } from "../../../stacks/platform";
import { exampleFindings, findingsOfStack } from "../helpers";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";
const MAIN = "repo:Test-User/techblue-dev:ref:refs/heads/main";

/** A GitHub trust statement with the given conditions. */
function statement(condition: object, extra: object = {}) {
  return { Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition, ...extra };
}

/** Findings of one rule on the example after replacing the deploy role's trust policy. */
function withTrust(rule: Rule, ...statements: object[]) {
  return exampleFindings([rule], (p: Platform) =>
    p.aws.deployRoles["techblue-dev-ecr-push"].resource.addOverride(
      "assume_role_policy",
      JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    ),
  );
}

const ids = (f: { rule: Rule }[]) => f.map((x) => x.rule.id);

describe("the example has no OIDC findings", () => {
  test("none of the OIDC rules fires but OIDC-013 on the release role, which the stack suppresses with the config's reason", () => {
    expect(exampleFindings(OIDC_RULES).map((f) => [f.rule.id, f.resource.path, f.message])).toEqual([
      [
        "OIDC-013",
        "aws-000123456789-ap-northeast-1/DeployRole-techblue-dev-release-push/Resource",
        'statement "GitHubActionsWildcardSubjects" trusts the pattern "repo:Test-User/techblue-dev:ref:refs/tags/v*"',
      ],
    ]);
  });
});

describe("OIDC-001 provider shape", () => {
  test("compliant: the module's provider", () => {
    expect(findingsOfStack(OIDC_001, (s) => new GithubOidcProvider(s, "p"))).toEqual([]);
  });
  test("must fail: a client id other than sts.amazonaws.com (the documented bad input)", () => {
    const f = findingsOfStack(OIDC_001, (s) =>
      new IamOpenidConnectProvider(s, "p", { url: "https://token.actions.githubusercontent.com", clientIdList: ["https://github.com/octo-org"] }),
    );
    expect(ids(f)).toEqual(["OIDC-001"]);
    expect(f[0].message).toContain('["https://github.com/octo-org"]');
  });
});

describe("OIDC-002 one provider per account", () => {
  test("compliant: one provider", () => {
    expect(exampleFindings([OIDC_002])).toEqual([]);
  });
  test("must fail: a second GitHub provider in the same account", () => {
    const f = exampleFindings([OIDC_002], (p) => new GithubOidcProvider(p.aws, "Second"));
    expect(ids(f)).toEqual(["OIDC-002"]);
    expect(f[0].message).toContain("already created");
  });
});

describe("OIDC-003 statement shape", () => {
  test("compliant: the generated trust policy", () => {
    expect(withTrust(OIDC_003, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN] } }))).toEqual([]);
  });
  test("must fail: NotAction instead of Action", () => {
    const bad = statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN] } });
    delete (bad as { Action?: string }).Action;
    const f = withTrust(OIDC_003, { ...bad, NotAction: "iam:*" });
    expect(f.map((x) => x.message).join()).toContain("uses NotAction");
  });
  test("must fail: Principal AWS * in any statement", () => {
    const f = withTrust(OIDC_003, { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
    expect(f.map((x) => x.message).join()).toContain("anyone");
  });
});

describe("OIDC-004 audience", () => {
  test("must fail: no audience condition", () => {
    const f = withTrust(OIDC_004, statement({ StringEquals: { [SUB]: [MAIN] } }));
    expect(ids(f)).toEqual(["OIDC-004"]);
  });
  test("must fail: audience matched with StringLike *", () => {
    const f = withTrust(OIDC_004, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN] }, StringLike: { [AUD]: "*" } }));
    expect(f[0].message).toContain("StringLike");
  });
});

describe("OIDC-005 subject operator", () => {
  test("must fail: no sub condition at all", () => {
    const f = withTrust(OIDC_005, statement({ StringEquals: { [AUD]: "sts.amazonaws.com" } }));
    expect(f[0].message).toContain("every repository on GitHub");
  });
  test("must fail: ForAllValues:StringLike (true when the claim is absent)", () => {
    const f = withTrust(OIDC_005, statement({ StringEquals: { [AUD]: "sts.amazonaws.com" }, "ForAllValues:StringLike": { [SUB]: [MAIN] } }));
    expect(f[0].message).toContain("ForAllValues:StringLike");
  });
  test("must fail: StringNotEquals", () => {
    const f = withTrust(OIDC_005, statement({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringNotEquals: { [SUB]: "repo:evil/x:pull_request" } }));
    expect(f[0].message).toContain("StringNotEquals");
  });
});

describe("OIDC-006 subject scope", () => {
  test.each([["repo:Test-User/*"], ["*"], ["repo:*"], ["repo:Test-User/techblue-dev:*"], ["repo:Test-User/techblue-dev"]])(
    "must fail: %s (checkov passes some of these)",
    (value) => {
      const f = withTrust(OIDC_006, statement({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: ["repo:Test-User/techblue-dev:ref:refs/heads/main", value] } }));
      expect(ids(f)).toEqual(["OIDC-006"]);
      expect(f[0].message).toContain(value);
    },
  );
  test("compliant: branch, tag, environment, pull_request and immutable forms", () => {
    const values = [MAIN, "repo:Test-User/techblue-dev:ref:refs/tags/v1", "repo:Test-User/techblue-dev:environment:prod", "repo:Test-User/techblue-dev:pull_request", "repo:Test-User@1/techblue-dev@2:ref:refs/heads/main"];
    expect(withTrust(OIDC_006, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: values } }))).toEqual([]);
  });
});

describe("OIDC-007 customised subject templates", () => {
  test("compliant: repo first", () => {
    expect(findingsOfStack(OIDC_007, (s) => new ActionsRepositoryOidcSubjectClaimCustomizationTemplate(s, "t", { repository: "r", useDefault: false, includeClaimKeys: ["repo", "context"] }))).toEqual([]);
  });
  test("must fail: environment alone", () => {
    const f = findingsOfStack(OIDC_007, (s) => new ActionsRepositoryOidcSubjectClaimCustomizationTemplate(s, "t", { repository: "r", useDefault: false, includeClaimKeys: ["environment"] }));
    expect(f[0].message).toContain('"environment"');
  });
});

describe("OIDC-008 wildcard under StringEquals", () => {
  test("must fail: release/* under StringEquals can never match", () => {
    const f = withTrust(OIDC_008, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: ["repo:Test-User/techblue-dev:ref:refs/heads/release/*"] } }));
    expect(ids(f)).toEqual(["OIDC-008"]);
  });
  test("compliant: the pattern under StringLike", () => {
    expect(withTrust(OIDC_008, statement({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: ["repo:Test-User/techblue-dev:ref:refs/heads/release/*"] } }))).toEqual([]);
  });
});

describe("OIDC-010 subject format per repository", () => {
  test("compliant: both forms for the same refs (migration)", () => {
    expect(withTrust(OIDC_010, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN, "repo:Test-User@1/techblue-dev@2:ref:refs/heads/main"] } }))).toEqual([]);
  });
  test("must fail: both forms, but not for the same refs", () => {
    const f = withTrust(OIDC_010, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN, "repo:Test-User@1/techblue-dev@2:ref:refs/tags/v1"] } }));
    expect(f[0].message).toContain("legacy only: ref:refs/heads/main");
  });
});

describe("OIDC-013 wildcard opt-in", () => {
  test("must fail: a pattern without a suppression", () => {
    const f = withTrust(OIDC_013, statement({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: ["repo:Test-User/techblue-dev:ref:refs/heads/release/*"] } }));
    expect(f[0].message).toContain("release/*");
  });
  test("compliant: exact subjects only", () => {
    expect(exampleFindings([OIDC_013]).filter((f) => !f.resource.path.includes("DeployRole-techblue-dev-release-push/"))).toEqual([]);
    expect(withTrust(OIDC_013, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN] } })).filter((f) => f.resource.path.includes("ecr-push"))).toEqual([]);
  });
});

describe("OIDC-011 pinned claims are ones STS evaluates", () => {
  const REPO_ID = "token.actions.githubusercontent.com:repository_id";
  const OWNER_ID = "token.actions.githubusercontent.com:repository_owner_id";
  test("compliant: sub, aud and repository_id (a claim STS maps)", () => {
    expect(withTrust(OIDC_011, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN], [REPO_ID]: "5678" } }))).toEqual([]);
  });
  test("must fail: repository_owner_id, which STS leaves out of the request (the statement never matches); a warning", () => {
    const f = withTrust(OIDC_011, statement({ StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: [MAIN], [OWNER_ID]: "1234" } }));
    expect(ids(f)).toEqual(["OIDC-011"]);
    expect(f[0].message).toContain("pins token.actions.githubusercontent.com:repository_owner_id with StringEquals, a claim AWS STS does not evaluate");
    expect(OIDC_011.severity).toBe("warning");
  });
});
