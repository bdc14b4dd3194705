import type { Rule } from "../../types";

/** The workflows rules, in id order. */
export const WORKFLOWS_RULES: readonly Rule[] = [];
