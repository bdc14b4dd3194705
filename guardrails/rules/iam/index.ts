import type { Rule } from "../../types";

/** The iam rules, in id order. */
export const IAM_RULES: readonly Rule[] = [];
