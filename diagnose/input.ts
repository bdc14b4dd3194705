/**
 * What the user gave: plain text (a CodeBuild or Actions log, an error message, Terraform output) or
 * JSON (a CloudTrail event, a GitHub API error body). Input that starts like JSON must parse: a
 * CloudTrail event is only useful whole, so a broken one is reported with its line and column
 * instead of being guessed at.
 */
import { cloudTrailEvents, type CloudTrailEvent } from "./cloudtrail";

export interface ParsedInput {
  readonly text: string;
  /** CloudTrail events, when the input is CloudTrail JSON. */
  readonly events?: readonly CloudTrailEvent[];
  /** Leniencies applied while reading, said in the output. */
  readonly notes: readonly string[];
}

/** Input that looks like JSON but does not parse; the message says where and why. */
export class MalformedJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedJsonError";
  }
}

/**
 * An object, or a list of objects or strings. Log lines that start with a bracket ("[Container] ...",
 * CodeBuild's prefix) are not JSON.
 */
function looksLikeJson(text: string): boolean {
  return /^\s*(?:\{\s*["}]|\[\s*[{"\]])/.test(text);
}

export function parseInput(text: string): ParsedInput {
  if (!looksLikeJson(text)) return { text, notes: [] };
  const notes: string[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (first) {
    // One event copied out of a CloudTrail log's "Records" list keeps the comma that separated it
    // from the next one (seed 001 ends in "},"): that comma alone is forgiven, and said.
    const trimmed = text.trimEnd();
    if (!trimmed.endsWith(",")) throw malformed(text, first as Error);
    try {
      json = JSON.parse(trimmed.slice(0, -1));
      notes.push("ignored the comma after the JSON's last closing bracket (left over from copying one event out of a Records list)");
    } catch {
      throw malformed(text, first as Error);
    }
  }
  const events = cloudTrailEvents(json);
  return events ? { text, events, notes } : { text, notes };
}

function malformed(text: string, error: Error): MalformedJsonError {
  const reason = error.message.replace(/\s*(?:in JSON )?at position \d+.*$/s, "").replace(/\s+/g, " ").trim();
  const position = /position (\d+)/.exec(error.message);
  const lines: string[] = [];
  if (position) {
    const pos = Number(position[1]);
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    const lineText = text.split("\n")[line - 1] ?? "";
    lines.push(`the input looks like JSON but does not parse: line ${line}, column ${column}: ${reason}`);
    lines.push(`  ${lineText.replace(/\t/g, " ")}`);
    lines.push(`  ${" ".repeat(Math.max(0, column - 1))}^`);
  } else {
    lines.push(`the input looks like JSON but does not parse: ${reason}`);
  }
  if (/"eventName"\s*:/.test(text)) {
    lines.push(
      "It looks like a CloudTrail event: paste the event's JSON exactly as CloudTrail shows it (Event history > the event > Event record), without annotations such as '<-- ...' or text around it.",
    );
  } else {
    lines.push("Give JSON exactly as the tool printed it, or plain text (a log or an error message) that does not start with '{' or '['.");
  }
  return new MalformedJsonError(lines.join("\n"));
}
