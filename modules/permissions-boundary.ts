/**
 * The permissions boundary of every role the template creates: the most any of them can ever do,
 * whatever its own policies say. It is the union of what the roles need (the runner and deploy
 * roles' ECR, logs, connection and token grants; the plan and deploy roles' policies), plus the
 * explicit denies that keep every role bounded away from the CI roles and from the boundary
 * itself. A role the deploy role creates must carry this boundary (ci-policies.ts), so nothing it
 * creates can outgrow it.
 */
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { codebuildLogGroupName } from "../config/derive";
import { connectionArn, ecrRepositoryArn, logGroupArn } from "../domain/arn";
import { deployPolicy, protectionStatements, type CiPolicyScope, type IamScope } from "./ci-policies";
import type { PolicyDocument, PolicyStatement } from "../iam/policy";
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS, renderPolicy } from "./policy-document";

export interface BoundaryScope extends IamScope {
  /**
   * The CI roles' scope, when the stack creates them (config `self`): their permissions join
   * the boundary.
   * @default - no CI roles: the boundary holds the runner and deploy roles' grants only
   */
  readonly ci?: CiPolicyScope;
  /**
   * Secrets Manager ARNs of legacy runner tokens.
   * @default - none
   */
  readonly runnerTokenSecretArns?: readonly string[];
}

/** The connection actions a runner uses, for both ARN prefixes (codeconnections, codestar-connections). */
const CONNECTION_USE = ["GetConnection", "GetConnectionToken", "UseConnection"];

export function permissionsBoundaryPolicy(scope: BoundaryScope): PolicyDocument {
  const { accountId, region } = scope;
  const secrets = scope.runnerTokenSecretArns ?? [];
  const workload: PolicyStatement[] = [
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    { Sid: "EcrImages", Effect: "Allow", Action: [...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS], Resource: ecrRepositoryArn(accountId, region, "*") },
    {
      Sid: "RunnerLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: logGroupArn(accountId, region, codebuildLogGroupName("*")),
    },
    {
      Sid: "RunnerConnections",
      Effect: "Allow",
      Action: ["codeconnections", "codestar-connections"].flatMap((prefix) => CONNECTION_USE.map((a) => `${prefix}:${a}`)),
      Resource: [connectionArn(accountId, region, "*", "codeconnections"), connectionArn(accountId, region, "*", "codestar-connections")],
    },
    ...(secrets.length > 0
      ? [{ Sid: "RunnerTokens", Effect: "Allow" as const, Action: "secretsmanager:GetSecretValue", Resource: [...secrets] }]
      : []),
  ];
  // The plan role's reads are a subset of the deploy role's grants (a test holds that).
  const ci = scope.ci ? deployPolicy(scope.ci).Statement.filter((s) => s.Effect === "Allow") : [];
  return { Version: "2012-10-17", Statement: [...mergeAllows([...workload, ...ci]), ...protectionStatements(scope)] };
}

/**
 * IAM caps a managed policy at 6,144 characters (whitespace not counted): Allow statements with
 * the same resources and conditions become one, without Sid, so the boundary stays well inside it.
 */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;

function mergeAllows(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const merged = new Map<string, { resource: string | string[]; condition?: PolicyStatement["Condition"]; actions: Set<string> }>();
  for (const s of statements) {
    const key = JSON.stringify([s.Resource, s.Condition ?? null]);
    const entry = merged.get(key) ?? { resource: s.Resource ?? [], condition: s.Condition, actions: new Set<string>() };
    for (const a of ([] as string[]).concat(s.Action ?? [])) entry.actions.add(a);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ resource, condition, actions }) => ({
    Effect: "Allow" as const,
    Action: actions.size === 1 ? [...actions][0] : [...actions].sort(),
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  }));
}

/** Characters IAM counts against the managed policy size limit. */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).replace(/\s/g, "").length;
}

export interface PermissionsBoundaryProps extends BoundaryScope {
  /** Name of the managed policy. */
  readonly policyName: string;
  /** @default - none besides the provider's default tags */
  readonly tags?: Record<string, string>;
}

/** The boundary as an `aws_iam_policy` under the template's IAM path. */
export class PermissionsBoundary extends Construct {
  readonly resource: IamPolicy;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    const { policyName, tags, ...boundaryScope } = props;
    const document = permissionsBoundaryPolicy(boundaryScope);
    this.resource = new IamPolicy(this, "Resource", {
      name: policyName,
      path: props.iamPath,
      description: "Permissions boundary of every role the github-actions-aws-platform template creates",
      policy: renderPolicy(document),
      tags,
    });
    const size = policySize(document);
    if (size > MANAGED_POLICY_MAX_CHARACTERS) {
      // Found at synth instead of as LimitExceeded halfway through an apply.
      Annotations.of(this).addError(
        `the permissions boundary ${policyName} is ${size} characters; IAM allows ${MANAGED_POLICY_MAX_CHARACTERS} for a managed policy. It grows with each runner project (and legacy token secret) in platform.yaml: use fewer runner projects (an organisation runner can serve many repositories).`,
      );
    }
  }
}
