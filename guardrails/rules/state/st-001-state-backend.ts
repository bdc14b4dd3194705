import type { Rule } from "../../types";

/**
 * The rule is about the stack, not a resource: it runs on the resource types the template's stacks
 * always contain and reports once per stack, on the first of them the engine visits.
 */
export const STACK_RESOURCE_TYPES = [
  "aws_iam_openid_connect_provider",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_ecr_repository",
  "aws_codeconnections_connection",
  "aws_codebuild_project",
  "aws_cloudwatch_log_group",
  "github_repository_collaborators",
  "github_repository_collaborator",
  "github_team_repository",
  "github_actions_variable",
  "github_actions_secret",
  "github_repository_file",
];

const truthy = (v: unknown) => v === true || v === "true";

export const ST_001: Rule = {
  id: "ST-001",
  title: "State in S3 with encryption and S3-native locking (a local backend is only for trying the template)",
  why:
    "Local state is lost with the laptop and cannot be shared or locked; state holds every resource's attributes, so the S3 backend must encrypt it (encrypt = true), and without use_lockfile two applies can corrupt it (DynamoDB locking is deprecated since Terraform 1.11).",
  fix: "Set aws.stateBackend (bucket, keyPrefix) in platform.yaml: the template writes an s3 backend with encrypt = true and use_lockfile = true.",
  source: "Terraform docs: s3 backend (encrypt, use_lockfile; dynamodb_table deprecated)",
  resourceTypes: STACK_RESOURCE_TYPES,
  severity: "warning",
  check(resource, app) {
    // Report once per stack: on the first resource the engine asks about.
    if (app.memo(`ST-001:${resource.stack}`, () => resource) !== resource) return undefined;
    const backend = app.backend(resource.stack);
    if (backend === undefined || backend.local !== undefined) {
      return `stack "${resource.stack}" keeps its state in a local file: fine for trying the template, not for a team`;
    }
    const s3 = backend.s3;
    // Other backends (remote, gcs, ...) lock and encrypt on their own terms; not this rule's to judge.
    if (s3 === undefined) return undefined;
    const problems: string[] = [];
    if (!truthy(s3.encrypt)) problems.push(`s3 backend of "${resource.stack}" has encrypt = ${JSON.stringify(s3.encrypt ?? "not set")}, not true`);
    if (!truthy(s3.use_lockfile)) problems.push(`s3 backend of "${resource.stack}" has use_lockfile = ${JSON.stringify(s3.use_lockfile ?? "not set")}, not true`);
    if (s3.dynamodb_table !== undefined) problems.push(`s3 backend of "${resource.stack}" sets the deprecated dynamodb_table "${String(s3.dynamodb_table)}"`);
    return problems.length > 0 ? problems : undefined;
  },
};
