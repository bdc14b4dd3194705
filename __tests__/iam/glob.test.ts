/**
 * IAM's wildcards (iam/glob.ts), the one matcher the evaluator, the guardrails and diagnose share.
 */
import { actionMatches, globMatch, isWildcardPattern } from "../../iam/glob";
import { evaluatePolicy } from "../../iam/evaluate";
import { accepts } from "../../diagnose/subject";

describe("globMatch: * and ?", () => {
  test.each([
    ["", "", true],
    ["", "a", false],
    ["*", "", true],
    ["*", "anything at all", true],
    ["?", "", false],
    ["?", "a", true],
    ["?", "ab", false],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["*a", "aaa", true],
    ["a*", "b", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a??c", "abc", false],
    ["**", "x", true],
    ["*?", "", false],
    ["repo:o/r:ref:refs/heads/*", "repo:o/r:ref:refs/heads/feature/x", true],
    ["repo:o/r:ref:refs/heads/*", "repo:o/r:ref:refs/tags/v1", false],
    // Backtracking to the last star: the first candidate for `b` is not the right one.
    ["*ab*abc", "xabyabab abc", true],
    // ? is one character, also outside the Basic Multilingual Plane (a surrogate pair, not half of one).
    ["a?b", "a\u{1F600}b", true],
    ["a??b", "a\u{1F600}b", false],
    ["?", "\u{1F600}", true],
    ["??", "\u{1F600}", false],
    ["*?", "\u{1F600}", true],
    ["*??", "\u{1F600}", false],
    ["*?x", "\u{1F600}y\u{1F600}x", true],
    ["*?\u{1F600}", "x\u{1F600}", true],
    ["\u{1F600}*", "\u{1F600}\u{1F601}", true],
    ["*\u{1F601}", "\u{1F600}\u{1F601}", true],
  ])("%j against %j is %s", (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  test("a star crosses : and / (resource ARNs), unlike ArnLike's per-part matching", () => {
    expect(globMatch("arn:aws:ecr:*", "arn:aws:ecr:eu-west-1:000123456789:repository/team/app")).toBe(true);
  });

  test("without a wildcard the pattern is compared as it is", () => {
    expect(globMatch("ecr:PutImage", "ecr:PutImage")).toBe(true);
    expect(globMatch("ecr:PutImage", "ecr:PutImages")).toBe(false);
  });
});

describe("globMatch: everything but * and ? is literal", () => {
  test.each([".", "+", "^", "$", "(", ")", "[", "]", "{", "}", "|", "\\", "/", "-"])("%j matches only itself", (c) => {
    expect(globMatch(`a${c}*`, `a${c}z`)).toBe(true);
    expect(globMatch(`a${c}*`, "axz")).toBe(false);
  });

  test("a regular expression is not one: a.c, [ab], a+, ^a$ and (a|b) match only their own text", () => {
    expect(globMatch("a.c*", "abc")).toBe(false);
    expect(globMatch("[ab]*", "a")).toBe(false);
    expect(globMatch("[ab]*", "[ab]")).toBe(true);
    expect(globMatch("a+*", "aa")).toBe(false);
    expect(globMatch("^a$*", "^a$")).toBe(true);
    expect(globMatch("(a|b)*", "a")).toBe(false);
  });
});

describe("globMatch: newlines and Unicode", () => {
  // The guardrails' former matcher (guardrails/rules/iam/policies.ts globRegExp) built /^…$/ without
  // the `s` flag, so its `*` and `?` stopped at a newline: these two cases came out false there.
  test("* runs across a newline: IAM has no lines", () => {
    expect(globMatch("arn:aws:codeconnections:*", "arn:aws:codeconnections:eu-west-1:000123456789:connection/a\nb")).toBe(true);
    expect(globMatch("repo:o/r:*", "repo:o/r:ref:refs/heads/x\n")).toBe(true);
  });

  test("? matches a newline", () => {
    expect(globMatch("a?b", "a\nb")).toBe(true);
  });

  test("agrees with a regular-expression reference (flags s and u: code points, newlines) on 20,000 seeded random cases", () => {
    // The reference is what IAM's rules say, written the slow way; the alphabet makes near misses likely.
    const reference = (pattern: string, text: string) =>
      new RegExp(`^${Array.from(pattern, (c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("")}$`, "su").test(text);
    const alphabet = ["a", "b", "\n", ".", "\u{1F600}", "\u{1F601}", "*", "?"];
    // mulberry32: a small seeded generator, so a failure names the same cases on every run.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const word = (max: number, wildcards: boolean) =>
      Array.from({ length: random(max + 1) }, () => alphabet[random(wildcards ? alphabet.length : alphabet.length - 2)]).join("");
    const disagreements: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const pattern = word(6, true);
      const text = word(8, false);
      if (globMatch(pattern, text) !== reference(pattern, text)) disagreements.push(JSON.stringify([pattern, text]));
    }
    expect(disagreements).toEqual([]);
  });
});

describe("case", () => {
  test("globMatch is case-sensitive: resource ARNs and StringLike values", () => {
    expect(globMatch("arn:aws:ecr:*:repository/App", "arn:aws:ecr:eu-west-1:1:repository/app")).toBe(false);
    expect(globMatch("repo:o/r:*", "repo:O/R:ref:refs/heads/main")).toBe(false);
  });

  test("actionMatches ignores case on both sides: action names are case-insensitive", () => {
    expect(actionMatches("ecr:put*", "ecr:PutImage")).toBe(true);
    expect(actionMatches("ECR:PutImage", "ecr:putimage")).toBe(true);
    expect(actionMatches("iam:Put*", "IAM:PUTROLEPOLICY")).toBe(true);
    expect(actionMatches("iam:Put*", "iam:AttachRolePolicy")).toBe(false);
    expect(actionMatches("*", "sts:AssumeRole")).toBe(true);
    expect(actionMatches("s3:Get?bject", "s3:getobject")).toBe(true);
  });
});

describe("isWildcardPattern", () => {
  test.each([
    ["ecr:*", true],
    ["ecr:Get?", true],
    ["arn:aws:iam::1:role/x", false],
    ["", false],
  ])("%j: %s", (value, expected) => {
    expect(isWildcardPattern(value)).toBe(expected);
  });
});

describe("the readers share the one matcher", () => {
  test("the evaluator's StringLike, Action and Resource, and diagnose's accepts, all let * cross a newline", () => {
    const sub = "token.actions.githubusercontent.com:sub";
    const doc = {
      Statement: [
        { Effect: "Allow", Action: "STS:AssumeRole*", Resource: "arn:aws:iam::1:role/*", Condition: { StringLike: { [sub]: "repo:o/r:*" } } },
      ],
    };
    const request = { action: "sts:AssumeRoleWithWebIdentity", resource: "arn:aws:iam::1:role/a\nb", context: { [sub]: "repo:o/r:ref:refs/heads/a\nb" } };
    expect(evaluatePolicy(doc, request).decision).toBe("allow");
    expect(accepts({ role: "r", value: "repo:o/r:*", operator: "StringLike" }, "repo:o/r:ref:refs/heads/a\nb")).toBe(true);
    expect(accepts({ role: "r", value: "repo:o/r:*", operator: "StringEquals" }, "repo:o/r:ref:refs/heads/a\nb")).toBe(false);
  });
});
