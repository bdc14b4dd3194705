/** A small line diff for workflow files (a few hundred lines at most), with unified-style hunks. */

export interface LineDiff {
  readonly added: number;
  readonly removed: number;
  /** `+`/`-`/` ` prefixed lines with up to `context` unchanged lines around each change; `…` between hunks. */
  readonly lines: readonly string[];
}

const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string, context = 2): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  let ops: { op: " " | "+" | "-"; line: string }[];
  if (a.length * b.length > MAX_CELLS) {
    // Too big to align cheaply: show it as removed and added (counts stay right).
    ops = [...a.map((line) => ({ op: "-" as const, line })), ...b.map((line) => ({ op: "+" as const, line }))];
  } else {
    ops = align(a, b);
  }
  const changed = ops.map((o) => o.op !== " ");
  const show = ops.map((_, i) => {
    for (let j = Math.max(0, i - context); j <= Math.min(ops.length - 1, i + context); j++) if (changed[j]) return true;
    return false;
  });
  const lines: string[] = [];
  let skipped = false;
  ops.forEach((o, i) => {
    if (!show[i]) {
      skipped = true;
      return;
    }
    if (skipped && lines.length > 0) lines.push("…");
    skipped = false;
    lines.push(`${o.op}${o.line}`);
  });
  return { added: ops.filter((o) => o.op === "+").length, removed: ops.filter((o) => o.op === "-").length, lines };
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Longest-common-subsequence alignment. */
function align(a: string[], b: string[]): { op: " " | "+" | "-"; line: string }[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: { op: " " | "+" | "-"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: " ", line: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: "-", line: a[i++] });
    else out.push({ op: "+", line: b[j++] });
  }
  while (i < n) out.push({ op: "-", line: a[i++] });
  while (j < m) out.push({ op: "+", line: b[j++] });
  return out;
}
