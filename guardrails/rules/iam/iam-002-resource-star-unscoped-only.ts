import { asArray } from "../../support";
import type { Rule } from "../../types";
import { actionsOf, allowStatements, POLICY_RESOURCE_TYPES, resourcesOf } from "./policies";

/** Actions this template needs that have no resource-level scoping, so must be granted on "*". */
export const UNSCOPED_ACTIONS: readonly string[] = ["ecr:GetAuthorizationToken"];

export const IAM_002: Rule = {
  id: "IAM-002",
  title: 'Resource "*" only for actions without resource-level scoping (ecr:GetAuthorizationToken)',
  why:
    'An action granted on "*" works on every resource of its kind in the account, including repositories, roles and connections this template does not manage.',
  fix:
    'Grant the action on the exact ARNs (the template does this for everything it emits); keep "*" for ecr:GetAuthorizationToken alone, in its own statement.',
  source: "AWS Service Authorization Reference (resource types per action); checkov CKV_AWS_355; cdk-nag AwsSolutions-IAM5",
  resourceTypes: POLICY_RESOURCE_TYPES,
  check(resource) {
    const unscoped = new Set(UNSCOPED_ACTIONS.map((a) => a.toLowerCase()));
    const problems: string[] = [];
    for (const { label, statement } of allowStatements(resource)) {
      if (statement.NotResource !== undefined) {
        problems.push(`${label} uses NotResource ${JSON.stringify(asArray(statement.NotResource))}: every other resource is granted`);
      }
      if (!resourcesOf(statement).includes("*")) continue;
      const scoped = actionsOf(statement).filter((a) => !unscoped.has(a.toLowerCase()));
      if (scoped.length > 0) problems.push(`${label} allows ${scoped.map((a) => `"${a}"`).join(", ")} on Resource "*"`);
    }
    return problems.length > 0 ? problems : undefined;
  },
};
