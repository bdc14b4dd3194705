import type { Rule } from "../../types";
import { GH_004 } from "./gh-004-permission-values";
import { GH_005 } from "./gh-005-one-management-style";
import { GH_006 } from "./gh-006-authoritative-collaborators";
import { GH_008 } from "./gh-008-no-plaintext-secrets";
import { GH_009 } from "./gh-009-variable-names";
import { GH_010 } from "./gh-010-provider-credentials";
import { GH_011 } from "./gh-011-api-budget";

/** The github rules, in id order. */
export const GITHUB_RULES: readonly Rule[] = [GH_004, GH_005, GH_006, GH_008, GH_009, GH_010, GH_011];
