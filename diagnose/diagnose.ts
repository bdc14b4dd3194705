/**
 * diagnose(input): the known failures in a log, an error message or CloudTrail JSON, each with its
 * cause and fix, made specific to the config when one is given.
 */
import { describeEvent } from "./cloudtrail";
import { EXPLAINERS } from "./explainers";
import { parseInput } from "./input";
import { recogniseEvents, recogniseText } from "./recognise";
import { stripControls } from "./sanitize";
import type { DiagnoseContext, Diagnosis, Explanation } from "./types";

export interface Report {
  readonly diagnoses: readonly Diagnosis[];
  /** About the input and the context (leniencies, events without a known error, ...). */
  readonly notes: readonly string[];
}

/**
 * Throws MalformedJsonError for input that starts like JSON but does not parse. Terminal escapes
 * are removed first, so a coloured log matches like a plain one (CloudTrail fields, which JSON
 * can still carry escapes in, are cleaned where the report is rendered).
 */
export function diagnose(raw: string, ctx: DiagnoseContext): Report {
  const text = stripControls(raw);
  const input = parseInput(text);
  const notes = [...input.notes];
  let matches;
  if (input.events) {
    matches = recogniseEvents(input.events, text);
    const failed = input.events.filter((e) => e.errorCode);
    if (failed.length === 0) notes.push(`${input.events.length} CloudTrail event(s), none with an errorCode: nothing failed there`);
    const explained = new Set(matches.map((m) => m.event));
    for (const e of failed.filter((e) => !explained.has(e))) notes.push(`not a known failure: ${describeEvent(e)}${e.errorMessage ? `: ${e.errorMessage}` : ""}`);
  } else {
    matches = recogniseText(text);
  }
  const diagnoses = matches.map((match): Diagnosis => {
    let explanation: Explanation = {};
    const explain = EXPLAINERS[match.failure.id];
    if (explain) {
      try {
        explanation = explain(match, ctx);
      } catch (e) {
        // A failure in the config-specific part must not hide the recognised failure.
        notes.push(`could not relate ${match.failure.id} to ${ctx.configFile}: ${(e as Error).message}`);
      }
    }
    return {
      failure: match.failure,
      evidence: match.evidence,
      ...(match.line === undefined ? {} : { line: match.line }),
      facts: explanation.facts ?? [],
      causes: explanation.causes ?? [],
      fixes: explanation.fixes ?? [],
      details: explanation.details ?? [],
    };
  });
  return { diagnoses, notes: [...notes, ...ctx.notes] };
}
