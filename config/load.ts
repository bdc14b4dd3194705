/**
 * The edge: read platform.yaml once, report every problem at once as
 * `file:line path: reason (allowed: ...)`, and hand a typed, frozen config to the stacks.
 */
import { readFileSync } from "node:fs";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { crossReferenceIssues, formatPath, type ConfigIssue } from "./cross-references";
import { PlatformConfigSchema, type PlatformConfig } from "./schema";

export const DEFAULT_CONFIG_PATH = "platform.yaml";
export const CONFIG_PATH_ENV = "PLATFORM_CONFIG";

export interface LocatedIssue extends ConfigIssue {
  /** 1-based line in the config file, where the YAML node could be found. */
  readonly line?: number;
}

/** Thrown for a config the user must fix; never for a bug in the template. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly LocatedIssue[],
  ) {
    super(formatConfigIssues(file, issues));
    this.name = "ConfigError";
  }
}

function formatConfigIssues(file: string, issues: readonly LocatedIssue[]): string {
  const lines = issues.map((i) => `  ${file}${i.line ? `:${i.line}` : ""} ${formatPath(i.path)}: ${i.message}`);
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return `${count} in ${file}:\n${lines.join("\n")}\nNothing was synthesized. Fix the config and run again.`;
}

export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_PATH_ENV] || DEFAULT_CONFIG_PATH;
}

export function loadConfig(file: string = configPathFromEnv()): PlatformConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : `cannot read it (${code ?? String(e)})`;
    throw new ConfigError(file, [
      { path: [], message: `${why}; copy ${DEFAULT_CONFIG_PATH} from the template or set ${CONFIG_PATH_ENV} to the config's path` },
    ]);
  }
  return parseConfig(text, file);
}

/** Parses and validates config text; `file` only names the source in messages. */
export function parseConfig(text: string, file = DEFAULT_CONFIG_PATH): PlatformConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: [],
        // linePos is only filled in with prettyErrors; the offset is always there.
        line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
        message: `YAML syntax error: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: [], message: "the config must be a YAML mapping with github, aws and repositories" }]);
  }

  const parsed = PlatformConfigSchema.safeParse(raw, { error: describeIssue });
  const locate = (i: ConfigIssue, at: readonly (string | number)[] = i.path): LocatedIssue => ({
    ...i,
    line: lineOf(doc, lineCounter, at),
  });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => {
        const path = i.path.map((p) => (typeof p === "symbol" ? String(p) : p));
        // An unknown key is reported on its mapping, but the line is the key's own.
        const at = i.code === "unrecognized_keys" && i.keys.length > 0 ? [...path, i.keys[0]] : path;
        const message = (i.code === "invalid_type" && i.expected === "string" && unquotedNumber(doc, text, path)) || i.message;
        return locate({ path, message }, at);
      }),
    );
  }
  const issues = crossReferenceIssues(parsed.data);
  if (issues.length > 0) throw new ConfigError(file, issues.map((i) => locate(i)));
  return deepFreeze(parsed.data);
}

/**
 * Where a string was due but YAML read a number: the message quotes the digits as the user wrote
 * them (YAML reads 000123456789 as 123456789, and 1e3 as 1000), so the fix can be copied.
 */
function unquotedNumber(doc: Document, text: string, path: readonly (string | number)[]): string | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== "number" || !node.range) return undefined;
  const written = text.slice(node.range[0], node.range[1]).trim();
  const lost = written.replace(/^[+-]/, "").startsWith("0") && written !== "0" ? " and drops its leading zeros" : "";
  return `must be a quoted string: YAML reads the unquoted ${written} as the number ${String(node.value)}${lost}; write it as "${written}"`;
}

/**
 * The line of the deepest entry on `path` that exists: a mapping entry's key (not its value, which
 * for a nested block starts on the next line) or a list item. A missing key points at its parent
 * entry; a missing top-level key has no line (the file's first line would only mislead).
 */
function lineOf(doc: Document, counter: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 1; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    let node: unknown;
    if (isMap(parent)) {
      node = parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(last))?.key;
    } else if (isSeq(parent) && typeof last === "number") {
      node = parent.items[last];
    }
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Messages: what is wrong and what is allowed, in the user's words
// ---------------------------------------------------------------------------------------------

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}

function expectedWords(expected: string): string {
  switch (expected) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "int":
      return "a whole number";
    default:
      return `a ${expected}`;
  }
}

/** Nearest allowed key within two edits, for "did you mean" hints. */
function nearest(word: string, choices: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of choices) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

type RawIssue = z.core.$ZodRawIssue;

function describeIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `required (${expectedWords(issue.expected)})`;
      return `expected ${expectedWords(issue.expected)}, got ${describeValue(issue.input)}`;
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v)).join(", ");
      return `${describeValue(issue.input)} is not allowed (allowed: ${allowed})`;
    }
    case "unrecognized_keys": {
      const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const allowed = shape ? Object.keys(shape).filter((k) => k !== "$schema") : [];
      const parts = issue.keys.map((k) => {
        const hint = nearest(k, allowed);
        return hint ? `"${k}" (did you mean "${hint}"?)` : `"${k}"`;
      });
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${parts.join(", ")}${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}`;
    }
    case "too_small":
      if (issue.origin === "array") return `needs at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return `must be at least ${String(issue.minimum)} character(s) long`;
      return `must be at least ${String(issue.minimum)} (got ${describeValue(issue.input)})`;
    case "too_big":
      if (issue.origin === "array") return `allows at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} character(s) long`;
      return `must be at most ${String(issue.maximum)} (got ${describeValue(issue.input)})`;
    case "invalid_union":
      if (issue.discriminator) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String).join(", ");
        const input = issue.input as Record<string, unknown> | null | undefined;
        const value = input !== null && typeof input === "object" ? input[issue.discriminator] : undefined;
        return value === undefined
          ? `required (allowed: ${options})`
          : `${describeValue(value)} is not allowed (allowed: ${options})`;
      }
      return undefined;
    case "invalid_key":
      // A record key (e.g. a variable name) failed its own schema: pass its message on.
      return issue.issues.map((i) => i.message).join("; ");
    default:
      return undefined; // schema-specific messages (regex, refine) are already written for users
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** For entry points: a config error is printed plainly (no stack trace) and ends the process. */
export function loadConfigOrExit(file: string = configPathFromEnv()): PlatformConfig {
  try {
    return loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
