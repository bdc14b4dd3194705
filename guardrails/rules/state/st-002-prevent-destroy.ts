import type { Rule } from "../../types";

export const ST_002: Rule = {
  id: "ST-002",
  title: "prevent_destroy on the OIDC provider, ECR repositories, the GitHub connection and KMS keys",
  why:
    "Destroying one of these is not undone by re-applying: every deploy role trusts the OIDC provider, repositories hold the images, a new connection needs the console handshake again, and data under a deleted KMS key is unreadable.",
  fix: "Keep the template's modules (they set lifecycle.prevent_destroy = true); to retire one, remove it from state and delete it deliberately.",
  source: "Terraform docs: lifecycle prevent_destroy",
  resourceTypes: ["aws_iam_openid_connect_provider", "aws_ecr_repository", "aws_codeconnections_connection", "aws_codestarconnections_connection", "aws_kms_key"],
  check(resource) {
    const value = resource.config.lifecycle?.prevent_destroy;
    return value === true ? undefined : `lifecycle.prevent_destroy is ${JSON.stringify(value ?? "not set")}, not true`;
  },
};
