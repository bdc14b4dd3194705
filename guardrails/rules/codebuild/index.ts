import type { Rule } from "../../types";

/** The codebuild rules, in id order. */
export const CODEBUILD_RULES: readonly Rule[] = [];
