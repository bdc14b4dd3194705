import type { Rule } from "../../types";

/** The oidc rules, in id order. */
export const OIDC_RULES: readonly Rule[] = [];
