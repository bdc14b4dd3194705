/**
 * Layer 3 (stacks): the region's partition reaches every ARN both stacks write (trust policies,
 * permissions, the boundary, the CI roles' policies, the Actions variables), and a region in no
 * known partition is refused with its path and line instead of being written as `arn:aws:...`.
 */
import { runGuardrails } from "../../guardrails/report";
import { configError, edited } from "../helpers/config-errors";
import { withSelf } from "../helpers/self";
import { examplePlatform } from "../guardrails/helpers";
import { synthStack } from "../helpers/synth";

/** Every `arn:<partition>:` in the synthesized JSON of both stacks, with the partition. */
function arnPartitions(region: string) {
  const { platform } = examplePlatform((d) => {
    withSelf(d);
    d.aws.region = region;
  });
  const json = JSON.stringify([synthStack(platform.aws), synthStack(platform.github)]);
  const arns = [...json.matchAll(/arn:([a-z0-9-]*):[a-z0-9-]+:/g)].map((m) => m[0]);
  return { platform, arns, partitions: new Set([...json.matchAll(/arn:([a-z0-9-]*):/g)].map((m) => m[1])), json };
}

describe.each([
  ["ap-northeast-1", "aws", "amazonaws.com"],
  ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
  ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
  ["us-iso-east-1", "aws-iso", "c2s.ic.gov"],
  ["us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"],
  ["eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"],
  ["us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"],
])("aws.region %s", (region, partition, dnsSuffix) => {
  const { platform, arns, partitions, json } = arnPartitions(region);

  test(`every ARN of both stacks is in partition ${partition}`, () => {
    // GIVEN the example with self (CI roles, state bucket) in that region
    // THEN IAM, ECR, CodeBuild, logs, connections, KMS and S3 ARNs are all there, all in the partition
    const services = new Set(arns.map((a) => a.split(":")[2]));
    expect([...services].sort()).toEqual(expect.arrayContaining(["codebuild", "codeconnections", "ecr", "iam", "kms", "logs", "s3"]));
    expect([...partitions]).toEqual([partition]);
  });

  test(`the ECR registry the workflows log in to ends in ${dnsSuffix}`, () => {
    expect(json).toContain(`000123456789.dkr.ecr.${region}.${dnsSuffix}`);
  });

  test("the guardrails find nothing (OIDC-009 reads the partition back from the role ARNs)", () => {
    expect(runGuardrails([platform.aws, platform.github])).toEqual([]);
  });
});

describe("a region in no known partition", () => {
  it.each(["xx-east-1", "us-isoz-east-1"])("%s is refused with its path, line and the partitions known", (region) => {
    // GIVEN a region the schema's shape admits but no partition claims
    const error = configError(edited((c) => (c.aws.region = region)));

    // THEN the loader says where and what is allowed, and nothing is synthesized
    expect(error.message).toMatch(new RegExp(`platform\\.yaml:\\d+ aws\\.region: "${region}" is in no AWS partition the template knows: aws \\(us-, eu-`));
    expect(error.message).toContain("aws-cn (cn-), aws-us-gov (us-gov-), aws-iso (us-iso-)");
  });

  test("the state bucket's region is checked the same way", () => {
    const error = configError(edited((c) => (c.aws.stateBackend = { bucket: "my-org-terraform-state", region: "xx-east-1" })));
    expect(error.message).toMatch(/aws\.stateBackend\.region: "xx-east-1" is in no AWS partition/);
  });
});
