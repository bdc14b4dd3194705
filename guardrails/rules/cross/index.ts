import type { Rule } from "../../types";
import { CB_010 } from "./cb-010-token-owner-admin";
import { CB_011 } from "./cb-011-runner-label";

/** Cross-side checks: the GitHub side against the AWS side, over the whole app. */
export const CROSS_RULES: readonly Rule[] = [CB_010, CB_011];
