/**
 * The boundary where text becomes a Terraform string.
 *
 * Terraform reads every string of cdk.tf.json as a template: `${...}` is an interpolation (any
 * expression: `file(...)`, a reference to another resource's attribute) and `%{...}` a directive.
 * A config value that reaches an attribute as it is can therefore read files into the plan, splice
 * another attribute into a policy document, or turn a literal into `*` at apply. Everything the
 * template writes goes through one of the functions below, which turn text into the literal
 * Terraform reads back unchanged:
 *
 * - {@link terraformLiterals} for the arguments of a resource, data source, provider or output
 *   (strings and map keys at any depth; Terraform's JSON syntax evaluates both),
 * - {@link jsonencodeLiterals} for a document handed to cdktf's `Fn.jsonencode`, which cdktf
 *   renders as HCL, where literals are quoted strings with their own escapes.
 *
 * cdktf's own tokens (`${TfToken[TOKEN.n]}`: references, functions the template calls on purpose)
 * are left as they are, so `role: this.resource.name` still becomes `${aws_iam_role.x.name}`.
 * Identifiers (names, branches, tags, environments) are refused by the config schema instead (see
 * {@link identifierProblem}): for them a literal `${` makes no sense.
 */
import { Token } from "cdktf";

// cdktf's token markers (string `${`, list `#{`, map `&{`) with its key characters (cdktf 0.21,
// pinned; __tests__/terraform/injection.test.ts fails if a reference stops resolving).
const CDKTF_TOKEN = /[$#&]\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** Applies `escape` to the literal parts of a string, keeping cdktf tokens as they are. */
function mapLiteralParts(s: string, escape: (literal: string) => string): string {
  if (!Token.isUnresolved(s)) return escape(s);
  let out = "";
  let last = 0;
  for (const m of s.matchAll(CDKTF_TOKEN)) {
    out += escape(s.slice(last, m.index)) + m[0];
    last = (m.index ?? 0) + m[0].length;
  }
  return out + escape(s.slice(last));
}

/**
 * Text as Terraform should read it literally, cdktf tokens untouched. Usually `${` -> `$${` and
 * `%{` -> `%%{`, Terraform's own escapes (function replacements: in a replacement string `$$` is
 * one `$`). Where that is not enough, each special character is written as an interpolation of a
 * quoted literal, which Terraform evaluates to that character (`${"$"}`, `${"\""}`, ...):
 *
 * - next to a token: cdktf reads `${` in such a string as the start of a raw expression and writes
 *   the tokens after an unclosed one without braces (the reference is lost), and a `$` right before
 *   a token would make `$${`;
 * - `cdktf synth --hcl` (the way out of CDKTF) writes a one-line string as `"..."` and escapes its
 *   quotes only when it holds no `${` (it takes those for expressions) and never a backslash: a
 *   description `${" != "" ? file("/etc/passwd") : "}` would become an expression there;
 * - a carriage return: Terraform stops reading templates after a bare one, and --hcl turns it
 *   into a newline;
 * - a line `EOF` in a multi-line string would end the heredoc --hcl writes it as.
 */
export function terraformString(s: string): string {
  const text = Token.isUnresolved(s) ? mapLiteralParts(s, quoteSpecials) : needsQuoting(s) ? quoteSpecials(s) : escapeTemplateText(s);
  return text.includes("\n") ? text.replace(/^([ \t]*)EOF([ \t]*)$/gm, (_m, a: string, b: string) => `${a}\${"EOF"}${b}`) : text;
}

function escapeTemplateText(s: string): string {
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

const QUOTED: Readonly<Record<string, string>> = { $: '${"$"}', "%": '${"%"}', '"': '${"\\""}', "\\": '${"\\\\"}', "\r": '${"\\r"}' };

function needsQuoting(s: string): boolean {
  if (s.includes("\r")) return true;
  if (s.includes("\n")) return false; // --hcl writes a heredoc: quotes and backslashes are literal there
  return s.includes("\\") || (s.includes('"') && s.includes("${"));
}

function quoteSpecials(s: string): string {
  return s.replace(/[$%"\\\r]/g, (c) => QUOTED[c]);
}

const UNQUOTED: Readonly<Record<string, string>> = { '\\"': '"', "\\\\": "\\", "\\r": "\r", $: "$", "%": "%", EOF: "EOF" };

/** What Terraform makes of a literal written by {@link terraformString} (without tokens). */
export function terraformStringValue(s: string): string {
  return s.replace(/\$\$\{|%%\{|\$\{"(\\"|\\\\|\\r|\$|%|EOF)"\}/g, (m: string, quoted: string | undefined) =>
    quoted === undefined ? m.slice(1) : UNQUOTED[quoted],
  );
}

/** Plain data (object literals, arrays): anything else (tokens, constructs, class instances) is kept as it is. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mapStrings(value: unknown, text: (s: string) => string, key: (s: string) => string): unknown {
  if (typeof value === "string") return text(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, text, key));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [key(k), mapStrings(v, text, key)]));
  }
  return value;
}

/**
 * The arguments of a Terraform element with every string and map key made literal: pass a
 * resource's config object through this where it is constructed. Tokens, constructs (dependsOn)
 * and other class instances are kept; argument names (camelCase) never hold `${` or `%{`, so
 * they come out as they went in.
 */
export function terraformLiterals<T>(config: T): T {
  return mapStrings(config, terraformString, terraformString) as T;
}

// ---------------------------------------------------------------------------------------------
// Inside Fn.jsonencode(...)
// ---------------------------------------------------------------------------------------------

/**
 * cdktf renders a jsonencode argument as HCL: each string literal as `"<text>"` with only newlines
 * and `${` escaped (as `\n` and `$${`), map keys as `"<key>"` with nothing escaped (cdktf 0.21,
 * lib/tfExpression.js). A `"` or `\`
 * would end or break the HCL string (and let the rest be read as expressions), `%{` is a
 * directive. These escape what cdktf leaves, so the pair gives the literal.
 */
function hclQuoted(s: string, escapeInterpolation: boolean): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  out = out.replace(/%\{/g, () => "%%{");
  return escapeInterpolation ? out.replace(/\$\{/g, () => "$${") : out;
}

/**
 * A document for `Fn.jsonencode` whose strings and keys Terraform reads as literals; references
 * (tokens) inside it stay references. Use on the whole document, once, right before jsonencode.
 */
export function jsonencodeLiterals<T>(doc: T): T {
  return mapStrings(
    doc,
    (s) => mapLiteralParts(s, (lit) => hclQuoted(lit, false)),
    (k) => mapLiteralParts(k, (lit) => hclQuoted(lit, true)),
  ) as T;
}

// ---------------------------------------------------------------------------------------------
// Identifiers: refused, not escaped
// ---------------------------------------------------------------------------------------------

/** `U+200B` for a code point. */
function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why `s` cannot be an identifier (a name, branch, tag, environment, label), or undefined. An
 * identifier is printable ASCII: an invisible or look-alike character makes `main` + U+200B a
 * second branch next to `main`, and `${`/`%{` would be evaluated by Terraform (escaping an
 * identifier would only make it a name nobody can type).
 */
export function identifierProblem(s: string): string | undefined {
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) continue;
    const kind =
      code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)
        ? "a control character"
        : /\p{Cf}|\p{Zs}|\p{Zl}|\p{Zp}/u.test(ch)
          ? "an invisible (format or space) character"
          : "a non-ASCII character";
    return `contains ${codePointLabel(ch)}, ${kind}: only printable ASCII is allowed here (retype the value; invisible characters make a look-alike of another name)`;
  }
  const template = /\$\{|%\{/.exec(s);
  if (template) {
    return `contains "${template[0]}", which Terraform would evaluate as ${template[0] === "${" ? "an expression" : "a template directive"}: this value is a name (branch, tag, environment, image, ARN), and names cannot contain "\${" or "%{"; write the name itself`;
  }
  return tokenMarkerProblem(s);
}

/**
 * cdktf reads `${TfToken[...]}` (and `#{`/`&{` forms) in any string as one of its own tokens and
 * resolves it to whatever that token stands for (a reference, an expression): no text written in
 * the config may contain the marker, free text included. Undefined when `s` is free of it.
 */
export function tokenMarkerProblem(s: string): string | undefined {
  return /TfToken\[/.test(s)
    ? `contains "TfToken[", the marker of cdktf's internal tokens: cdktf would replace it with one of its own expressions; remove it`
    : undefined;
}
