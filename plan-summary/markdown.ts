/** Markdown building blocks for a GitHub comment: code spans, tables with a row limit, fences. */

/**
 * An inline code span. Every name from a plan goes through this: it keeps `@login` and
 * `@org/team` from notifying people, and `<`/`*`/`_` from being read as markup.
 */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : many}`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** A table cell: pipes escaped (also inside code spans, as GFM tables require), one line. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * The table with at most `limit` rows; the rest are counted in a note that points to the full
 * plan (the comment has a size limit, the run's log does not).
 */
export function renderTable(table: Table, limit: number, more: (hidden: number) => string): string {
  const shown = table.rows.slice(0, limit);
  const lines = [
    `| ${table.header.map(cell).join(" | ")} |`,
    `| ${table.header.map(() => "---").join(" | ")} |`,
    ...shown.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
  const hidden = table.rows.length - shown.length;
  if (hidden > 0) lines.push("", more(hidden));
  return lines.join("\n");
}

/** A fence that the text cannot close: longer than any backtick run inside it. */
export function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${text}${text.endsWith("\n") ? "" : "\n"}${ticks}`;
}

/** Escapes text for a <summary> or other inline HTML context. */
export function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Terminal colour codes, in case a plan text was saved without -no-color. */
function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

/**
 * Terraform's plan text with each change marker moved to the start of its line, so GitHub's
 * `diff` highlighting colours additions and removals (`~` and `-/+` lines stay uncoloured but aligned).
 */
export function planTextForDiff(text: string): string {
  return stripAnsi(text)
    .replace(/^\s*\n/, "")
    .split("\n")
    .map((line) => {
      const m = /^(\s+)(-\/\+|\+\/-|<=|[+\-~])( |$)(.*)$/.exec(line);
      return m ? `${m[2]}${m[1]}${m[3]}${m[4]}` : line;
    })
    .join("\n");
}

/**
 * The first `max` characters of the text, cut at a line end. Returns the kept text and what was cut.
 */
export function truncateLines(text: string, max: number): { text: string; cutChars: number; cutLines: number } {
  if (text.length <= max) return { text, cutChars: 0, cutLines: 0 };
  let end = text.lastIndexOf("\n", Math.max(0, max - 1));
  // One enormous line: cut inside it rather than drop everything.
  if (end <= 0) end = Math.max(0, max);
  const kept = text.slice(0, end);
  return { text: kept, cutChars: text.length - kept.length, cutLines: lineCount(text) - lineCount(kept) };
}

export function lineCount(text: string): number {
  return text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}
