/**
 * Policies the way cdktf writes them when a value is a reference: `${jsonencode({...})}` with bare
 * Terraform expressions. The guardrails (and the plan summary) must read them as documents.
 */
import { Fn, TerraformStack } from "cdktf";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { parsePolicy } from "../../guardrails/support";
import { onlyResource, synthStack, testApp } from "../helpers/synth";

function synthesizedPolicy(resource: (bucket: S3Bucket) => unknown): string {
  const stack = new TerraformStack(testApp(), "support");
  const bucket = new S3Bucket(stack, "bucket", { bucket: "b" });
  new IamRolePolicy(stack, "policy", {
    role: "r",
    name: "p",
    policy: Fn.jsonencode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: resource(bucket) }] }),
  });
  return onlyResource(synthStack(stack), "aws_iam_role_policy").policy;
}

describe("parsePolicy of jsonencode(...) with references", () => {
  test("a reference alone", () => {
    const policy = synthesizedPolicy((b) => b.arn);
    expect(parsePolicy(policy)?.Statement[0].Resource).toBe("${aws_s3_bucket.bucket.arn}");
  });

  test("references inside a list, the last one right before the closing bracket", () => {
    const policy = synthesizedPolicy((b) => [b.arn, `${b.arn}/*`]);
    expect(parsePolicy(policy)?.Statement[0].Resource).toEqual(["${aws_s3_bucket.bucket.arn}", "${aws_s3_bucket.bucket.arn}/*"]);
  });

  test("a list whose only element is a reference", () => {
    const policy = synthesizedPolicy((b) => [b.arn]);
    expect(parsePolicy(policy)?.Statement[0].Resource).toEqual(["${aws_s3_bucket.bucket.arn}"]);
  });
});
