/**
 * A pure evaluator of one IAM policy document (trust policies first of all) against one request,
 * with a per-statement trace that says why each statement did or did not apply. The guardrails use
 * it to prove before apply that a generated job can assume its role (and that look-alike tokens
 * cannot); the `diagnose` tool reuses the trace to explain AccessDenied events.
 *
 * Scope: the semantics of a single policy document (no SCPs, sessions, or identity/resource policy
 * interplay; a permissions boundary is evaluated as its own document, and the caller ANDs the
 * decisions). `Resource`/`NotResource` are evaluated only when the request names a resource
 * (trust policies have none); then they match like IAM resource ARNs: `*` and `?` may cross `:`
 * and `/`, case-sensitively. Policy variables (`${aws:...}`) are not substituted: `${` is literal.
 *
 * Never throws on user data: a malformed document or statement is an implicit deny (or a
 * statement that does not apply) with the reason in the trace.
 *
 * Rules followed, with their sources:
 * - Missing keys: "If the key that you specify in a policy condition is not present in the request
 *   context, the values do not match and the condition is false. If the policy condition requires
 *   that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not
 *   present, the condition is true. This logic applies to all condition operators except
 *   ...IfExists and Null check."
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *   So here: a negated operator (String/Arn/Numeric/Date...Not...) with the key absent PASSES;
 *   a positive one FAILS.
 * - Set qualifiers: ForAllValues is true when every request value matches, and also when the key
 *   is absent or empty; ForAnyValue needs at least one request value to match, so it is false when
 *   the key is absent (and an IfExists suffix does not change that).
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * - Values of one key are OR-ed (a negated operator needs the request value to match none of them);
 *   keys of one operator, and operators of one Condition, are AND-ed.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 * - ArnEquals and ArnLike behave the same: each of the six colon-separated parts is matched on its
 *   own, case-sensitively, with `*` / `?` wildcards that do not cross a colon.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 *
 * Choices where AWS documents nothing (each is flagged in the trace when it applies):
 * - A request value with several entries under an operator WITHOUT a set qualifier must satisfy
 *   the operator with every entry. OIDC claims such as `sub` are single strings, so a list there
 *   is a forged or broken context; being strict keeps it from passing.
 * - An empty list in the request context counts as an absent key.
 * - Operator names are matched exactly (case-sensitive); unknown operators fail the condition.
 * - `Principal: {"AWS": "*"}` is treated like `Principal: "*"` (matches any principal), which is
 *   the pessimistic reading for checks that must prove a request is denied.
 */
import { actionMatches, globMatch } from "./glob";
import { parseJsonDocument } from "./parse";
import type { PolicyDocument } from "./policy";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** What the caller asks: "may this principal do this action, given this context?" */
export interface EvaluationRequest {
  /** e.g. `sts:AssumeRoleWithWebIdentity`; matched case-insensitively against Action/NotAction. */
  readonly action: string;
  /** The calling principal; omit for identity-based policies (statements without Principal). */
  readonly principal?: { readonly federated?: string; readonly service?: string; readonly aws?: string };
  /** Condition keys (matched case-insensitively) to values; `undefined` or `[]` = absent. */
  readonly context: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The resource ARN the action is on, for identity policies and boundaries.
   * @default - Resource/NotResource are not evaluated (a trust policy has none)
   */
  readonly resource?: string;
}

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

/** One `operator: { key: values }` pair of a Condition block, evaluated. */
export interface ConditionTrace {
  /** As written in the policy, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** As written in the policy. */
  readonly key: string;
  /** The policy's values for this key (stringified). */
  readonly policyValues: readonly string[];
  /** The request's values for this key; `undefined` when the key is absent (or empty). */
  readonly requestValues?: readonly string[];
  readonly passed: boolean;
  /** One sentence a user can read, e.g. why it failed. */
  readonly explanation: string;
}

/** Why one statement did or did not apply to the request. */
export interface StatementTrace {
  readonly statementIndex: number;
  readonly sid?: string;
  /** `undefined` when the statement's Effect is missing or invalid (it then never applies). */
  readonly effect?: "Allow" | "Deny";
  /** True when effect, action, principal and every condition matched. */
  readonly applies: boolean;
  readonly action: { readonly matched: boolean; readonly explanation: string };
  readonly principal: { readonly matched: boolean; readonly explanation: string };
  /** Always matched when the request names no resource. */
  readonly resource: { readonly matched: boolean; readonly explanation: string };
  readonly conditionsPassed: boolean;
  readonly conditions: readonly ConditionTrace[];
  /** Anything unusual about the statement (malformed parts, NotPrincipal, Resource ignored...). */
  readonly notes: readonly string[];
}

