/**
 * AWS ARNs and partitions: every ARN the template writes or reads is built and taken apart here.
 *
 * The partition table follows the AWS SDKs' partitions.json (aws-sdk-js-v3
 * packages/util-endpoints/src/lib/aws/partitions.json): a region belongs to the partition whose
 * pattern it matches, and the partition names the ARNs (`arn:<partition>:...`) and the DNS suffix
 * of its endpoints. A region that matches none has no known partition: the config refuses it
 * (config/schema.ts) rather than write ARNs that may name nothing; below the config, the builders
 * fall back to `aws` as the SDKs do.
 */
import { OIDC_HOST } from "./oidc";

export interface Partition {
  /** The ARN partition, e.g. `aws-cn`. */
  readonly id: string;
  /** What its region codes start with: a region is `<prefix>-<name>-<number>`. */
  readonly regionPrefixes: readonly string[];
  /** Endpoint DNS suffix: `<service>.<region>.<dnsSuffix>`. */
  readonly dnsSuffix: string;
}

const PARTITIONS: readonly Partition[] = [
  { id: "aws", regionPrefixes: ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"], dnsSuffix: "amazonaws.com" },
  { id: "aws-cn", regionPrefixes: ["cn"], dnsSuffix: "amazonaws.com.cn" },
  { id: "aws-us-gov", regionPrefixes: ["us-gov"], dnsSuffix: "amazonaws.com" },
  { id: "aws-iso", regionPrefixes: ["us-iso"], dnsSuffix: "c2s.ic.gov" },
  { id: "aws-iso-b", regionPrefixes: ["us-isob"], dnsSuffix: "sc2s.sgov.gov" },
  { id: "aws-iso-e", regionPrefixes: ["eu-isoe"], dnsSuffix: "cloud.adc-e.uk" },
  { id: "aws-iso-f", regionPrefixes: ["us-isof"], dnsSuffix: "csp.hci.ic.gov" },
  { id: "aws-eusc", regionPrefixes: ["eusc-de"], dnsSuffix: "amazonaws.eu" },
];

// The SDKs' regionRegex of each partition: `^(<prefixes>)-\w+-\d+$`.
const REGION_PATTERNS = PARTITIONS.map((p) => ({ partition: p, pattern: new RegExp(`^(?:${p.regionPrefixes.join("|")})-\\w+-\\d+$`) }));

/** The partition of a region, or undefined when no partition's pattern matches it. */
export function partitionOfRegion(region: string): Partition | undefined {
  return REGION_PATTERNS.find((r) => r.pattern.test(region))?.partition;
}

/** The partitions and their region prefixes, for messages: `aws (us-, eu-, ...), aws-cn (cn-), ...`. */
export function describePartitions(): string {
  return PARTITIONS.map((p) => `${p.id} (${p.regionPrefixes.map((r) => `${r}-`).join(", ")})`).join(", ");
}

/** The SDKs' default partition, for a region no pattern matches (the config refuses those). */
function partitionOrDefault(region: string): Partition {
  return partitionOfRegion(region) ?? PARTITIONS[0];
}

/** The ARN partition of a region: `aws`, `aws-cn`, `aws-us-gov`, ... */
export function partitionOf(region: string): string {
  return partitionOrDefault(region).id;
}

/** The DNS suffix of the region's endpoints: `amazonaws.com`, `amazonaws.com.cn`, ... */
export function dnsSuffixOf(region: string): string {
  return partitionOrDefault(region).dnsSuffix;
}

export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  /** Empty for global services (IAM, S3 buckets). */
  readonly region: string;
  /** Empty for S3 buckets. */
  readonly account: string;
  /** Everything after the fifth colon, e.g. `role/path/name`, `log-group:/aws/codebuild/x`. */
  readonly resource: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function formatArn(parts: ArnParts): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

const ARN = /^arn:([\w-]+):([\w-]+):([\w-]*):(\d{12})?:(.*)$/s;

/** The parts of an ARN; undefined when the text is not one (the account, where present, is 12 digits). */
export function parseArn(arn: string): ArnParts | undefined {
  const m = ARN.exec(arn);
  return m ? { partition: m[1], service: m[2], region: m[3], account: m[4] ?? "", resource: m[5] } : undefined;
}

/** The account an ARN names; undefined when it names none (S3) or is no ARN. */
export function accountOfArn(arn: string): string | undefined {
  return parseArn(arn)?.account || undefined;
}

/** An ARN in the region's partition. */
function regional(service: string, region: string, accountId: string, resource: string): string {
  return formatArn({ partition: partitionOf(region), service, region, account: accountId, resource });
}

/** IAM is global: its ARNs carry no region, but the region still decides the partition. */
function iam(region: string, accountId: string, resource: string): string {
  return formatArn({ partition: partitionOf(region), service: "iam", region: "", account: accountId, resource });
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

export function oidcProviderArn(accountId: string, region: string): string {
  return oidcProviderArnIn(partitionOf(region), accountId);
}

/** GitHub's OIDC provider in an account of a partition (as read from another ARN). */
export function oidcProviderArnIn(partition: string, accountId: string): string {
  return formatArn({ partition, service: "iam", region: "", account: accountId, resource: `oidc-provider/${OIDC_HOST}` });
}

/** Does this ARN name GitHub's OIDC provider (in any account and partition)? */
export function isOidcProviderArn(arn: string): boolean {
  return arn.endsWith(`:oidc-provider/${OIDC_HOST}`);
}

/** The one place a role ARN is built: `arn:<partition>:iam::<account>:role<path><name>`. */
export function roleArn(accountId: string, region: string, roleName: string, iamPath: string): string {
  return iam(region, accountId, `role${iamPath}${roleName}`);
}

/** Every role under the path (what the deploy role may manage): `arn:...:role<path>*`. */
export function rolesUnderPathArn(accountId: string, region: string, iamPath: string): string {
  return roleArn(accountId, region, "*", iamPath);
}

/** A customer managed policy, e.g. the permissions boundary: `arn:...:policy<path><name>`. */
export function policyArn(accountId: string, region: string, iamPath: string, policyName: string): string {
  return iam(region, accountId, `policy${iamPath}${policyName}`);
}

export interface ParsedRoleArn {
  readonly partition: string;
  readonly accountId: string;
  /** `/` when the role has no path, else `/a/b/`. */
  readonly path: string;
  readonly name: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/(?:[^/]+\/)*)([\w+=,.@-]+)$/;

/** The inverse of roleArn (and of any IAM role ARN, with or without a path). */
export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1], accountId: m[2], path: m[3], name: m[4] } : undefined;
}

