import type { Rule } from "../../types";
import { WF_001 } from "./wf-001-permissions";
import { WF_002 } from "./wf-002-pinned-actions";
import { WF_003 } from "./wf-003-no-expressions-in-run";
import { WF_004 } from "./wf-004-checkout-credentials";
import { WF_005 } from "./wf-005-no-secrets-wholesale";
import { WF_006 } from "./wf-006-no-untrusted-triggers";
import { WF_007 } from "./wf-007-no-unsecure-commands";
import { WF_008 } from "./wf-008-escaping-round-trip";
import { WF_009 } from "./wf-009-owned-overwrite";
import { WF_010 } from "./wf-010-template-own-workflows";

/** The workflows rules, in id order. */
export const WORKFLOWS_RULES: readonly Rule[] = [WF_001, WF_002, WF_003, WF_004, WF_005, WF_006, WF_007, WF_008, WF_009, WF_010];
