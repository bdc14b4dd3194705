/**
 * Reading policy documents (iam/parse.ts) in the forms they reach the guardrails, diagnose and the
 * plan summary: objects, JSON text, and `${jsonencode({...})}` as cdktf writes it when a value is a
 * reference (synthesized here with the real cdktf and the template's own renderPolicy).
 */
import { Fn, TerraformStack } from "cdktf";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { mapPolicyStrings, parseJsonDocument, parsePolicy } from "../../iam/parse";
import type { PolicyStatement } from "../../iam/policy";
import { renderPolicy } from "../../modules/policy-document";
import { terraformLiterals } from "../../modules/terraform-text";
import { onlyResource, synthStack, testApp } from "../helpers/synth";

/** The policy attribute of cdk.tf.json for a document built by `statements` (the bucket gives it a reference). */
function synthesized(statements: (bucket: S3Bucket) => PolicyStatement[], raw = false): string {
  const stack = new TerraformStack(testApp(), "parse");
  const bucket = new S3Bucket(stack, "bucket", { bucket: "b" });
  const doc = { Version: "2012-10-17" as const, Statement: statements(bucket) };
  // As the modules write it (renderPolicy + terraformLiterals), or a bare Fn.jsonencode as a hand-written stack might.
  new IamRolePolicy(stack, "policy", terraformLiterals({ role: "r", name: "p", policy: raw ? Fn.jsonencode(doc) : renderPolicy(doc) }));
  return onlyResource(synthStack(stack), "aws_iam_role_policy").policy;
}

const allow = (resource: PolicyStatement["Resource"], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: resource,
  ...extra,
});

