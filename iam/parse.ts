/**
 * Reading policy documents in every form they reach a reader:
 *
 * - an object (already parsed, e.g. a document a module built),
 * - JSON text (a policy attribute of cdk.tf.json whose values are all known at synth, or any
 *   policy value of a Terraform plan),
 * - `${jsonencode({...})}`: what cdktf writes into cdk.tf.json (and a plan keeps as the
 *   configuration's text) when a value is a reference. The HCL object inside is turned back into
 *   JSON; a bare reference (`aws_x.y.arn`) becomes the string `${aws_x.y.arn}`, so readers see
 *   references in both forms alike, as `${...}` strings.
 *
 * Terraform's own template escapes inside string literals (`$${`, `%%{`, see
 * modules/terraform-text.ts) are kept as written: a `${` in a parsed value then always means a
 * reference, and a literal that looks like one stays visibly escaped.
 *
 * Pure and tolerant: unreadable input gives undefined (or a problem sentence), never a throw.
 */
import type { ParsedPolicy, Statement } from "./policy";

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/**
 * The JSON value of a document given as JSON text or as `${jsonencode(...)}`, or why it cannot be
 * read (a predicate: "the policy <problem>"). Also for documents that are not policies (an ECR lifecycle policy is written the same way).
 */
export function parseJsonDocument(text: string): { readonly value: unknown } | { readonly problem: string } {
  // `${jsonencode(...)}` is never JSON: read it as HCL without a failed JSON.parse first (each
  // failure builds a SyntaxError, and most policies with a reference come this way).
  const m = JSONENCODE.exec(text.trim());
  try {
    return { value: JSON.parse(m ? hclObjectToJson(m[1]) : text) };
  } catch (e) {
    return { problem: m ? `has a jsonencode(...) argument that cannot be read (${(e as Error).message})` : `is not valid JSON (${(e as Error).message})` };
  }
}

// Several rules read the same policy: parse each text once.
const parsedPolicies = new Map<string, ParsedPolicy | undefined>();

/**
 * A policy in any of the forms above, with `Statement` as a list of statement objects (a single
 * statement becomes a list of one; entries that are not objects are dropped); undefined when the
 * value is not a readable document. Results for the same text are shared: do not mutate them.
 */
export function parsePolicy(value: unknown): ParsedPolicy | undefined {
  if (typeof value !== "string") return typeof value === "object" && value !== null ? normalise(value) : undefined;
  if (parsedPolicies.has(value)) return parsedPolicies.get(value);
  if (parsedPolicies.size > 10_000) parsedPolicies.clear();
  const read = parseJsonDocument(value);
  const parsed = "value" in read ? normalise(read.value) : undefined;
  parsedPolicies.set(value, parsed);
  return parsed;
}

/**
 * A copy of the policy with `replace` applied to every string value at any depth (keys are kept),
 * e.g. to put the ARN a reader knows in place of a reference. The parsed original is shared
 * (see {@link parsePolicy}): edit a copy, never it.
 */
export function mapPolicyStrings(policy: ParsedPolicy, replace: (s: string) => string): ParsedPolicy {
  const map = (v: unknown): unknown =>
    typeof v === "string"
      ? replace(v)
      : Array.isArray(v)
        ? v.map(map)
        : typeof v === "object" && v !== null
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, map(x)]))
          : v;
  return map(policy) as ParsedPolicy;
}

/**
 * One value or a list of them, as a list: IAM takes either wherever an element holds several
 * (Action, Resource, Principal entries, condition values), and Terraform JSON does for blocks.
 */
export function asArray<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

function normalise(doc: unknown): ParsedPolicy | undefined {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
  const statement = (doc as { Statement?: unknown }).Statement;
  return { Statement: asArray(statement).filter((s): s is Statement => typeof s === "object" && s !== null) };
}

const isWordStart = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
// A-Z a-z _ 0-9 . - [ ] *
const isWordPart = (code: number): boolean =>
  isWordStart(code) || (code >= 48 && code <= 57) || code === 46 || code === 45 || code === 91 || code === 93 || code === 42;

/**
 * HCL object/tuple syntax as cdktf renders it inside jsonencode -> JSON text. cdktf writes keys and
 * string values as quoted literals whose backslash escapes are JSON's (modules/terraform-text.ts
 * hclQuoted), `=` between key and value, and references as bare expressions.
 */
function hclObjectToJson(hcl: string): string {
  // Runs of text that stay as they are (punctuation, numbers, string literals) are copied in one slice.
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < hcl.length) {
    const code = hcl.charCodeAt(i);
    if (code === 34) {
      // A string literal ("), kept with its escapes.
      let j = i + 1;
      while (j < hcl.length && hcl.charCodeAt(j) !== 34) j += hcl.charCodeAt(j) === 92 ? 2 : 1;
      i = j + 1;
    } else if (code === 61) {
      // = -> :
      parts.push(hcl.slice(copied, i), ":");
      copied = ++i;
    } else if (isWordStart(code)) {
      // A bare reference or expression (e.g. aws_x.name.arn): keep it as an interpolation string.
      let j = i;
      // Index brackets belong to the word (aws_x.y[0].arn); a ']' with no '[' of its own closes
      // the list the word sits in ([aws_x.y.arn]).
      let depth = 0;
      while (j < hcl.length && isWordPart(hcl.charCodeAt(j))) {
        const c = hcl.charCodeAt(j);
        if (c === 91) depth++;
        else if (c === 93 && depth-- === 0) break;
        j++;
      }
      const word = hcl.slice(i, j);
      parts.push(hcl.slice(copied, i), word === "true" || word === "false" || word === "null" ? word : JSON.stringify(`\${${word}}`));
      copied = i = j;
    } else {
      i++;
    }
  }
  parts.push(hcl.slice(copied));
  return parts.join("");
}
