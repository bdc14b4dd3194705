import type { Rule } from "../../types";

/** The ecr rules, in id order. */
export const ECR_RULES: readonly Rule[] = [];
