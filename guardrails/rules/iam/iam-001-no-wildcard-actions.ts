import { isWildcardPattern } from "../../../iam/glob";
import { asArray } from "../../support";
import type { Rule } from "../../types";
import { actionsOf, allowStatements, isBoundaryOnly, policiesOf, POLICY_RESOURCE_TYPES } from "./policies";

export const IAM_001: Rule = {
  id: "IAM-001",
  title: "No wildcard or administrator actions in identity policies",
  why:
    "`*` is administrator access and `service:*` (or any `*` in an action) also grants destructive actions and every action AWS adds later: whoever holds a job's credentials gets all of it. A policy the guardrails cannot read cannot be shown to be free of them.",
  fix:
    "Grant named actions only: in platform.yaml use deployRoles[].ecrPush / ecrPull, which emit the exact ECR push set; in a hand-written policy list each action, and write it as a literal document.",
  source: "AWS IAM user guide: grant least privilege; checkov CKV_AWS_1, CKV_AWS_63; cdk-nag AwsSolutions-IAM5",
  resourceTypes: POLICY_RESOURCE_TYPES,
  check(resource, app) {
    // A boundary only caps what roles may do: it grants nothing this rule is about.
    if (isBoundaryOnly(app, resource)) return undefined;
    const problems: string[] = [];
    for (const p of policiesOf(resource)) {
      if (p.statements === undefined) problems.push(`${p.where} is not a literal policy document the guardrails can read`);
    }
    for (const { label, statement } of allowStatements(resource)) {
      if (statement.NotAction !== undefined) {
        // Allow + NotAction grants everything except the listed actions.
        problems.push(`${label} allows every action except NotAction ${JSON.stringify(asArray(statement.NotAction))}`);
      }
      for (const action of actionsOf(statement)) {
        if (action === "*") problems.push(`${label} allows "*": every action of every service (administrator access)`);
        else if (/^[^:]+:\*$/.test(action)) problems.push(`${label} allows "${action}": every action of the service`);
        else if (isWildcardPattern(action)) problems.push(`${label} allows the wildcard action "${action}"`);
      }
    }
    return problems.length > 0 ? problems : undefined;
  },
};
