import { isWildcardPattern } from "../../../iam/glob";
import { asArray } from "../../support";
import type { Rule } from "../../types";
import { actionsOf, allowStatements, isBoundaryOnly, POLICY_RESOURCE_TYPES, resourcesOf } from "./policies";

/** Actions this template needs that have no resource-level scoping, so must be granted on "*". */
const UNSCOPED_ACTIONS: readonly string[] = ["ecr:GetAuthorizationToken"];

/**
 * Wildcards that still name one resource: the log streams of one named log group (CodeBuild
 * names a stream per build, so they cannot be listed), and the six random characters Secrets
 * Manager appends to one named secret.
 */
const ONE_LOG_GROUP_STREAMS = /^(arn:[^:*?]+:logs:[^:*?]*:[^:*?]*:log-group:[^:*?]+|\$\{[^}*?]+\})(?::\*|:log-stream:\*)$/;
const ONE_SECRET = /^arn:[^:*?]+:secretsmanager:[^:*?]+:[^:*?]+:secret:[^:*?]+-\?{6}$/;

function namesOneResource(arn: string): boolean {
  return !isWildcardPattern(arn) || ONE_LOG_GROUP_STREAMS.test(arn) || ONE_SECRET.test(arn);
}

export const IAM_002: Rule = {
  id: "IAM-002",
  title: 'Resource "*" only for actions without resource-level scoping (ecr:GetAuthorizationToken); no wildcards inside ARNs',
  why:
    'An action granted on "*", or on an ARN with a wildcard (`role/*`, `project/*`, `secret:*`), works on every matching resource of the account, including roles, projects and secrets this template does not manage.',
  fix:
    'Grant the action on the exact ARNs (the template does this for everything it emits); keep "*" for ecr:GetAuthorizationToken alone, in its own statement. Wildcards are accepted only for the log streams of one named log group (`log-group:<name>:*`) and the random suffix of one named secret (`secret:<name>-??????`).',
  source: "AWS Service Authorization Reference (resource types per action); AWS IAM user guide: Secrets Manager ARN suffix; checkov CKV_AWS_355, CKV_AWS_356; cdk-nag AwsSolutions-IAM5",
  resourceTypes: POLICY_RESOURCE_TYPES,
  check(resource, app) {
    // A boundary only caps what roles may do: it grants nothing this rule is about.
    if (isBoundaryOnly(app, resource)) return undefined;
    const unscoped = new Set(UNSCOPED_ACTIONS.map((a) => a.toLowerCase()));
    const problems: string[] = [];
    for (const { label, statement } of allowStatements(resource)) {
      if (statement.NotResource !== undefined) {
        problems.push(`${label} uses NotResource ${JSON.stringify(asArray(statement.NotResource))}: every other resource is granted`);
      }
      const resources = resourcesOf(statement);
      if (resources.includes("*")) {
        const scoped = actionsOf(statement).filter((a) => !unscoped.has(a.toLowerCase()));
        if (scoped.length > 0) problems.push(`${label} allows ${scoped.map((a) => `"${a}"`).join(", ")} on Resource "*"`);
      }
      for (const arn of resources.filter((r) => r !== "*" && !namesOneResource(r))) {
        problems.push(`${label} grants ${actionsOf(statement).map((a) => `"${a}"`).join(", ")} on "${arn}": the wildcard reaches every matching resource, not only the ones this template manages`);
      }
    }
    return problems.length > 0 ? problems : undefined;
  },
};
