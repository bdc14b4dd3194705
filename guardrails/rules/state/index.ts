import type { Rule } from "../../types";
import { ST_001 } from "./st-001-state-backend";
import { ST_002 } from "./st-002-prevent-destroy";

/** The state rules, in id order. */
export const STATE_RULES: readonly Rule[] = [ST_001, ST_002];
