/**
 * Every guardrail rule, one file each under guardrails/rules/<area>/, in a stable order
 * (the README's rules table is generated from this list).
 */
import type { Rule } from "../types";
import { CODEBUILD_RULES } from "./codebuild";
import { CROSS_RULES } from "./cross";
import { ECR_RULES } from "./ecr";
import { GITHUB_RULES } from "./github";
import { IAM_RULES } from "./iam";
import { OIDC_RULES } from "./oidc";
import { STATE_RULES } from "./state";
import { TERRAFORM_RULES } from "./terraform";
import { WORKFLOWS_RULES } from "./workflows";

export const ALL_RULES: readonly Rule[] = [
  ...OIDC_RULES,
  ...IAM_RULES,
  ...ECR_RULES,
  ...CODEBUILD_RULES,
  ...GITHUB_RULES,
  ...WORKFLOWS_RULES,
  ...STATE_RULES,
  ...CROSS_RULES,
  ...TERRAFORM_RULES,
];
