import type { IConstruct } from "constructs";

/** Metadata type under which a construct carries its suppressions. */
const SUPPRESSION_METADATA = "github-actions-platform/suppress";
const MIN_REASON_LENGTH = 10;

export interface Suppression {
  /** Rule id, e.g. `ECR-001`. */
  readonly rule: string;
  /** Why the finding is accepted; at least 10 characters, shown in synth output. */
  readonly reason: string;
}

export interface PathSuppression extends Suppression {
  /**
   * Construct path, or a prefix of one, as printed in findings
   * (e.g. `aws-000123456789-ap-northeast-1/EcrRepository-legacy`).
   */
  readonly path: string;
}

/**
 * Accepts a finding of `rule` on this construct and everything below it. The reason is printed
 * with every synth, so reviewers keep seeing what was accepted and why.
 */
export function suppressRule(construct: IConstruct, rule: string, reason: string): void {
  construct.node.addMetadata(SUPPRESSION_METADATA, { rule, reason } satisfies Suppression);
}

/** Suppressions attached to this construct itself. */
export function ownSuppressions(construct: IConstruct): Suppression[] {
  return construct.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA).map((m) => m.data as Suppression);
}

/** Suppressions attached to the construct at `path` or any of its ancestors. */
export function constructSuppressions(byPath: ReadonlyMap<string, IConstruct>, path: string): Suppression[] {
  const found: Suppression[] = [];
  for (let p = path; p !== ""; p = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "") {
    const construct = byPath.get(p);
    if (construct) found.push(...ownSuppressions(construct));
  }
  return found;
}

export function pathMatches(suppressionPath: string, resourcePath: string): boolean {
  return resourcePath === suppressionPath || resourcePath.startsWith(`${suppressionPath.replace(/\/$/, "")}/`);
}

/** What is wrong with a suppression itself, or undefined when it is well-formed. */
export function suppressionProblem(s: Suppression, knownRules: ReadonlySet<string>): string | undefined {
  if (!knownRules.has(s.rule)) {
    return `suppression names unknown rule "${s.rule}" (known: ${[...knownRules].sort().join(", ")})`;
  }
  if (typeof s.reason !== "string" || s.reason.trim().length < MIN_REASON_LENGTH) {
    return `suppression of ${s.rule} needs a reason of at least ${MIN_REASON_LENGTH} characters saying why the finding is accepted`;
  }
  return undefined;
}
