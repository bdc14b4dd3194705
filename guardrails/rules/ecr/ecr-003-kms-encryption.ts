import type { Rule } from "../../types";
import { block } from "../codebuild/projects";

const KMS_TYPES = new Set(["KMS", "KMS_DSSE"]);

export const ECR_003: Rule = {
  id: "ECR-003",
  title: "ECR repositories are encrypted with KMS",
  why:
    "With KMS every decrypt is logged in CloudTrail and, with a customer managed key, governed by its key policy; AES256 (the default) offers neither, and encryption_type cannot be changed after the repository is created.",
  fix: "Remove encryption.type: AES256 from the repository in platform.yaml (the default is KMS), optionally with encryption.kmsKeyArn.",
  source: "AWS ECR user guide: encryption at rest; checkov CKV_AWS_136",
  resourceTypes: ["aws_ecr_repository"],
  check(resource) {
    const type = block(resource.config.encryption_configuration)?.encryption_type;
    if (typeof type === "string" && KMS_TYPES.has(type)) return undefined;
    return type === undefined
      ? 'encryption_configuration.encryption_type is not set (the default is "AES256")'
      : `encryption_configuration.encryption_type is "${String(type)}", not "KMS"`;
  },
};
