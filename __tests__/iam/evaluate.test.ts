/**
 * The IAM trust-policy evaluator, one documented behaviour per test. Semantics and their sources
 * are listed in iam/evaluate.ts.
 */
import { evaluatePolicy, explainEvaluation, type EvaluationRequest } from "../../iam/evaluate";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";
const MAIN = "repo:o/r:ref:refs/heads/main";

/** A one-statement trust policy with the given Condition block. */
function trust(condition?: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: PROVIDER },
        Action: "sts:AssumeRoleWithWebIdentity",
        ...(condition ? { Condition: condition } : {}),
        ...extra,
      },
    ],
  };
}

function req(context: EvaluationRequest["context"], overrides: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return { action: "sts:AssumeRoleWithWebIdentity", principal: { federated: PROVIDER }, context, ...overrides };
}

function decide(doc: unknown, context: EvaluationRequest["context"], overrides: Partial<EvaluationRequest> = {}) {
  return evaluatePolicy(doc, req(context, overrides)).decision;
}

describe("string operators", () => {
  test("StringEquals matches the exact value", () => {
    expect(decide(trust({ StringEquals: { [SUB]: MAIN } }), { [SUB]: MAIN })).toBe("allow");
  });

  test("StringEquals is case-sensitive", () => {
    expect(decide(trust({ StringEquals: { [SUB]: MAIN } }), { [SUB]: MAIN.toUpperCase() })).toBe("implicit-deny");
  });

  test("StringEquals treats * as a literal character", () => {
    expect(decide(trust({ StringEquals: { [SUB]: "repo:o/r:*" } }), { [SUB]: MAIN })).toBe("implicit-deny");
    expect(decide(trust({ StringEquals: { [SUB]: "repo:o/r:*" } }), { [SUB]: "repo:o/r:*" })).toBe("allow");
  });

  test("StringNotEquals passes when the value is none of the listed ones", () => {
    const doc = trust({ StringNotEquals: { [SUB]: ["a", "b"] } });
    expect(decide(doc, { [SUB]: "c" })).toBe("allow");
    expect(decide(doc, { [SUB]: "b" })).toBe("implicit-deny");
  });

  test("StringEqualsIgnoreCase ignores case", () => {
    expect(decide(trust({ StringEqualsIgnoreCase: { [SUB]: MAIN } }), { [SUB]: "REPO:O/R:REF:REFS/HEADS/MAIN" })).toBe("allow");
  });

  test("StringNotEqualsIgnoreCase fails for a value equal up to case", () => {
    expect(decide(trust({ StringNotEqualsIgnoreCase: { [SUB]: MAIN } }), { [SUB]: "Repo:O/R:ref:refs/heads/MAIN" })).toBe(
      "implicit-deny",
    );
  });

  test("StringLike: * matches any sequence including the empty one", () => {
    const doc = trust({ StringLike: { [SUB]: "repo:o/r:ref:refs/heads/main*" } });
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
    expect(decide(doc, { [SUB]: `${MAIN}/x` })).toBe("allow");
  });

  test("StringLike: ? matches exactly one character", () => {
    const doc = trust({ StringLike: { [SUB]: "repo:o/r:ref:refs/heads/ma?n" } });
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
    expect(decide(doc, { [SUB]: "repo:o/r:ref:refs/heads/man" })).toBe("implicit-deny");
    expect(decide(doc, { [SUB]: "repo:o/r:ref:refs/heads/maiin" })).toBe("implicit-deny");
  });

  test("StringLike is case-sensitive, unlike the IgnoreCase operators", () => {
    expect(decide(trust({ StringLike: { [SUB]: "repo:o/r:*" } }), { [SUB]: "repo:O/R:ref:refs/heads/main" })).toBe("implicit-deny");
  });

  test("StringLike is anchored at both ends", () => {
    const doc = trust({ StringLike: { [SUB]: "repo:o/r:ref:refs/heads/*" } });
    expect(decide(doc, { [SUB]: `x${MAIN}` })).toBe("implicit-deny");
    expect(decide(trust({ StringLike: { [SUB]: "*main" } }), { [SUB]: `${MAIN}\n` })).toBe("implicit-deny");
  });

  test("StringNotLike fails when any listed pattern matches", () => {
    const doc = trust({ StringNotLike: { [SUB]: ["repo:evil/*", "*:pull_request"] } });
    expect(decide(doc, { [SUB]: "repo:o/r:pull_request" })).toBe("implicit-deny");
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
  });

  test("${...} policy variables are taken literally", () => {
    const doc = trust({ StringEquals: { [SUB]: "repo:${aws:username}/r" } });
    expect(decide(doc, { [SUB]: "repo:${aws:username}/r" })).toBe("allow");
    expect(decide(doc, { [SUB]: "repo:alice/r" })).toBe("implicit-deny");
  });
});

