import { asArray } from "../../support";
import type { Rule } from "../../types";

/** AWS managed policies that amount to administrator or full-service access. */
const FORBIDDEN = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?(AdministratorAccess[^/]*|PowerUserAccess|[^/]*FullAccess[^/]*|[^/]*AdminAccess)$/;

function policyArnsOf(config: Readonly<Record<string, any>>, type: string): unknown[] {
  switch (type) {
    case "aws_iam_role":
      return asArray(config.managed_policy_arns);
    case "aws_iam_role_policy_attachments_exclusive":
      return asArray(config.policy_arns);
    default:
      return asArray(config.policy_arn);
  }
}

export const IAM_006: Rule = {
  id: "IAM-006",
  title: "No AdministratorAccess, PowerUserAccess or *FullAccess managed policies",
  why:
    "AWS managed admin and full-access policies (AdministratorAccess, PowerUserAccess, IAMFullAccess, AmazonEC2ContainerRegistryFullAccess, ...) give a GitHub job or a build far more than pushing an image: deleting repositories, changing IAM, reading every secret.",
  fix:
    "Detach the managed policy; grant what the job needs with deployRoles[].ecrPush / ecrPull in platform.yaml.",
  source: "checkov CKV_AWS_274 (AdministratorAccess); AWS IAM user guide: AWS managed policies for job functions",
  resourceTypes: [
    "aws_iam_role_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_policy_attachment",
    "aws_iam_role",
  ],
  check(resource) {
    const bad = policyArnsOf(resource.config, resource.type).filter((arn): arn is string => typeof arn === "string" && FORBIDDEN.test(arn));
    return bad.length > 0 ? bad.map((arn) => `attaches the managed policy "${arn}"`) : undefined;
  },
};
