import type { Rule } from "../../types";
import { IAM_001 } from "./iam-001-no-wildcard-actions";
import { IAM_002 } from "./iam-002-resource-star-unscoped-only";
import { IAM_003 } from "./iam-003-ecr-push-set";
import { IAM_004 } from "./iam-004-no-privilege-escalation";
import { IAM_005 } from "./iam-005-no-inline-policy-block";
import { IAM_006 } from "./iam-006-no-admin-managed-policies";
import { IAM_007 } from "./iam-007-codebuild-service-role";
import { IAM_008 } from "./iam-008-roles-carry-boundary";

/** The iam rules, in id order. */
export const IAM_RULES: readonly Rule[] = [IAM_001, IAM_002, IAM_003, IAM_004, IAM_005, IAM_006, IAM_007, IAM_008];
