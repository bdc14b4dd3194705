/**
 * IAM's wildcards, the one implementation every reader of policies uses (the evaluator, the IAM and
 * CodeBuild rules, diagnose): `*` is any run of characters (none included, and newlines too: IAM
 * has no notion of lines), `?` exactly one character, everything else literal, regular-expression
 * metacharacters included. No regex is built, so there is nothing to escape and nothing to cache.
 *
 * Case, as IAM has it: action names are case-insensitive ({@link actionMatches}); resource ARNs and
 * the values of StringLike and ArnLike are case-sensitive ({@link globMatch}).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */

/** Does the pattern hold a wildcard (`*` or `?`)? */
export function isWildcardPattern(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

/**
 * Case-sensitive IAM wildcard match of the whole text. `?` is one Unicode character (a code point:
 * a surrogate pair is one). Greedy, backtracking only to the last `*`: linear in practice, never
 * exponential. Walks UTF-16 units (no copies); a retry after a `*` may start inside a pair, where a
 * literal cannot match and a `?` taking the pair's second half ends where one taking the whole pair
 * from its start would, so the answer is the one code points give.
 */
export function globMatch(pattern: string, text: string): boolean {
  if (!isWildcardPattern(pattern)) return pattern === text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < text.length) {
    const p = pi < pattern.length ? pattern.charCodeAt(pi) : -1;
    if (p === QUESTION) {
      pi++;
      ti += isPairAt(text, ti) ? 2 : 1;
    } else if (p === STAR) {
      star = pi++;
      mark = ti;
    } else if (p !== -1 && p === text.charCodeAt(ti)) {
      pi++;
      ti++;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < pattern.length && pattern.charCodeAt(pi) === STAR) pi++;
  return pi === pattern.length;
}

const STAR = 42;
const QUESTION = 63;

/** Does a surrogate pair (one character outside the Basic Multilingual Plane) start at `i`? */
function isPairAt(s: string, i: number): boolean {
  const hi = s.charCodeAt(i);
  if (hi < 0xd800 || hi > 0xdbff || i + 1 >= s.length) return false;
  const lo = s.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}

/** Does an Action/NotAction pattern (e.g. `iam:Put*`) cover this action? Case-insensitive, as IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern.toLowerCase(), action.toLowerCase());
}
