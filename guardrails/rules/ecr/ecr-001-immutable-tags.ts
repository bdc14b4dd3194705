import type { Rule } from "../../types";

export const ECR_001: Rule = {
  id: "ECR-001",
  title: "ECR repositories have immutable image tags",
  why:
    "With mutable tags anyone who can push can move `v1.2.3` or `main` to another image: what was reviewed and what is deployed stop being the same thing.",
  fix: "Remove tagMutability: MUTABLE from the repository in platform.yaml (the default is IMMUTABLE); push a new tag instead of moving one.",
  source: "AWS ECR user guide: image tag mutability; checkov CKV_AWS_51",
  resourceTypes: ["aws_ecr_repository"],
  check(resource) {
    const value = resource.config.image_tag_mutability;
    if (value === "IMMUTABLE") return undefined;
    return value === undefined
      ? "image_tag_mutability is not set (the provider default is MUTABLE)"
      : `image_tag_mutability is "${String(value)}", not "IMMUTABLE"`;
  },
};
