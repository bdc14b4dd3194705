import type { Rule } from "../../types";
import { ST_001 } from "./st-001-state-backend";
import { ST_002 } from "./st-002-prevent-destroy";
import { ST_005 } from "./st-005-one-state-per-stack";

/** The state rules, in id order. */
export const STATE_RULES: readonly Rule[] = [ST_001, ST_002, ST_005];
