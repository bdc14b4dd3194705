/**
 * The trusted subject nearest to a denied one, with what differs. Subjects are taken apart by
 * domain/oidc.ts's parseSubject.
 */
import { globMatch } from "../iam/glob";
import { parseSubject, type SubjectParts } from "../domain/oidc";

/** A subject value a trust policy accepts, with the role and operator it comes from. */
export interface TrustedSubject {
  readonly role: string;
  readonly value: string;
  /** As written, e.g. `StringEquals`, `StringLike`. */
  readonly operator: string;
}

function isPattern(t: TrustedSubject): boolean {
  return /Like/.test(t.operator);
}

/** Does the trusted value accept this subject, under its operator? */
export function accepts(t: TrustedSubject, subject: string): boolean {
  const ignoreCase = /IgnoreCase/.test(t.operator);
  const [value, sub] = ignoreCase ? [t.value.toLowerCase(), subject.toLowerCase()] : [t.value, subject];
  return isPattern(t) ? globMatch(value, sub) : value === sub;
}

export type Difference =
  | { readonly kind: "repository" }
  | { readonly kind: "case"; readonly part: "owner or repository" | "context" }
  | { readonly kind: "format"; readonly token: "legacy" | "immutable" }
  | { readonly kind: "ids" }
  | { readonly kind: "context" }
  | { readonly kind: "unparsed" };

export interface Nearest {
  readonly trusted: TrustedSubject;
  readonly token?: SubjectParts;
  readonly allowed?: SubjectParts;
  readonly differences: readonly Difference[];
  readonly score: number;
}

/**
 * The trusted subject closest to the token's: the same repository first, then the same subject
 * format, then the same kind of context (branch, tag, environment, pull_request), then the
 * closest name.
 */
export function nearestTrusted(subject: string, trusted: readonly TrustedSubject[]): Nearest | undefined {
  let best: Nearest | undefined;
  for (const t of trusted) {
    const candidate = compare(subject, t);
    if (!best || candidate.score < best.score) best = candidate;
  }
  return best;
}

function compare(subject: string, trusted: TrustedSubject): Nearest {
  const token = parseSubject(subject);
  const allowed = parseSubject(trusted.value);
  if (!token || !allowed) {
    return { trusted, differences: accepts(trusted, subject) ? [] : [{ kind: "unparsed" }], score: 1000 + distance(subject.toLowerCase(), trusted.value.toLowerCase()) };
  }
  const differences: Difference[] = [];
  let score = 0;
  const sameRepo = token.owner === allowed.owner && token.repository === allowed.repository;
  const sameRepoIgnoringCase =
    token.owner.toLowerCase() === allowed.owner.toLowerCase() && token.repository.toLowerCase() === allowed.repository.toLowerCase();
  if (!sameRepoIgnoringCase) {
    differences.push({ kind: "repository" });
    score += 500 + distance(`${token.owner}/${token.repository}`.toLowerCase(), `${allowed.owner}/${allowed.repository}`.toLowerCase());
  } else if (!sameRepo) {
    differences.push({ kind: "case", part: "owner or repository" });
    score += 1;
  }
  if (token.form !== allowed.form) {
    differences.push({ kind: "format", token: token.form });
    score += 50;
  } else if (token.form === "immutable" && (token.ownerId !== allowed.ownerId || token.repositoryId !== allowed.repositoryId)) {
    differences.push({ kind: "ids" });
    score += 50;
  }
  const contextTrust: TrustedSubject = { ...trusted, value: allowed.context };
  if (!accepts(contextTrust, token.context)) {
    if (accepts({ ...contextTrust, operator: `${trusted.operator}IgnoreCase` }, token.context)) {
      differences.push({ kind: "case", part: "context" });
      score += 1;
    } else {
      differences.push({ kind: "context" });
      score += token.kind === allowed.kind ? 10 + distance(token.name ?? "", allowed.name ?? "") / 100 : 20;
    }
  }
  return { trusted, token, allowed, differences, score };
}

/** Levenshtein distance, for ranking names. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = up;
    }
  }
  return prev[b.length];
}

export function describeContext(p: SubjectParts): string {
  switch (p.kind) {
    case "branch":
      return `branch ${p.name}`;
    case "tag":
      return `tag ${p.name}`;
    case "environment":
      return `environment ${p.name}`;
    case "pull_request":
      return "a pull_request run";
    case "other":
      return p.context;
  }
}
