import type { Rule } from "../../types";

/** The state rules, in id order. */
export const STATE_RULES: readonly Rule[] = [];