describe("parsePolicy of jsonencode(...) with references", () => {
  test("the synthesized attribute is the jsonencode form (else these tests would read JSON)", () => {
    expect(synthesized((b) => [allow(b.arn)])).toMatch(/^\$\{jsonencode\(/);
  });

  test("a reference alone", () => {
    const policy = synthesized((b) => [allow(b.arn)], true);
    expect(parsePolicy(policy)?.Statement[0].Resource).toBe("${aws_s3_bucket.bucket.arn}");
  });

  test("references inside a list, the last one right before the closing bracket", () => {
    const policy = synthesized((b) => [allow([b.arn, `${b.arn}/*`])], true);
    expect(parsePolicy(policy)?.Statement[0].Resource).toEqual(["${aws_s3_bucket.bucket.arn}", "${aws_s3_bucket.bucket.arn}/*"]);
  });

  test("a list whose only element is a reference", () => {
    const policy = synthesized((b) => [allow([b.arn])], true);
    expect(parsePolicy(policy)?.Statement[0].Resource).toEqual(["${aws_s3_bucket.bucket.arn}"]);
  });

  test("an indexed reference keeps its index; true, false and null stay JSON values", () => {
    const hcl = '${jsonencode({"Statement" = [{"Effect" = "Allow", "Resource" = [aws_x.y[0].arn], "Condition" = {"Bool" = {"k" = true, "n" = false}}, "Sid" = null}]})}';
    const s = parsePolicy(hcl)!.Statement[0] as unknown as Record<string, unknown>;
    expect(s.Resource).toEqual(["${aws_x.y[0].arn}"]);
    expect(s.Condition).toEqual({ Bool: { k: true, n: false } });
    expect(s.Sid).toBeNull();
  });
});

describe("literals inside jsonencode(...) read back as written (modules/terraform-text.ts jsonencodeLiterals)", () => {
  test('quotes, backslashes, newlines, tabs and control characters round-trip exactly', () => {
    const sid = 'a"b\\c\nd\te\u0001f';
    const policy = synthesized((b) => [allow(b.arn, { Sid: sid, Condition: { StringEquals: { 'aws:k"\\': ["x\ny", "z\"w"] } } })]);
    const s = parsePolicy(policy)!.Statement[0];
    expect(s.Sid).toBe(sid);
    expect(s.Condition).toEqual({ StringEquals: { 'aws:k"\\': ["x\ny", 'z"w'] } });
  });

  test("Terraform's template escapes stay as written, so a parsed ${ always means a reference", () => {
    // A literal `${aws:username}` (an IAM policy variable) and `%{` are escaped as $${ and %%{ for Terraform.
    const policy = synthesized((b) => [allow([b.arn, "arn:aws:s3:::b/${aws:username}/%{x}"])]);
    expect(policy).toContain("$${aws:username}");
    expect(parsePolicy(policy)!.Statement[0].Resource).toEqual(["${aws_s3_bucket.bucket.arn}", "arn:aws:s3:::b/$${aws:username}/%%{x}"]);
  });
});

describe("parsePolicy of other forms", () => {
  test("JSON text, also with white space around it", () => {
    const text = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
    expect(parsePolicy(`\n ${text} \n`)).toEqual({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
  });

  test("jsonencode text with white space around it", () => {
    expect(parsePolicy(' ${jsonencode({"Statement" = {"Effect" = "Deny"}})}\n')).toEqual({ Statement: [{ Effect: "Deny" }] });
  });

  test("an object: a single statement becomes a list of one; entries that are not objects are dropped", () => {
    expect(parsePolicy({ Statement: { Effect: "Allow" } })).toEqual({ Statement: [{ Effect: "Allow" }] });
    expect(parsePolicy({ Statement: [{ Effect: "Deny" }, "x", 1, null] })).toEqual({ Statement: [{ Effect: "Deny" }] });
    expect(parsePolicy({ Version: "2012-10-17" })).toEqual({ Statement: [] });
  });

  test.each([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["a list", [{ Effect: "Allow" }]],
    ["JSON that is not an object", "[1]"],
    ["text that is not JSON", "{not json"],
    ["a jsonencode argument that is not an object", "${jsonencode(aws_x.y.policy)}"],
    ["a broken jsonencode argument", '${jsonencode({"Statement" = [)}'],
  ])("%s is not a policy: undefined, no exception", (_name, value) => {
    expect(parsePolicy(value)).toBeUndefined();
  });

  test("the same text gives the same (shared) result", () => {
    const text = '{"Statement":[{"Effect":"Allow"}]}';
    expect(parsePolicy(text)).toBe(parsePolicy(text));
  });
});

describe("parseJsonDocument", () => {
  test("reads any JSON document, not only policies (ECR lifecycle policies are written the same way)", () => {
    expect(parseJsonDocument('${jsonencode({"rules" = [{"rulePriority" = 1}]})}')).toEqual({ value: { rules: [{ rulePriority: 1 }] } });
    expect(parseJsonDocument("[1, 2]")).toEqual({ value: [1, 2] });
  });

  test("says why a text cannot be read, as the end of a sentence about it", () => {
    const json = parseJsonDocument("{not json");
    expect("problem" in json && json.problem).toMatch(/^is not valid JSON \(.+\)$/);
    const hcl = parseJsonDocument('${jsonencode({"a" = )}');
    expect("problem" in hcl && hcl.problem).toMatch(/^has a jsonencode\(\.\.\.\) argument that cannot be read \(.+\)$/);
  });
});

describe("mapPolicyStrings", () => {
  test("replaces in every string value at any depth, keeps keys, numbers and booleans, and leaves the shared original alone", () => {
    const text = '${jsonencode({"Statement" = [{"Principal" = {"Federated" = aws_p.x.arn}, "Condition" = {"StringEquals" = {"aws_p.x.arn" = [aws_p.x.arn, 1, true]}}}]})}';
    const original = parsePolicy(text)!;
    const before = JSON.stringify(original);
    const mapped = mapPolicyStrings(original, (s) => s.replace("${aws_p.x.arn}", "arn:aws:iam::1:oidc-provider/x"));
    expect(mapped).toEqual({
      Statement: [{ Principal: { Federated: "arn:aws:iam::1:oidc-provider/x" }, Condition: { StringEquals: { "aws_p.x.arn": ["arn:aws:iam::1:oidc-provider/x", 1, true] } } }],
    });
    expect(JSON.stringify(parsePolicy(text))).toBe(before);
  });
});
