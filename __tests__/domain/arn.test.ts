/**
 * domain/arn.ts: the partition table (as in the AWS SDKs' partitions.json) and the ARNs built
 * and read from it, written out in full: a wrong partition names a resource that does not exist.
 */
import {
  accountOfArn,
  codebuildProjectArn,
  connectionArn,
  dnsSuffixOf,
  ecrRegistry,
  ecrRepositoryArn,
  formatArn,
  isOidcProviderArn,
  kmsKeyArn,
  logGroupArn,
  oidcProviderArn,
  oidcProviderArnIn,
  parseArn,
  parseEcrRepositoryArn,
  parseRoleArn,
  partitionOf,
  partitionOfRegion,
  policyArn,
  roleArn,
  roleNameOfArn,
  rolesUnderPathArn,
  s3Arn,
} from "../../domain/arn";

const ACCOUNT = "000123456789";

describe("partitions", () => {
  it.each([
    ["us-east-1", "aws", "amazonaws.com"],
    ["ap-northeast-1", "aws", "amazonaws.com"],
    ["il-central-1", "aws", "amazonaws.com"],
    ["mx-central-1", "aws", "amazonaws.com"],
    ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
    ["cn-northwest-1", "aws-cn", "amazonaws.com.cn"],
    ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
    ["us-iso-east-1", "aws-iso", "c2s.ic.gov"],
    ["us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"],
    ["eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"],
    ["us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"],
    ["eusc-de-east-1", "aws-eusc", "amazonaws.eu"],
  ])("%s is in partition %s (endpoints *.%s)", (region, partition, dnsSuffix) => {
    expect(partitionOfRegion(region)).toMatchObject({ id: partition, dnsSuffix });
    expect(partitionOf(region)).toBe(partition);
    expect(dnsSuffixOf(region)).toBe(dnsSuffix);
  });

  it.each(["xx-east-1", "us-isoz-east-1", "eu-gov-west-1", "Tokyo", "us-east", ""])("%j is in no known partition", (region) => {
    expect(partitionOfRegion(region)).toBeUndefined();
  });

  test("below the config (which refuses them), an unknown region falls back to aws as the SDKs do", () => {
    expect(partitionOf("xx-east-1")).toBe("aws");
  });
});

