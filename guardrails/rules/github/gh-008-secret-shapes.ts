/**
 * What an Actions variable must not hold (GH-008): one definition for the config check
 * (config/schema.ts refuses it before synth) and the guardrail (on the synthesized variables, for
 * anything added by hand). A match is reported by kind only, never quoted: it would land in the log.
 */

/** Shapes of credentials, by kind. */
const SECRET_SHAPES: readonly [string, RegExp][] = [
  ["an AWS access key id (AKIA...)", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a GitHub token (ghp_/gho_/ghs_/ghu_/ghr_...)", /\bgh[pousr]_[A-Za-z0-9]/],
  ["a GitHub fine-grained token (github_pat_...)", /\bgithub_pat_[A-Za-z0-9_]/],
  ["a PEM private key", /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/],
  ["a Slack token (xoxb-/xoxp-...)", /\bxox[abprs]-/],
  // scheme://user:password@host: the password is in the URL (postgres://, https://user:token@...).
  ["a URL with a password (scheme://user:password@host)", /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/],
];

/**
 * An AWS secret access key: 40 characters of base64 (A-Z a-z 0-9 / +) standing alone, with or
 * without its AKIA key id nearby. A 40-character hex string (a git commit SHA) is not one: keys mix
 * upper case, lower case and digits.
 */
const BASE64_40 = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
function hasAwsSecretKey(value: string): boolean {
  for (const [candidate] of value.matchAll(BASE64_40)) {
    if (/[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate)) return true;
  }
  return false;
}

/** The kind of secret `value` looks like, or undefined. */
export function secretValueKind(value: string): string | undefined {
  const kind = SECRET_SHAPES.find(([, shape]) => shape.test(value))?.[0];
  if (kind !== undefined) return kind;
  return hasAwsSecretKey(value) ? "an AWS secret access key (40 characters of base64)" : undefined;
}

/** Words in a variable's name that say it holds a secret. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|CREDENTIAL/i;

/** An ARN names a resource (DB_SECRET_ARN: the secret's ARN), it is not the secret itself. */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:\S+$/;

/** The secret word in `name` (e.g. "PASSWORD") when the variable looks like it holds that secret, or undefined. */
export function secretNameWord(name: string, value: string): string | undefined {
  if (ARN.test(value)) return undefined;
  return SECRET_NAME.exec(name)?.[0].toUpperCase();
}
