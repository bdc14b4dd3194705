/**
 * Reading identity policies out of the IAM resources the IAM rules inspect, and matching IAM
 * action patterns. Kept next to the rules (not in guardrails/support.ts) because only the AWS-side
 * rules use it.
 */
import { asArray, parsePolicy, type Statement } from "../../support";
import type { SynthResource } from "../../types";

/** Terraform types that carry identity policy documents. */
export const POLICY_RESOURCE_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_role"] as const;

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

export function statementLabel(where: string, statement: Statement, index: number): string {
  const name = typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `#${index + 1}`;
  return where === "policy" ? `statement ${name}` : `${where} statement ${name}`;
}

export function actionsOf(statement: Statement): string[] {
  return asArray(statement.Action).filter((a): a is string => typeof a === "string");
}

export function resourcesOf(statement: Statement): string[] {
  return asArray(statement.Resource).filter((r): r is string => typeof r === "string");
}

export function isWildcardPattern(value: string): boolean {
  return /[*?]/.test(value);
}

// The same few patterns are matched for every statement: compile each once (no g flag: stateless).
const globs = new Map<string, RegExp>();

/** IAM glob (`*`, `?`) as a regular expression; actions are case-insensitive, resources are not. */
export function globRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "-"}${pattern}`;
  let regExp = globs.get(key);
  if (regExp === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regExp = new RegExp(`^${body}$`, caseInsensitive ? "i" : "");
    if (globs.size > 10_000) globs.clear();
    globs.set(key, regExp);
  }
  return regExp;
}

/** Does the action pattern of a statement (e.g. `iam:Put*`) cover this concrete action? */
export function actionCovers(pattern: string, action: string): boolean {
  return globRegExp(pattern, true).test(action);
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
