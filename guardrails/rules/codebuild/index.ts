import type { Rule } from "../../types";
import { CB_001 } from "./cb-001-webhook-workflow-job-queued-only";
import { CB_002 } from "./cb-002-runner-source-location";
import { CB_003 } from "./cb-003-connection-auth";
import { CB_004 } from "./cb-004-depends-on-connection-policy";
import { CB_005 } from "./cb-005-webhook-waits-for-connection";
import { CB_006 } from "./cb-006-no-privileged-mode";
import { CB_007 } from "./cb-007-logs-configured";
import { CB_008 } from "./cb-008-artifacts-encrypted";
import { CB_009 } from "./cb-009-no-plaintext-credentials";
import { CB_012 } from "./cb-012-public-runner-actor-filter";
import { CB_013 } from "./cb-013-public-privileged-runner";
import { CB_014 } from "./cb-014-public-organization-runner";

/** The codebuild rules, in id order. */
export const CODEBUILD_RULES: readonly Rule[] = [CB_001, CB_002, CB_003, CB_004, CB_005, CB_006, CB_007, CB_008, CB_009, CB_012, CB_013, CB_014];
