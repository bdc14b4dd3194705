import type { Rule } from "../../types";
import { ECR_001 } from "./ecr-001-immutable-tags";
import { ECR_002 } from "./ecr-002-scan-on-push";
import { ECR_003 } from "./ecr-003-kms-encryption";
import { ECR_004 } from "./ecr-004-policy-not-public";
import { ECR_005 } from "./ecr-005-lifecycle-policy";
import { ECR_006 } from "./ecr-006-no-force-delete";

/** The ecr rules, in id order. */
export const ECR_RULES: readonly Rule[] = [ECR_001, ECR_002, ECR_003, ECR_004, ECR_005, ECR_006];
