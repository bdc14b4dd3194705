/**
 * IAM policy documents as types: the strict shape the template writes (modules build these) and
 * the tolerant shape every reader gets back from {@link parsePolicy} (rules, diagnose and the plan
 * summary read policies they did not write, so every element may be absent or malformed).
 */

/** JSON as `JSON.parse` returns it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `Condition`: operator (e.g. `StringLike`) -> condition key -> one value or a list of values. */
type ConditionBlock = Record<string, Record<string, string | string[]>>;

/** `Principal` as the template writes it: one kind of principal per statement. */
interface PrincipalBlock {
  readonly Federated?: string;
  readonly Service?: string;
  readonly AWS?: string;
}

/** A statement the template writes. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: PrincipalBlock;
  /** Exactly one of Action and NotAction (the template writes NotAction in Deny statements only). */
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: ConditionBlock;
}

/** A policy document the template writes. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

/** A statement as read from any policy: each element as written, none of them guaranteed. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: Json;
  readonly NotPrincipal?: Json;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: ConditionBlock;
}

/** A policy as read: its statements, always a list (IAM also accepts a single statement object). */
export interface ParsedPolicy {
  readonly Statement: Statement[];
}