describe("ARN, Bool, Null, numeric and date operators", () => {
  const ROLE = "arn:aws:iam::000123456789:role/deploy";

  test("ArnLike matches each ARN part with wildcards", () => {
    const doc = trust({ ArnLike: { "aws:SourceArn": "arn:aws:iam::*:role/*" } });
    expect(decide(doc, { "aws:SourceArn": ROLE })).toBe("allow");
    expect(decide(doc, { "aws:SourceArn": "arn:aws:iam::000123456789:user/deploy" })).toBe("implicit-deny");
  });

  test("ArnLike wildcards do not cross a colon", () => {
    expect(decide(trust({ ArnLike: { "aws:SourceArn": "arn:*" } }), { "aws:SourceArn": ROLE })).toBe("implicit-deny");
  });

  test("ArnEquals matches an exact ARN", () => {
    expect(decide(trust({ ArnEquals: { "aws:SourceArn": ROLE } }), { "aws:SourceArn": ROLE })).toBe("allow");
    expect(decide(trust({ ArnEquals: { "aws:SourceArn": ROLE } }), { "aws:SourceArn": `${ROLE}2` })).toBe("implicit-deny");
  });

  test("ArnNotEquals and ArnNotLike fail on a match", () => {
    expect(decide(trust({ ArnNotEquals: { "aws:SourceArn": ROLE } }), { "aws:SourceArn": ROLE })).toBe("implicit-deny");
    expect(decide(trust({ ArnNotLike: { "aws:SourceArn": "arn:aws:iam::*:role/*" } }), { "aws:SourceArn": ROLE })).toBe(
      "implicit-deny",
    );
    expect(decide(trust({ ArnNotLike: { "aws:SourceArn": "arn:aws:iam::*:user/*" } }), { "aws:SourceArn": ROLE })).toBe("allow");
  });

  test("Bool compares true/false, accepting a JSON boolean in the policy", () => {
    expect(decide(trust({ Bool: { "aws:SecureTransport": true } }), { "aws:SecureTransport": "true" })).toBe("allow");
    expect(decide(trust({ Bool: { "aws:SecureTransport": "true" } }), { "aws:SecureTransport": "false" })).toBe("implicit-deny");
  });

  test('Null "true" passes only when the key is absent', () => {
    const doc = trust({ Null: { [SUB]: "true" } });
    expect(decide(doc, {})).toBe("allow");
    expect(decide(doc, { [SUB]: MAIN })).toBe("implicit-deny");
  });

  test('Null "false" passes only when the key is present', () => {
    const doc = trust({ Null: { [SUB]: "false" } });
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
    expect(decide(doc, {})).toBe("implicit-deny");
  });

  test("numeric operators compare numbers", () => {
    expect(decide(trust({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }), { "aws:MultiFactorAuthAge": "60" })).toBe("allow");
    expect(decide(trust({ NumericGreaterThanEquals: { "n": 10 } }), { n: "9" })).toBe("implicit-deny");
    expect(decide(trust({ NumericEquals: { n: "10" } }), { n: "10.0" })).toBe("allow");
    expect(decide(trust({ NumericEquals: { n: "10" } }), { n: "ten" })).toBe("implicit-deny");
  });

  test("date operators compare ISO dates and epoch seconds", () => {
    expect(decide(trust({ DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }), { "aws:CurrentTime": "2026-07-01T00:00:00Z" })).toBe(
      "allow",
    );
    expect(decide(trust({ DateGreaterThan: { "aws:EpochTime": "1700000000" } }), { "aws:EpochTime": "1600000000" })).toBe(
      "implicit-deny",
    );
  });

  test("an unknown operator fails its condition and says so", () => {
    const e = evaluatePolicy(trust({ StringEqualz: { [SUB]: MAIN } }), req({ [SUB]: MAIN }));
    expect(e.decision).toBe("implicit-deny");
    expect(e.reasons[0].conditions[0].explanation).toMatch(/unknown condition operator StringEqualz/);
  });

  test("operator names are case-sensitive", () => {
    expect(decide(trust({ stringequals: { [SUB]: MAIN } }), { [SUB]: MAIN })).toBe("implicit-deny");
  });
});

