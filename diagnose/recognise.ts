/**
 * Finds known failures in the input: each failure's patterns are tried on every line, then on the
 * whole input with wrapped lines joined (Terraform wraps error details inside its "│ " box), and
 * on the error messages of CloudTrail events.
 */
import { describeEvent, isWebIdentityEvent, type CloudTrailEvent } from "./cloudtrail";
import { failureById, KNOWN_FAILURES } from "./failures";
import type { KnownFailure, Match } from "./types";

const MAX_EVIDENCE = 300;

export function recogniseText(text: string, failures: readonly KnownFailure[] = KNOWN_FAILURES): Match[] {
  const lines = text.split(/\r?\n/);
  const joined = lines.map(unbox).join(" ").replace(/\s+/g, " ");
  const found: Match[] = [];
  for (const failure of failures) {
    const match = firstLineMatch(failure, lines) ?? joinedMatch(failure, joined);
    if (match) found.push({ failure, text, ...match });
  }
  // In the order the failures appear in the input: the first one is usually the cause of the rest.
  return found.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

function firstLineMatch(failure: KnownFailure, lines: readonly string[]): { evidence: string; line: number } | undefined {
  let best: { evidence: string; line: number } | undefined;
  for (const pattern of failure.patterns) {
    for (let i = 0; i < lines.length && (best === undefined || i < best.line - 1); i++) {
      const line = unbox(lines[i]);
      const m = pattern.exec(line);
      if (m) {
        best = { evidence: excerpt(line, m.index), line: i + 1 };
        break;
      }
    }
  }
  return best;
}

function joinedMatch(failure: KnownFailure, joined: string): { evidence: string } | undefined {
  for (const pattern of failure.patterns) {
    const m = pattern.exec(joined);
    if (m) return { evidence: excerpt(joined, m.index) };
  }
  return undefined;
}

/** A line without Terraform's box drawing and surrounding space. */
function unbox(line: string): string {
  return line.replace(/^\s*[│╷╵]\s?/, "").trim();
}

/** The line, or a window of it around the match when it is long (minified JSON, joined text). */
function excerpt(line: string, at: number): string {
  if (line.length <= MAX_EVIDENCE) return line;
  const start = Math.max(0, Math.min(at - 60, line.length - MAX_EVIDENCE));
  const piece = line.slice(start, start + MAX_EVIDENCE).trim();
  return `${start > 0 ? "…" : ""}${piece}${start + MAX_EVIDENCE < line.length ? "…" : ""}`;
}

/**
 * Failures in CloudTrail events: a denied AssumeRoleWithWebIdentity is seed 001's; any other
 * failed call is recognised by its error message (e.g. an ECR AccessDenied).
 */
export function recogniseEvents(events: readonly CloudTrailEvent[], text: string): Match[] {
  const found: Match[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (!event.errorCode) continue;
    const evidence = `${describeEvent(event)}${event.errorMessage ? `: ${event.errorMessage}` : ""}`;
    let failures: KnownFailure[];
    if (isWebIdentityEvent(event) && event.errorCode === "AccessDenied") {
      failures = [failureById("oidc-assume-role-denied")];
    } else {
      const message = `${event.errorCode}: ${event.errorMessage ?? ""}`;
      failures = KNOWN_FAILURES.filter((f) => f.patterns.some((p) => p.test(message)));
    }
    for (const failure of failures) {
      // One diagnosis per failure and request: a log file repeats the same denied call.
      const key = `${failure.id}|${event.userIdentity?.principalId ?? ""}|${event.requestParameters?.roleArn ?? ""}|${event.errorMessage ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ failure, evidence, text, event });
    }
  }
  return found;
}