export interface Evaluation {
  readonly decision: Decision;
  /** The statement that decided: the first matching Deny, else the first matching Allow. */
  readonly matched?: { readonly statementIndex: number; readonly sid?: string };
  readonly reasons: readonly StatementTrace[];
  /** Document-level problems (not an object, no Statement, ...): the reason for an implicit deny. */
  readonly problems: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/**
 * Evaluates `doc` (a parsed policy, or its text in any form {@link parseJsonDocument} reads) against `request`.
 * Any matching Deny wins; else any matching Allow allows; else implicit deny.
 */
export function evaluatePolicy(doc: PolicyDocument | unknown, request: EvaluationRequest): Evaluation {
  const parsed = parseDocument(doc);
  if (typeof parsed === "string") {
    return { decision: "implicit-deny", reasons: [], problems: [parsed] };
  }
  const problems: string[] = [];
  const reasons = parsed.map((statement, index) => evaluateStatement(statement, index, request));
  if (parsed.length === 0) problems.push("the policy has an empty Statement list, so nothing is allowed");

  const deny = reasons.find((r) => r.applies && r.effect === "Deny");
  if (deny) return { decision: "explicit-deny", matched: matchedOf(deny), reasons, problems };
  const allow = reasons.find((r) => r.applies && r.effect === "Allow");
  if (allow) return { decision: "allow", matched: matchedOf(allow), reasons, problems };
  return { decision: "implicit-deny", reasons, problems };
}

/**
 * A short human-readable account of an evaluation: the decision, then for each statement why it
 * did not apply (or which one decided). Meant for guardrail messages and the diagnose tool.
 */
export function explainEvaluation(evaluation: Evaluation): string {
  const lines: string[] = [`decision: ${evaluation.decision}`];
  for (const p of evaluation.problems) lines.push(`  policy: ${p}`);
  for (const r of evaluation.reasons) {
    const name = `statement ${r.statementIndex}${r.sid ? ` (${r.sid})` : ""}`;
    if (r.applies) {
      lines.push(`  ${name}: ${r.effect} applies`);
      continue;
    }
    const why: string[] = [];
    if (!r.effect) why.push("no valid Effect");
    if (!r.action.matched) why.push(r.action.explanation);
    if (!r.principal.matched) why.push(r.principal.explanation);
    if (!r.resource.matched) why.push(r.resource.explanation);
    for (const c of r.conditions) if (!c.passed) why.push(c.explanation);
    lines.push(`  ${name}: does not apply: ${why.join("; ") || r.notes.join("; ")}`);
  }
  return lines.join("\n");
}

function matchedOf(r: StatementTrace): { statementIndex: number; sid?: string } {
  return r.sid === undefined ? { statementIndex: r.statementIndex } : { statementIndex: r.statementIndex, sid: r.sid };
}

/** The statement list, or a string saying why there is none. */
function parseDocument(doc: unknown): unknown[] | string {
  let value = doc;
  if (typeof value === "string") {
    const read = parseJsonDocument(value);
    if ("problem" in read) return `the policy ${read.problem}`;
    value = read.value;
  }
  if (!isRecord(value)) return `the policy is not a JSON object (got ${describeType(value)})`;
  if (!("Statement" in value)) return "the policy has no Statement element";
  const statements = value.Statement;
  if (Array.isArray(statements)) return statements;
  if (isRecord(statements)) return [statements];
  return `the policy's Statement is neither an object nor a list (got ${describeType(statements)})`;
}

function evaluateStatement(raw: unknown, index: number, request: EvaluationRequest): StatementTrace {
  const notes: string[] = [];
  if (!isRecord(raw)) {
    const no = { matched: false, explanation: "statement is not an object" };
    return {
      statementIndex: index,
      applies: false,
      action: no,
      principal: no,
      resource: no,
      conditionsPassed: false,
      conditions: [],
      notes: [`statement ${index} is not a JSON object (got ${describeType(raw)}); ignored`],
    };
  }
  const sid = typeof raw.Sid === "string" ? raw.Sid : undefined;
  const effect = raw.Effect === "Allow" || raw.Effect === "Deny" ? raw.Effect : undefined;
  if (!effect) notes.push(`Effect must be "Allow" or "Deny" (got ${JSON.stringify(raw.Effect) ?? "nothing"}); the statement never applies`);
  if (request.resource === undefined && ("Resource" in raw || "NotResource" in raw)) {
    notes.push("Resource/NotResource is not evaluated: the request names no resource");
  }

  const action = matchElement(raw, "Action", request.action, notes);
  const principal = matchPrincipal(raw, effect, request.principal, notes);
  const resource = request.resource === undefined ? { matched: true, explanation: "no resource in the request" } : matchElement(raw, "Resource", request.resource, notes);
  const { passed: conditionsPassed, traces: conditions } = evaluateConditionBlock(raw.Condition, request.context, notes);

  return {
    statementIndex: index,
    ...(sid === undefined ? {} : { sid }),
    ...(effect === undefined ? {} : { effect }),
    applies: effect !== undefined && action.matched && principal.matched && resource.matched && conditionsPassed,
    action,
    principal,
    resource,
    conditionsPassed,
    conditions,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Action, Resource and Principal
// ---------------------------------------------------------------------------------------------

/** How Action/NotAction and Resource/NotResource differ; everything else about them is the same. */
const ELEMENTS = {
  Action: {
    noun: "action",
    matches: actionMatches,
    neverApplies: "it never applies",
    notNote: "NotAction: the statement applies to every action except those listed",
  },
  // Resource ARNs are case-sensitive; unlike ArnLike, a wildcard here spans `:` and `/`.
  Resource: { noun: "resource", matches: globMatch, neverApplies: "it never applies to a resource", notNote: undefined },
} as const;

/** Does `value` (the request's action or resource) match the statement's `name` or `Not<name>` element? */
function matchElement(
  statement: Record<string, unknown>,
  name: keyof typeof ELEMENTS,
  value: string,
  notes: string[],
): { matched: boolean; explanation: string } {
  const { noun, matches, neverApplies, notNote } = ELEMENTS[name];
  const not = `Not${name}`;
  const has = name in statement;
  if (has === (not in statement)) {
    const explanation = has ? `the statement has both ${name} and ${not}` : `the statement has neither ${name} nor ${not}`;
    notes.push(`${explanation}; ${neverApplies}`);
    return { matched: false, explanation };
  }
  const element = has ? name : not;
  const patterns = stringList(statement[element]);
  if (!patterns) {
    notes.push(`${element} must be a string or a list of strings; the statement never applies`);
    return { matched: false, explanation: `${element} is malformed` };
  }
  const hit = patterns.find((p) => matches(p, value));
  if (has) {
    return hit !== undefined
      ? { matched: true, explanation: `${noun} ${value} matches ${name} ${hit}` }
      : { matched: false, explanation: `${noun} ${value} is not in ${name} ${JSON.stringify(patterns)}` };
  }
  if (notNote !== undefined) notes.push(notNote);
  return hit === undefined
    ? { matched: true, explanation: `${noun} ${value} is not excluded by ${not} ${JSON.stringify(patterns)}` }
    : { matched: false, explanation: `${noun} ${value} is excluded by ${not} ${hit}` };
}

type RequestPrincipal = EvaluationRequest["principal"];

function matchPrincipal(
  statement: Record<string, unknown>,
  effect: "Allow" | "Deny" | undefined,
  principal: RequestPrincipal,
  notes: string[],
): { matched: boolean; explanation: string } {
  const hasPrincipal = "Principal" in statement;
  const hasNotPrincipal = "NotPrincipal" in statement;
  if (hasPrincipal && hasNotPrincipal) {
    notes.push("the statement has both Principal and NotPrincipal; it never applies");
    return { matched: false, explanation: "both Principal and NotPrincipal" };
  }
  if (!hasPrincipal && !hasNotPrincipal) {
    // Identity-based policies carry no Principal: the principal is whoever holds the policy.
    return { matched: true, explanation: "no Principal element (identity-based statement)" };
  }
  if (hasNotPrincipal) {
    notes.push("NotPrincipal is used: AWS discourages it; an Allow with NotPrincipal is treated as never granting");
    if (effect !== "Deny") return { matched: false, explanation: "NotPrincipal in an Allow statement never grants here" };
    const listed = principalMatches(statement.NotPrincipal, principal);
    if (listed.malformed) {
      notes.push(`NotPrincipal is malformed: ${listed.explanation}`);
      // A malformed exclusion list excludes nobody: the Deny applies to every principal.
      return { matched: true, explanation: `NotPrincipal is malformed (${listed.explanation}); the Deny applies to everyone` };
    }
    return listed.matched
      ? { matched: false, explanation: `principal is excluded by NotPrincipal (${listed.explanation})` }
      : { matched: true, explanation: `principal is not excluded by NotPrincipal (${listed.explanation})` };
  }
  const result = principalMatches(statement.Principal, principal);
  if (result.malformed) notes.push(`Principal is malformed: ${result.explanation}`);
  return { matched: result.matched, explanation: result.explanation };
}

function principalMatches(element: unknown, principal: RequestPrincipal): { matched: boolean; malformed: boolean; explanation: string } {
  if (element === "*") return { matched: true, malformed: false, explanation: 'Principal "*" matches everyone' };
  if (!isRecord(element)) {
    return { matched: false, malformed: true, explanation: `expected "*" or an object, got ${describeType(element)}` };
  }
  const wanted = describePrincipal(principal);
  const fields: Array<[string, string | undefined]> = [
    ["Federated", principal?.federated],
    ["Service", principal?.service],
    ["AWS", principal?.aws],
  ];
  for (const [name, value] of Object.entries(element)) {
    const values = stringList(value);
    if (!values) return { matched: false, malformed: true, explanation: `Principal.${name} must be a string or a list of strings` };
    if (name === "AWS" && values.includes("*")) {
      return { matched: true, malformed: false, explanation: 'Principal.AWS "*" matches every principal' };
    }
    const mine = fields.find(([field]) => field === name)?.[1];
    if (mine !== undefined && values.includes(mine)) {
      return { matched: true, malformed: false, explanation: `Principal.${name} lists ${mine}` };
    }
  }
  return {
    matched: false,
    malformed: false,
    explanation: `request principal ${wanted} is not listed in Principal ${JSON.stringify(element)}`,
  };
}

function describePrincipal(p: RequestPrincipal): string {
  if (!p) return "(none)";
  const parts = [
    p.federated === undefined ? undefined : `Federated ${p.federated}`,
    p.service === undefined ? undefined : `Service ${p.service}`,
    p.aws === undefined ? undefined : `AWS ${p.aws}`,
  ].filter((s): s is string => s !== undefined);
  return parts.length === 0 ? "(none)" : parts.join(", ");
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

type Family = "string" | "stringIgnoreCase" | "stringLike" | "arn" | "bool" | "numeric" | "date" | "binary" | "null";

interface OperatorSpec {
  readonly family: Family;
  readonly negated: boolean;
  /** For numeric/date ordering operators. */
  readonly compare?: "eq" | "lt" | "lte" | "gt" | "gte";
}

const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: { family: "string", negated: false },
  StringNotEquals: { family: "string", negated: true },
  StringEqualsIgnoreCase: { family: "stringIgnoreCase", negated: false },
  StringNotEqualsIgnoreCase: { family: "stringIgnoreCase", negated: true },
  StringLike: { family: "stringLike", negated: false },
  StringNotLike: { family: "stringLike", negated: true },
  ArnEquals: { family: "arn", negated: false },
  ArnLike: { family: "arn", negated: false },
  ArnNotEquals: { family: "arn", negated: true },
  ArnNotLike: { family: "arn", negated: true },
  Bool: { family: "bool", negated: false },
  BinaryEquals: { family: "binary", negated: false },
  Null: { family: "null", negated: false },
  NumericEquals: { family: "numeric", negated: false, compare: "eq" },
  NumericNotEquals: { family: "numeric", negated: true, compare: "eq" },
  NumericLessThan: { family: "numeric", negated: false, compare: "lt" },
  NumericLessThanEquals: { family: "numeric", negated: false, compare: "lte" },
  NumericGreaterThan: { family: "numeric", negated: false, compare: "gt" },
  NumericGreaterThanEquals: { family: "numeric", negated: false, compare: "gte" },
  DateEquals: { family: "date", negated: false, compare: "eq" },
  DateNotEquals: { family: "date", negated: true, compare: "eq" },
  DateLessThan: { family: "date", negated: false, compare: "lt" },
  DateLessThanEquals: { family: "date", negated: false, compare: "lte" },
  DateGreaterThan: { family: "date", negated: false, compare: "gt" },
  DateGreaterThanEquals: { family: "date", negated: false, compare: "gte" },
};

/** Known to AWS but not implemented here: named so the trace does not call them "unknown". */
const UNSUPPORTED = new Set(["IpAddress", "NotIpAddress"]);

interface ParsedOperator {
  readonly qualifier?: "ForAnyValue" | "ForAllValues";
  readonly ifExists: boolean;
  readonly base: string;
  readonly spec?: OperatorSpec;
}

function parseOperator(written: string): ParsedOperator {
  let rest = written;
  let qualifier: ParsedOperator["qualifier"];
  for (const q of ["ForAnyValue", "ForAllValues"] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
      break;
    }
  }
  let ifExists = false;
  // `Null` takes no IfExists: the suffix would contradict what Null tests.
  if (rest.endsWith("IfExists") && rest !== "IfExists" && rest.slice(0, -"IfExists".length) !== "Null") {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  const spec = OPERATORS[rest];
  return { ...(qualifier ? { qualifier } : {}), ifExists, base: rest, ...(spec ? { spec } : {}) };
}

function evaluateConditionBlock(
  block: unknown,
  context: EvaluationRequest["context"],
  notes: string[],
): { passed: boolean; traces: ConditionTrace[] } {
  if (block === undefined) return { passed: true, traces: [] };
  if (!isRecord(block)) {
    notes.push(`Condition must be an object (got ${describeType(block)}); the statement never applies`);
    return { passed: false, traces: [] };
  }
  const lookup = contextLookup(context);
  const traces: ConditionTrace[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    if (!isRecord(keys)) {
      traces.push({
        operator,
        key: "",
        policyValues: [],
        passed: false,
        explanation: `the condition ${operator} failed: its value must be an object of condition keys (got ${describeType(keys)})`,
      });
      continue;
    }
    const entries = Object.entries(keys);
    if (entries.length === 0) notes.push(`the condition ${operator} lists no keys (passes vacuously)`);
    for (const [key, rawValues] of entries) {
      traces.push(evaluateCondition(operator, key, rawValues, lookup(key)));
    }
  }
  return { passed: traces.every((t) => t.passed), traces };
}

/** Case-insensitive key lookup; `[]` and `undefined` both mean "absent". */
function contextLookup(context: EvaluationRequest["context"]): (key: string) => string[] | undefined {
  const byLower = new Map<string, string[]>();
  if (isRecord(context)) {
    for (const [k, v] of Object.entries(context)) {
      const lower = k.toLowerCase();
      if (byLower.has(lower)) continue;
      const values = v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);
      byLower.set(lower, values);
    }
  }
  return (key) => {
    const values = byLower.get(key.toLowerCase());
    return values && values.length > 0 ? values : undefined;
  };
}

function evaluateCondition(operator: string, key: string, rawValues: unknown, requestValues: string[] | undefined): ConditionTrace {
  const policyValues = policyValueList(rawValues);
  const base = { operator, key, policyValues: policyValues ?? [], ...(requestValues ? { requestValues } : {}) };
  const got = requestValues === undefined ? "the key is absent" : `got ${requestValues.join(", ")}`;
  const allowed = `${operatorVerb(operator)} ${(policyValues ?? []).join(", ") || "(nothing)"}`;
  const fail = (why: string): ConditionTrace => ({ ...base, passed: false, explanation: `the condition ${operator} ${key} failed: ${why}` });
  const pass = (why: string): ConditionTrace => ({ ...base, passed: true, explanation: `the condition ${operator} ${key} passed: ${why}` });

  if (!policyValues) return fail(`the policy value must be a string, number, boolean or a list of them (got ${describeType(rawValues)})`);
  const op = parseOperator(operator);
  if (!op.spec) {
    return fail(UNSUPPORTED.has(op.base) ? `operator ${op.base} is not supported by this evaluator` : `unknown condition operator ${operator}`);
  }
  const spec = op.spec;

  if (spec.family === "null") {
    // Null tests presence: "true" = the key must be absent, "false" = it must be present.
    const absent = requestValues === undefined;
    const ok = policyValues.some((v) => (v.toLowerCase() === "true" ? absent : v.toLowerCase() === "false" ? !absent : false));
    const state = absent ? "the key is absent" : `the key is present (${requestValues.join(", ")})`;
    return ok ? pass(state) : fail(`${state}, Null expects ${policyValues.join(" or ")}`);
  }

  const perValue = (v: string): boolean => {
    const hit = policyValues.some((p) => valueMatches(spec, p, v));
    return spec.negated ? !hit : hit;
  };

  if (op.qualifier === "ForAllValues") {
    if (requestValues === undefined) {
      return pass("ForAllValues is true when the key is absent or empty (a reason never to use it in an Allow)");
    }
    const bad = requestValues.filter((v) => !perValue(v));
    return bad.length === 0 ? pass(`every value satisfies it (${requestValues.join(", ")})`) : fail(`${bad.join(", ")} does not satisfy it; ${allowed}`);
  }
  if (op.qualifier === "ForAnyValue") {
    if (requestValues === undefined) {
      return fail(`ForAnyValue is false when the key is absent or empty${op.ifExists ? " (IfExists does not change that)" : ""}; ${allowed}`);
    }
    const good = requestValues.filter(perValue);
    return good.length > 0 ? pass(`${good.join(", ")} satisfies it`) : fail(`${got}, ${allowed}`);
  }

  if (requestValues === undefined) {
    if (op.ifExists) return pass("the key is absent and the operator ends in IfExists");
    if (spec.negated) return pass("the key is absent and a negated operator is true for an absent key (AWS IAM docs)");
    return fail(`the key is absent; ${allowed}`);
  }
  const multi = requestValues.length > 1 ? " (several request values without ForAnyValue/ForAllValues: each must satisfy it)" : "";
  const bad = requestValues.filter((v) => !perValue(v));
  return bad.length === 0 ? pass(`${got}${multi}`) : fail(`got ${bad.join(", ")}, ${allowed}${multi}`);
}

function operatorVerb(operator: string): string {
  return /Not(Equals|Like)/.test(operator) ? "must match none of" : "allowed";
}

function valueMatches(spec: OperatorSpec, policyValue: string, requestValue: string): boolean {
  switch (spec.family) {
    case "string":
    case "binary":
      return policyValue === requestValue;
    case "stringIgnoreCase":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "stringLike":
      return globMatch(policyValue, requestValue);
    case "arn":
      return arnMatch(policyValue, requestValue);
    case "bool":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "numeric":
      return compareWith(spec.compare ?? "eq", parseNumber(policyValue), parseNumber(requestValue));
    case "date":
      return compareWith(spec.compare ?? "eq", parseDate(policyValue), parseDate(requestValue));
    case "null":
      return false; // handled before per-value matching
  }
}

/** Orders request against policy: `lt` means request < policy. NaN never matches. */
function compareWith(compare: NonNullable<OperatorSpec["compare"]>, policy: number, request: number): boolean {
  if (Number.isNaN(policy) || Number.isNaN(request)) return false;
  switch (compare) {
    case "eq":
      return request === policy;
    case "lt":
      return request < policy;
    case "lte":
      return request <= policy;
    case "gt":
      return request > policy;
    case "gte":
      return request >= policy;
  }
}

function parseNumber(s: string): number {
  return s.trim() === "" ? NaN : Number(s);
}

/** ISO 8601 dates or epoch seconds, as IAM accepts. */
function parseDate(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? NaN : ms;
}

// ---------------------------------------------------------------------------------------------
// Matching helpers
// ---------------------------------------------------------------------------------------------

/** ArnEquals/ArnLike: six colon-separated parts, each globbed on its own (wildcards stay in their part). */
function arnMatch(pattern: string, arn: string): boolean {
  const pp = splitArn(pattern);
  const ap = splitArn(arn);
  if (!pp || !ap) return false;
  return pp.every((part, i) => globMatch(part, ap[i]));
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(":");
  if (parts.length < 6) return undefined;
  // The resource part may itself contain colons (e.g. log-group:name:*).
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v;
}

/** A string or list of strings; anything else is malformed. */
function stringList(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}

/** Condition values may be JSON strings, numbers or booleans (IAM compares their text). */
function policyValueList(v: unknown): string[] | undefined {
  const scalar = (x: unknown): string | undefined =>
    typeof x === "string" ? x : typeof x === "number" || typeof x === "boolean" ? String(x) : undefined;
  if (Array.isArray(v)) {
    const out = v.map(scalar);
    return out.every((x): x is string => x !== undefined) ? out : undefined;
  }
  const one = scalar(v);
  return one === undefined ? undefined : [one];
}