describe("missing keys", () => {
  test("a missing key fails a positive operator", () => {
    expect(decide(trust({ StringEquals: { [SUB]: MAIN } }), { [AUD]: "sts.amazonaws.com" })).toBe("implicit-deny");
  });

  test("a missing key fails StringLike even with a lone *", () => {
    expect(decide(trust({ StringLike: { [SUB]: "*" } }), {})).toBe("implicit-deny");
  });

  test("an empty request list counts as a missing key", () => {
    expect(decide(trust({ StringLike: { [SUB]: "*" } }), { [SUB]: [] })).toBe("implicit-deny");
  });

  test("a missing key passes a negated operator (AWS: StringNotLike/ArnNotLike with no key are true)", () => {
    expect(decide(trust({ StringNotEquals: { [SUB]: "repo:evil/x:pull_request" } }), {})).toBe("allow");
    expect(decide(trust({ StringNotLike: { [SUB]: "repo:evil/*" } }), {})).toBe("allow");
    expect(decide(trust({ ArnNotLike: { "aws:SourceArn": "arn:aws:iam::*:role/*" } }), {})).toBe("allow");
  });

  test("a missing key fails NumericLessThan (not a negated operator)", () => {
    expect(decide(trust({ NumericLessThan: { n: "5" } }), {})).toBe("implicit-deny");
  });
});

describe("IfExists", () => {
  test("passes when the key is absent", () => {
    expect(decide(trust({ StringEqualsIfExists: { [SUB]: MAIN } }), {})).toBe("allow");
  });

  test("applies the base operator when the key is present", () => {
    const doc = trust({ StringEqualsIfExists: { [SUB]: MAIN } });
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
    expect(decide(doc, { [SUB]: "repo:o/r:pull_request" })).toBe("implicit-deny");
  });

  test("works with StringLike", () => {
    expect(decide(trust({ StringLikeIfExists: { [SUB]: "repo:o/*" } }), { [SUB]: "repo:x/r:pull_request" })).toBe("implicit-deny");
  });
});

describe("set qualifiers", () => {
  test("ForAnyValue is true when any request value matches any policy value", () => {
    const doc = trust({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["a", "b"] } });
    expect(decide(doc, { "aws:TagKeys": ["x", "b"] })).toBe("allow");
    expect(decide(doc, { "aws:TagKeys": ["x", "y"] })).toBe("implicit-deny");
  });

  test("ForAnyValue is false when the key is absent", () => {
    expect(decide(trust({ "ForAnyValue:StringLike": { [SUB]: "*" } }), {})).toBe("implicit-deny");
  });

  test("ForAnyValue stays false for an absent key even with IfExists", () => {
    expect(decide(trust({ "ForAnyValue:StringEqualsIfExists": { [SUB]: MAIN } }), {})).toBe("implicit-deny");
  });

  test("ForAllValues is true when every request value matches some policy value", () => {
    const doc = trust({ "ForAllValues:StringEquals": { "aws:TagKeys": ["a", "b"] } });
    expect(decide(doc, { "aws:TagKeys": ["a", "b"] })).toBe("allow");
    expect(decide(doc, { "aws:TagKeys": ["a", "c"] })).toBe("implicit-deny");
  });

  test("ForAllValues is TRUE when the key is absent (why OIDC-005 bans it)", () => {
    const e = evaluatePolicy(trust({ "ForAllValues:StringEquals": { [SUB]: MAIN } }), req({ [AUD]: "sts.amazonaws.com" }));
    expect(e.decision).toBe("allow");
    expect(e.reasons[0].conditions[0].explanation).toMatch(/absent or empty/);
  });

  test("ForAllValues is TRUE when the request list is empty", () => {
    expect(decide(trust({ "ForAllValues:StringEquals": { [SUB]: MAIN } }), { [SUB]: [] })).toBe("allow");
  });

  test("ForAnyValue with a negated operator needs one request value that matches none", () => {
    const doc = trust({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["a"] } });
    expect(decide(doc, { "aws:TagKeys": ["a", "z"] })).toBe("allow");
    expect(decide(doc, { "aws:TagKeys": ["a"] })).toBe("implicit-deny");
  });
});

