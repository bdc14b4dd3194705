/**
 * Reading identity policies out of the IAM resources the IAM rules inspect (parsing and wildcard
 * matching are the IAM library's, iam/). Kept next to the rules (not in guardrails/support.ts)
 * because only the AWS-side rules use it.
 */
import { parsePolicy } from "../../../iam/parse";
import type { Statement } from "../../../iam/policy";
import { asArray } from "../../support";
import type { AppView, SynthResource } from "../../types";

/** Terraform types that carry identity policy documents (a user's or group's inline policy grants as much as a role's). */
export const POLICY_RESOURCE_TYPES = ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_iam_role"] as const;

export interface PolicyView {
  /** Where the document sits, for messages: `policy` or `inline_policy "name"`. */
  readonly where: string;
  /** The statements, or undefined when the document cannot be read (IAM-001 reports that). */
  readonly statements?: Statement[];
}

/** The identity policies of a resource: its `policy`, or an `aws_iam_role`'s inline_policy blocks. */
export function policiesOf(resource: SynthResource): PolicyView[] {
  if (resource.type === "aws_iam_role") {
    return asArray<Record<string, unknown>>(resource.config.inline_policy)
      // An empty block only tells Terraform to remove inline policies: nothing to read.
      .filter((block) => block.policy !== undefined)
      .map((block) => ({ where: `inline_policy "${String(block.name ?? "")}"`, statements: parsePolicy(block.policy)?.Statement }));
  }
  if (resource.config.policy === undefined) return [];
  return [{ where: "policy", statements: parsePolicy(resource.config.policy)?.Statement }];
}

// Five IAM rules read the allow statements of each policy resource: derive them once per resource
// (and again should its policy attributes be replaced).
const allowStatementsOf = new WeakMap<SynthResource, { policy: unknown; inline: unknown; list: readonly AllowStatement[] }>();

export interface AllowStatement {
  readonly label: string;
  readonly statement: Statement;
}

/** Allow statements of every readable policy of the resource, with a label for messages. */
export function allowStatements(resource: SynthResource): readonly AllowStatement[] {
  const { policy, inline_policy: inline } = resource.config;
  const cached = allowStatementsOf.get(resource);
  if (cached && cached.policy === policy && cached.inline === inline) return cached.list;
  const list = policiesOf(resource).flatMap((p) =>
    (p.statements ?? [])
      .map((statement, i) => ({ label: statementLabel(p.where, statement, i), statement }))
      .filter(({ statement }) => statement.Effect === "Allow"),
  );
  allowStatementsOf.set(resource, { policy, inline, list });
  return list;
}

function statementLabel(where: string, statement: Statement, index: number): string {
  const name = typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `#${index + 1}`;
  return where === "policy" ? `statement ${name}` : `${where} statement ${name}`;
}

export function actionsOf(statement: Statement): string[] {
  return asArray(statement.Action).filter((a): a is string => typeof a === "string");
}

export function resourcesOf(statement: Statement): string[] {
  return asArray(statement.Resource).filter((r): r is string => typeof r === "string");
}

/** The service prefix of an action, lower-cased (`ecr` for `ECR:PutImage`). */
export function serviceOf(action: string): string {
  return action.includes(":") ? action.slice(0, action.indexOf(":")).toLowerCase() : action.toLowerCase();
}

/** Regions and account ids the stack's aws providers pin, when they are literal. */
export function stackAwsScope(providers: readonly Record<string, any>[]): { regions: Set<string>; accounts: Set<string> } {
  const regions = new Set<string>();
  const accounts = new Set<string>();
  for (const p of providers) {
    if (typeof p.region === "string") regions.add(p.region);
    for (const a of asArray(p.allowed_account_ids)) if (typeof a === "string") accounts.add(a);
  }
  return { regions, accounts };
}

/** Where a managed policy can be attached (and so grant), and the attributes naming it. */
const ATTACHMENTS: readonly [string, string][] = [
  ["aws_iam_role_policy_attachment", "policy_arn"],
  ["aws_iam_user_policy_attachment", "policy_arn"],
  ["aws_iam_group_policy_attachment", "policy_arn"],
  ["aws_iam_policy_attachment", "policy_arn"],
  ["aws_iam_role_policy_attachments_exclusive", "policy_arns"],
  ["aws_iam_user_policy_attachments_exclusive", "policy_arns"],
  ["aws_iam_group_policy_attachments_exclusive", "policy_arns"],
  ["aws_iam_role", "managed_policy_arns"],
];

/** Does `value` (a reference or a literal ARN) name this aws_iam_policy? */
export function namesPolicy(app: AppView, from: SynthResource, value: unknown, policy: SynthResource): boolean {
  if (typeof value !== "string") return false;
  const target = app.referenced(from, value);
  if (target !== undefined) return target === policy;
  const { name, path } = policy.config;
  return typeof name === "string" && new RegExp(`^arn:[^:]+:iam::\\d{12}:policy${escapeRegExp(typeof path === "string" ? path : "/")}${escapeRegExp(name)}$`).test(value);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * An aws_iam_policy that is the permissions boundary of a role or user of the app and is attached
 * to nothing: it grants nothing (a boundary only caps), so the rules about grants do not apply.
 * Attached anywhere as well, it grants, and is checked like any policy.
 */
export function isBoundaryOnly(app: AppView, policy: SynthResource): boolean {
  if (policy.type !== "aws_iam_policy") return false;
  return app.memo(`iam:boundary-only:${policy.stack}:${policy.type}.${policy.name}`, () => {
    const bounds = ["aws_iam_role", "aws_iam_user"].some((type) =>
      app.ofType(type).some((r) => namesPolicy(app, r, r.config.permissions_boundary, policy)),
    );
    if (!bounds) return false;
    return !ATTACHMENTS.some(([type, attribute]) =>
      app.ofType(type).some((r) => asArray(r.config[attribute]).some((v) => namesPolicy(app, r, v, policy))),
    );
  });
}
