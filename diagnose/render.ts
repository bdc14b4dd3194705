/** The report as plain text for a terminal or a CI log. */
import type { Report } from "./diagnose";
import { KNOWN_FAILURES } from "./failures";
import { stripControls } from "./sanitize";
import type { Diagnosis } from "./types";

/** Markdown for the README; plain words for the terminal. */
function plain(text: string): string {
  return text.replace(/\[([^\]]+)\]\(#[^)]+\)/g, 'README "$1"').replace(/\*\*([^*]+)\*\*/g, "$1");
}

/** Every line echoes untrusted text somewhere (evidence, CloudTrail fields), so the whole report is cleaned of terminal controls. */
export function renderReport(report: Report, inputName: string, configFile: string | undefined): string {
  const out: string[] = [];
  const n = report.diagnoses.length;
  if (n === 0) {
    out.push(`No known failure recognised in ${inputName}.`);
    out.push(`diagnose knows: ${KNOWN_FAILURES.map((f) => f.id).join(", ")}.`);
  } else {
    out.push(`${n} known failure${n === 1 ? "" : "s"} recognised in ${inputName}${configFile ? ` (config: ${configFile})` : " (no config: generic advice)"}.`);
    for (const d of report.diagnoses) out.push("", ...renderDiagnosis(d, configFile));
  }
  if (report.notes.length > 0) out.push("", "Notes:", ...report.notes.map((note) => `  - ${note}`));
  return stripControls(`${out.join("\n")}\n`);
}

function renderDiagnosis(d: Diagnosis, configFile: string | undefined): string[] {
  const lines = [`[${d.failure.id}] ${d.failure.messages[0]}`];
  lines.push(`  Found${d.line === undefined ? "" : ` (line ${d.line})`}: ${d.evidence}`);
  if (d.facts.length > 0) lines.push("  Facts:", ...bullets(d.facts));
  lines.push("  Cause:", `    ${plain(d.failure.cause)}`);
  if (d.causes.length > 0) lines.push(configFile ? `  In ${configFile}:` : "  In this input:", ...bullets(d.causes));
  if (d.fixes.length > 0) lines.push("  Fix:", ...bullets(d.fixes), `    (in general: ${plain(d.failure.fix)})`);
  else lines.push("  Fix:", `    ${plain(d.failure.fix)}`);
  if (d.details.length > 0) lines.push("  Trust policy evaluation (the guardrails' engine):", ...d.details.map((l) => `    ${l}`));
  return lines;
}

function bullets(items: readonly string[]): string[] {
  return items.map((i) => `    - ${plain(i)}`);
}