describe("combining values, keys, operators and statements", () => {
  test("values of one key are OR-ed", () => {
    const doc = trust({ StringEquals: { [SUB]: ["repo:o/r:pull_request", MAIN] } });
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
  });

  test("keys within one operator are AND-ed", () => {
    const doc = trust({ StringEquals: { [SUB]: MAIN, [AUD]: "sts.amazonaws.com" } });
    expect(decide(doc, { [SUB]: MAIN, [AUD]: "sts.amazonaws.com" })).toBe("allow");
    expect(decide(doc, { [SUB]: MAIN, [AUD]: "https://github.com/o" })).toBe("implicit-deny");
  });

  test("operators within one Condition are AND-ed", () => {
    const doc = trust({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:o/r:*" } });
    expect(decide(doc, { [SUB]: MAIN, [AUD]: "sts.amazonaws.com" })).toBe("allow");
    expect(decide(doc, { [SUB]: "repo:x/r:pull_request", [AUD]: "sts.amazonaws.com" })).toBe("implicit-deny");
  });

  test("Allow statements are OR-ed", () => {
    const doc = {
      Statement: [
        trust({ StringEquals: { [SUB]: "nope" } }).Statement[0],
        { ...trust({ StringEquals: { [SUB]: MAIN } }).Statement[0], Sid: "Second" },
      ],
    };
    const e = evaluatePolicy(doc, req({ [SUB]: MAIN }));
    expect(e.decision).toBe("allow");
    expect(e.matched).toEqual({ statementIndex: 1, sid: "Second" });
  });

  test("a matching Deny wins over a matching Allow", () => {
    const doc = {
      Statement: [
        trust({ StringEquals: { [SUB]: MAIN } }).Statement[0],
        { Sid: "NoMain", Effect: "Deny", Principal: "*", Action: "sts:*", Condition: { StringLike: { [SUB]: "*/main" } } },
      ],
    };
    const e = evaluatePolicy(doc, req({ [SUB]: MAIN }));
    expect(e.decision).toBe("explicit-deny");
    expect(e.matched).toEqual({ statementIndex: 1, sid: "NoMain" });
  });

  test("a Deny whose condition fails does not deny", () => {
    const doc = {
      Statement: [
        trust({ StringEquals: { [SUB]: MAIN } }).Statement[0],
        { Effect: "Deny", Principal: "*", Action: "*", Condition: { StringEquals: { [SUB]: "other" } } },
      ],
    };
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
  });

  test("nothing matching is an implicit deny", () => {
    expect(decide(trust({ StringEquals: { [SUB]: MAIN } }), { [SUB]: "x" })).toBe("implicit-deny");
  });

  test("a statement without Condition applies unconditionally", () => {
    expect(decide(trust(), {})).toBe("allow");
  });

  test("a single Statement object (not a list) is accepted", () => {
    const doc = { Version: "2012-10-17", Statement: trust({ StringEquals: { [SUB]: MAIN } }).Statement[0] };
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
  });

  test("condition keys are matched case-insensitively, values are not", () => {
    const doc = trust({ StringEquals: { "Token.Actions.GitHubUserContent.com:SUB": MAIN } });
    expect(decide(doc, { [SUB]: MAIN })).toBe("allow");
    expect(decide(trust({ StringEquals: { [SUB]: MAIN } }), { "TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB": MAIN })).toBe("allow");
  });

  test("several request values under a plain operator must each satisfy it", () => {
    const e = evaluatePolicy(trust({ StringEquals: { [SUB]: MAIN } }), req({ [SUB]: [MAIN, "repo:evil/x:ref:refs/heads/main"] }));
    expect(e.decision).toBe("implicit-deny");
    expect(e.reasons[0].conditions[0].explanation).toMatch(/each must satisfy it/);
  });
});

describe("Action and Principal", () => {
  test("Action matching is case-insensitive", () => {
    expect(decide(trust(), {}, { action: "STS:assumerolewithwebidentity" })).toBe("allow");
  });

  test("Action wildcards * and ?", () => {
    const doc = trust(undefined, { Action: ["sts:AssumeRole?ithWebIdentity"] });
    expect(decide(doc, {})).toBe("allow");
    expect(decide(trust(undefined, { Action: "sts:*" }), {}, { action: "sts:TagSession" })).toBe("allow");
    expect(decide(trust(undefined, { Action: "sts:AssumeRole" }), {})).toBe("implicit-deny");
  });

  test("a different action is not granted", () => {
    expect(decide(trust(), {}, { action: "sts:AssumeRoleWithSAML" })).toBe("implicit-deny");
  });

  test("NotAction applies to every action except those listed", () => {
    const doc = { Statement: [{ Effect: "Allow", Principal: "*", NotAction: "iam:*" }] };
    expect(decide(doc, {}, { action: "sts:AssumeRole" })).toBe("allow");
    expect(decide(doc, {}, { action: "iam:PassRole" })).toBe("implicit-deny");
  });

  test("a statement with neither Action nor NotAction never applies", () => {
    const e = evaluatePolicy({ Statement: [{ Effect: "Allow", Principal: "*" }] }, req({}));
    expect(e.decision).toBe("implicit-deny");
    expect(e.reasons[0].notes.join()).toMatch(/neither Action nor NotAction/);
  });

  test("Principal.Federated must name the request's provider", () => {
    const other = "arn:aws:iam::000123456789:oidc-provider/evil.example.com";
    expect(decide(trust(), {}, { principal: { federated: other } })).toBe("implicit-deny");
  });

  test("Principal.Federated as a list", () => {
    expect(decide(trust(undefined, { Principal: { Federated: ["x", PROVIDER] } }), {})).toBe("allow");
  });

  test('Principal "*" and Principal.AWS "*" match any principal', () => {
    expect(decide(trust(undefined, { Principal: "*" }), {})).toBe("allow");
    expect(decide(trust(undefined, { Principal: { AWS: "*" } }), {})).toBe("allow");
  });

  test("Principal.Service matches a service principal only", () => {
    const doc = trust(undefined, { Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" });
    expect(decide(doc, {}, { action: "sts:AssumeRole", principal: { service: "codebuild.amazonaws.com" } })).toBe("allow");
    expect(decide(doc, {}, { action: "sts:AssumeRole", principal: { federated: PROVIDER } })).toBe("implicit-deny");
  });

  test("a statement without Principal is an identity-based statement: the principal is not checked", () => {
    expect(decide({ Statement: [{ Effect: "Allow", Action: "*" }] }, {}, { principal: undefined })).toBe("allow");
  });

  test("NotPrincipal in an Allow never grants, and the trace says so", () => {
    const e = evaluatePolicy(
      { Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "*" }] },
      req({}),
    );
    expect(e.decision).toBe("implicit-deny");
    expect(e.reasons[0].notes.join()).toMatch(/NotPrincipal/);
  });

  test("NotPrincipal in a Deny denies everyone not listed", () => {
    const doc = {
      Statement: [
        trust().Statement[0],
        { Effect: "Deny", NotPrincipal: { Federated: "arn:aws:iam::1:oidc-provider/other" }, Action: "*" },
      ],
    };
    expect(decide(doc, {})).toBe("explicit-deny");
  });
});

describe("malformed documents: implicit deny with a reason, never an exception", () => {
  test.each([
    ["null", null, /not a JSON object/],
    ["a number", 42, /not a JSON object/],
    ["a list", [], /not a JSON object/],
    ["no Statement", { Version: "2012-10-17" }, /no Statement/],
    ["Statement is a string", { Statement: "Allow" }, /neither an object nor a list/],
    ["invalid JSON text", "{not json", /not valid JSON/],
  ])("%s", (_name, doc, why) => {
    const e = evaluatePolicy(doc, req({ [SUB]: MAIN }));
    expect(e.decision).toBe("implicit-deny");
    expect(e.problems.join()).toMatch(why);
  });

  test("JSON text is parsed", () => {
    expect(decide(JSON.stringify(trust({ StringEquals: { [SUB]: MAIN } })), { [SUB]: MAIN })).toBe("allow");
  });

  test("jsonencode(...) text, as synthesized when a value is a reference, is parsed (iam/parse.ts)", () => {
    const hcl = `\${jsonencode({"Statement" = [{"Effect" = "Allow", "Principal" = {"Federated" = aws_iam_openid_connect_provider.github.arn}, "Action" = "sts:AssumeRoleWithWebIdentity", "Condition" = {"StringEquals" = {"${SUB}" = "${MAIN}"}}}]})}`;
    const principal = { federated: "${aws_iam_openid_connect_provider.github.arn}" };
    expect(decide(hcl, { [SUB]: MAIN }, { principal })).toBe("allow");
    expect(decide(hcl, { [SUB]: "repo:o/r:ref:refs/heads/dev" }, { principal })).toBe("implicit-deny");
  });

  test("unreadable jsonencode(...) text is an implicit deny with the reason", () => {
    const e = evaluatePolicy('${jsonencode({"Statement" = [)}', req({}));
    expect(e.decision).toBe("implicit-deny");
    expect(e.problems.join()).toMatch(/^the policy has a jsonencode\(\.\.\.\) argument that cannot be read/);
  });

  test("an empty Statement list denies", () => {
    const e = evaluatePolicy({ Statement: [] }, req({}));
    expect(e.decision).toBe("implicit-deny");
    expect(e.problems.join()).toMatch(/empty Statement/);
  });

  test("a statement that is not an object is skipped with a note", () => {
    const e = evaluatePolicy({ Statement: ["Allow", trust().Statement[0]] }, req({}));
    expect(e.decision).toBe("allow");
    expect(e.reasons[0].applies).toBe(false);
    expect(e.reasons[0].notes.join()).toMatch(/not a JSON object/);
  });

  test("an invalid Effect never applies", () => {
    expect(decide(trust(undefined, { Effect: "allow" }), {})).toBe("implicit-deny");
  });

  test("a Condition that is not an object never applies", () => {
    expect(decide(trust(undefined, { Condition: "StringEquals" }), {})).toBe("implicit-deny");
  });

  test("a condition value that is an object fails", () => {
    expect(decide(trust({ StringEquals: { [SUB]: { x: 1 } } }), { [SUB]: MAIN })).toBe("implicit-deny");
  });

  test("an operator whose value is not an object of keys fails", () => {
    expect(decide(trust(undefined, { Condition: { StringEquals: MAIN } }), { [SUB]: MAIN })).toBe("implicit-deny");
  });
});

describe("traces", () => {
  test("a failed condition reports operator, key, the request value and the allowed values", () => {
    const e = evaluatePolicy(
      trust({ StringEquals: { [SUB]: "repo:x/y:ref:refs/heads/main" } }),
      req({ [SUB]: "repo:x/y:environment:production" }),
    );
    const [c] = e.reasons[0].conditions;
    expect(c).toMatchObject({
      operator: "StringEquals",
      key: SUB,
      policyValues: ["repo:x/y:ref:refs/heads/main"],
      requestValues: ["repo:x/y:environment:production"],
      passed: false,
    });
    expect(c.explanation).toBe(
      `the condition StringEquals ${SUB} failed: got repo:x/y:environment:production, allowed repo:x/y:ref:refs/heads/main`,
    );
  });

  test("explainEvaluation lists why each statement did not apply", () => {
    const e = evaluatePolicy(trust({ StringEquals: { [SUB]: MAIN } }), req({}, { action: "sts:AssumeRole" }));
    const text = explainEvaluation(e);
    expect(text).toMatch(/^decision: implicit-deny/);
    expect(text).toMatch(/not in Action/);
    expect(text).toMatch(/the key is absent/);
  });
});

describe("Resource, when the request names one (identity policies and boundaries)", () => {
  const ROLES = "arn:aws:iam::000123456789:role/github-actions-platform/*";
  const identity = (...statements: object[]) => ({ Version: "2012-10-17", Statement: statements });
  const decide = (doc: unknown, resource?: string) => evaluatePolicy(doc, { action: "iam:PutRolePolicy", context: {}, ...(resource ? { resource } : {}) }).decision;

  test("an Allow applies only to a matching resource; a wildcard spans `/` and `:`", () => {
    const doc = identity({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: ROLES });
    expect(decide(doc, "arn:aws:iam::000123456789:role/github-actions-platform/runner")).toBe("allow");
    expect(decide(doc, "arn:aws:iam::000123456789:role/github-actions-platform/a/b")).toBe("allow");
    expect(decide(doc, "arn:aws:iam::000123456789:role/OrganizationAccountAccessRole")).toBe("implicit-deny");
    expect(decide(doc, "arn:aws:iam::000123456789:role/GitHub-Actions-Platform/runner")).toBe("implicit-deny");
  });

  test("a Deny on the resource wins over an Allow on its pattern", () => {
    const self = "arn:aws:iam::000123456789:role/github-actions-platform/deploy";
    const doc = identity({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: ROLES }, { Effect: "Deny", NotAction: ["iam:GetRole"], Resource: [self] });
    const e = evaluatePolicy(doc, { action: "iam:PutRolePolicy", resource: self, context: {} });
    expect(e.decision).toBe("explicit-deny");
    expect(e.matched).toEqual({ statementIndex: 1 });
    expect(decide(doc, "arn:aws:iam::000123456789:role/github-actions-platform/runner")).toBe("allow");
  });

  test("NotResource applies to every resource but those listed", () => {
    const doc = identity({ Effect: "Allow", Action: "iam:PutRolePolicy", NotResource: ROLES });
    expect(decide(doc, "arn:aws:iam::000123456789:role/admin")).toBe("allow");
    expect(decide(doc, "arn:aws:iam::000123456789:role/github-actions-platform/x")).toBe("implicit-deny");
  });

  test("a statement without Resource never applies to a named resource, and says why", () => {
    const e = evaluatePolicy(identity({ Effect: "Allow", Action: "iam:PutRolePolicy" }), { action: "iam:PutRolePolicy", resource: "arn:aws:iam::1:role/x", context: {} });
    expect(e.decision).toBe("implicit-deny");
    expect(explainEvaluation(e)).toMatch(/neither Resource nor NotResource/);
  });

  test("without a resource in the request, Resource is not evaluated (trust policies), as before", () => {
    const doc = identity({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: ROLES });
    const e = evaluatePolicy(doc, { action: "iam:PutRolePolicy", context: {} });
    expect(e.decision).toBe("allow");
    expect(e.reasons[0].notes.join()).toMatch(/not evaluated: the request names no resource/);
  });

  test("explainEvaluation names the resource that did not match", () => {
    const doc = identity({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: ROLES });
    expect(explainEvaluation(evaluatePolicy(doc, { action: "iam:PutRolePolicy", resource: "arn:aws:iam::1:role/x", context: {} }))).toMatch(
      /resource arn:aws:iam::1:role\/x is not in Resource/,
    );
  });
});

