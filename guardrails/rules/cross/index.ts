import type { Rule } from "../../types";
import { CB_010 } from "./cb-010-token-owner-admin";
import { CB_011 } from "./cb-011-runner-label";
import { OIDC_009 } from "./oidc-009-workflow-trust";

/** Cross-side checks: the GitHub side against the AWS side, over the whole app. */
export const CROSS_RULES: readonly Rule[] = [OIDC_009, CB_010, CB_011];
