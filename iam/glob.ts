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
 * Case-sensitive IAM wildcard match of the whole text. `?` is one Unicode character (a code point,
 * not half of a surrogate pair). Greedy, backtracking only to the last `*`: linear in practice,
 * never exponential.
 */
export function globMatch(pattern: string, text: string): boolean {
  if (!isWildcardPattern(pattern)) return pattern === text;
  const p = Array.from(pattern);
  const t = Array.from(text);
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** Does an Action/NotAction pattern (e.g. `iam:Put*`) cover this action? Case-insensitive, as IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern.toLowerCase(), action.toLowerCase());
}
