import { asArray } from "../../support";
import type { Rule } from "../../types";

/**
 * AWS managed policies that amount to administrator, full-service or read-write-everything access
 * (names from the AWS managed policy reference): AdministratorAccess*, *FullAccess*
 * (IAMFullAccess, AmazonS3FullAccess, AmazonEC2ContainerRegistryFullAccess, ...), *AdminAccess
 * (AWSCodeBuildAdminAccess, ...), *PowerUser* (PowerUserAccess, AmazonEC2ContainerRegistryPowerUser:
 * push to every repository), and SecretsManagerReadWrite (every secret of the account).
 */
const FORBIDDEN =
  /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?(AdministratorAccess[^/]*|[^/]*PowerUser[^/]*|[^/]*FullAccess[^/]*|[^/]*AdminAccess|SecretsManagerReadWrite)$/;

function policyArnsOf(config: Readonly<Record<string, any>>, type: string): unknown[] {
  switch (type) {
    case "aws_iam_role":
      return asArray(config.managed_policy_arns);
    case "aws_iam_role_policy_attachments_exclusive":
    case "aws_iam_user_policy_attachments_exclusive":
    case "aws_iam_group_policy_attachments_exclusive":
      return asArray(config.policy_arns);
    default:
      return asArray(config.policy_arn);
  }
}

export const IAM_006: Rule = {
  id: "IAM-006",
  title: "No AdministratorAccess, *PowerUser*, *FullAccess*, *AdminAccess or SecretsManagerReadWrite managed policies, on roles, users or groups",
  why:
    "AWS managed admin and full-access policies (AdministratorAccess, PowerUserAccess, IAMFullAccess, AmazonS3FullAccess, AWSCodeBuildAdminAccess, AmazonEC2ContainerRegistryFullAccess or PowerUser, SecretsManagerReadWrite, ...) give a GitHub job, a build or a user far more than pushing an image: deleting repositories, changing IAM, reading every secret.",
  fix:
    "Detach the managed policy; grant what the job needs with deployRoles[].ecrPush / ecrPull or runner.ecrPush in platform.yaml.",
  source: "checkov CKV_AWS_274 (AdministratorAccess); AWS managed policy reference; AWS IAM user guide: AWS managed policies for job functions",
  resourceTypes: [
    "aws_iam_role_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_user_policy_attachment",
    "aws_iam_user_policy_attachments_exclusive",
    "aws_iam_group_policy_attachment",
    "aws_iam_group_policy_attachments_exclusive",
    "aws_iam_policy_attachment",
    "aws_iam_role",
  ],
  check(resource) {
    const bad = policyArnsOf(resource.config, resource.type).filter((arn): arn is string => typeof arn === "string" && FORBIDDEN.test(arn));
    return bad.length > 0 ? bad.map((arn) => `attaches the managed policy "${arn}"`) : undefined;
  },
};