/** The role name an ARN names; undefined when it is no IAM role ARN. */
export function roleNameOfArn(arn: string): string | undefined {
  return parseRoleArn(arn)?.name;
}

// ---------------------------------------------------------------------------------------------
// Regional services
// ---------------------------------------------------------------------------------------------

export function ecrRepositoryArn(accountId: string, region: string, name: string): string {
  return regional("ecr", region, accountId, `repository/${name}`);
}

export interface ParsedEcrRepositoryArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
}

// Region and account as written: a policy may hold a pattern or a reference there.
const ECR_REPOSITORY_ARN = /^arn:([^:]+):ecr:([^:]*):([^:]*):repository\/(.+)$/;

/** The inverse of ecrRepositoryArn, for any text of that shape. */
export function parseEcrRepositoryArn(arn: string): ParsedEcrRepositoryArn | undefined {
  const m = ECR_REPOSITORY_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], accountId: m[3], name: m[4] } : undefined;
}

export function ecrRegistry(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.${dnsSuffixOf(region)}`;
}

export function ecrRepositoryUrl(accountId: string, region: string, name: string): string {
  return `${ecrRegistry(accountId, region)}/${name}`;
}

export function codebuildProjectArn(accountId: string, region: string, projectName: string): string {
  return regional("codebuild", region, accountId, `project/${projectName}`);
}

export function logGroupArn(accountId: string, region: string, logGroupName: string): string {
  return regional("logs", region, accountId, `log-group:${logGroupName}`);
}

/** A connection of AWS CodeConnections, or of its former name `codestar-connections`. */
export function connectionArn(accountId: string, region: string, id: string, service: "codeconnections" | "codestar-connections" = "codeconnections"): string {
  return regional(service, region, accountId, `connection/${id}`);
}

export function kmsKeyArn(accountId: string, region: string, keyId: string): string {
  return regional("kms", region, accountId, `key/${keyId}`);
}

/** S3 ARNs carry neither region nor account: `arn:<partition>:s3:::<bucket>[/<key>]`. */
export function s3Arn(region: string, bucketAndKey: string): string {
  return formatArn({ partition: partitionOf(region), service: "s3", region: "", account: "", resource: bucketAndKey });
}
