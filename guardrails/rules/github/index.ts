import type { Rule } from "../../types";

/** The github rules, in id order. */
export const GITHUB_RULES: readonly Rule[] = [];
