import type { Rule } from "../../types";
import { OIDC_001 } from "./oidc-001-provider-shape";
import { OIDC_002 } from "./oidc-002-one-provider";
import { OIDC_003 } from "./oidc-003-statement-shape";
import { OIDC_004 } from "./oidc-004-audience";
import { OIDC_005 } from "./oidc-005-subject-operator";
import { OIDC_006 } from "./oidc-006-subject-scope";
import { OIDC_007 } from "./oidc-007-claim-template";
import { OIDC_008 } from "./oidc-008-wildcard-operator";
import { OIDC_010 } from "./oidc-010-subject-format";
import { OIDC_011 } from "./oidc-011-evaluated-claims";
import { OIDC_013 } from "./oidc-013-wildcard-opt-in";
import { OIDC_014 } from "./oidc-014-public-pull-request";

/** The OIDC trust rules, in id order. */
export const OIDC_RULES: readonly Rule[] = [OIDC_001, OIDC_002, OIDC_003, OIDC_004, OIDC_005, OIDC_006, OIDC_007, OIDC_008, OIDC_010, OIDC_011, OIDC_013, OIDC_014];