describe("every ARN the template builds carries the region's partition", () => {
  const builders: [string, (region: string) => string, (p: string, region: string) => string][] = [
    ["OIDC provider", (r) => oidcProviderArn(ACCOUNT, r), (p) => `arn:${p}:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`],
    ["role", (r) => roleArn(ACCOUNT, r, "deploy", "/a/"), (p) => `arn:${p}:iam::${ACCOUNT}:role/a/deploy`],
    ["roles under a path", (r) => rolesUnderPathArn(ACCOUNT, r, "/a/"), (p) => `arn:${p}:iam::${ACCOUNT}:role/a/*`],
    ["policy", (r) => policyArn(ACCOUNT, r, "/a/", "boundary"), (p) => `arn:${p}:iam::${ACCOUNT}:policy/a/boundary`],
    ["ECR repository", (r) => ecrRepositoryArn(ACCOUNT, r, "team/app"), (p, r) => `arn:${p}:ecr:${r}:${ACCOUNT}:repository/team/app`],
    ["CodeBuild project", (r) => codebuildProjectArn(ACCOUNT, r, "runner"), (p, r) => `arn:${p}:codebuild:${r}:${ACCOUNT}:project/runner`],
    ["log group", (r) => logGroupArn(ACCOUNT, r, "/aws/codebuild/runner"), (p, r) => `arn:${p}:logs:${r}:${ACCOUNT}:log-group:/aws/codebuild/runner`],
    ["connection", (r) => connectionArn(ACCOUNT, r, "*"), (p, r) => `arn:${p}:codeconnections:${r}:${ACCOUNT}:connection/*`],
    ["codestar connection", (r) => connectionArn(ACCOUNT, r, "*", "codestar-connections"), (p, r) => `arn:${p}:codestar-connections:${r}:${ACCOUNT}:connection/*`],
    ["KMS key", (r) => kmsKeyArn(ACCOUNT, r, "*"), (p, r) => `arn:${p}:kms:${r}:${ACCOUNT}:key/*`],
    ["S3 object", (r) => s3Arn(r, "bucket/prefix/*"), (p) => `arn:${p}:s3:::bucket/prefix/*`],
  ];
  const regions = [
    ["ap-northeast-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
    ["us-isof-south-1", "aws-iso-f"],
  ];
  const cases = builders.flatMap(([what, build, expected]) => regions.map(([region, p]) => [what, region, build(region), expected(p, region)] as const));

  it.each(cases)("%s in %s: %s", (_what, _region, built, expected) => {
    expect(built).toBe(expected);
  });
});

describe("ECR registry", () => {
  it.each([
    ["ap-northeast-1", "000123456789.dkr.ecr.ap-northeast-1.amazonaws.com"],
    ["cn-north-1", "000123456789.dkr.ecr.cn-north-1.amazonaws.com.cn"],
    ["us-gov-west-1", "000123456789.dkr.ecr.us-gov-west-1.amazonaws.com"],
    ["us-iso-east-1", "000123456789.dkr.ecr.us-iso-east-1.c2s.ic.gov"],
  ])("in %s is %s", (region, registry) => {
    expect(ecrRegistry(ACCOUNT, region)).toBe(registry);
  });
});

describe("reading ARNs", () => {
  it.each(["ap-northeast-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isof-south-1"])("parseRoleArn reads back roleArn in %s", (region) => {
    expect(parseRoleArn(roleArn(ACCOUNT, region, "web-deploy", "/a/b/"))).toEqual({ partition: partitionOf(region), accountId: ACCOUNT, path: "/a/b/", name: "web-deploy" });
  });

  it.each([
    ["arn:aws:iam::000123456789:role/deploy", "deploy"],
    ["arn:aws-cn:iam::000123456789:role/github-actions-platform/deploy", "deploy"],
    ["arn:aws:iam::000123456789:user/deploy", undefined],
    ["arn:aws:iam::123:role/deploy", undefined],
    ["${aws_iam_role.deploy.arn}", undefined],
    ["deploy", undefined],
  ])("roleNameOfArn(%s) is %s", (arn, name) => {
    expect(roleNameOfArn(arn)).toBe(name);
  });

  it.each([
    ["arn:aws:iam::000123456789:role/deploy", "000123456789"],
    ["arn:aws:sts::000123456789:assumed-role/deploy/session", "000123456789"],
    ["arn:aws-cn:ecr:cn-north-1:000123456789:repository/app", "000123456789"],
    ["arn:aws:s3:::bucket", undefined],
    ["arn:aws:iam::aws:policy/AdministratorAccess", undefined],
    ["not an arn", undefined],
  ])("accountOfArn(%s) is %s", (arn, account) => {
    expect(accountOfArn(arn)).toBe(account);
  });

  test("parseArn is the inverse of formatArn", () => {
    const parts = { partition: "aws-iso", service: "logs", region: "us-iso-east-1", account: ACCOUNT, resource: "log-group:/aws/codebuild/x:*" };
    expect(parseArn(formatArn(parts))).toEqual(parts);
  });

  test("GitHub's OIDC provider is recognised in any partition, and built from another ARN's partition", () => {
    expect(isOidcProviderArn(oidcProviderArn(ACCOUNT, "us-gov-west-1"))).toBe(true);
    expect(isOidcProviderArn(`arn:aws:iam::${ACCOUNT}:oidc-provider/example.com`)).toBe(false);
    expect(oidcProviderArnIn("aws-iso-b", ACCOUNT)).toBe(`arn:aws-iso-b:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
  });
});

describe("parseEcrRepositoryArn", () => {
  test("reads back ecrRepositoryArn in any partition", () => {
    expect(parseEcrRepositoryArn(ecrRepositoryArn(ACCOUNT, "cn-north-1", "team/app"))).toEqual({ partition: "aws-cn", region: "cn-north-1", accountId: ACCOUNT, name: "team/app" });
  });

  test("keeps a pattern in the region or account as written (policies may hold one)", () => {
    expect(parseEcrRepositoryArn("arn:aws:ecr:*:*:repository/app")).toEqual({ partition: "aws", region: "*", accountId: "*", name: "app" });
  });

  it.each(["arn:aws:ecr:us-east-1:000123456789:repository/", "arn:aws:ecr:us-east-1:000123456789:image/app", "${aws_ecr_repository.app.arn}"])("refuses %s", (arn) => {
    expect(parseEcrRepositoryArn(arn)).toBeUndefined();
  });
});
