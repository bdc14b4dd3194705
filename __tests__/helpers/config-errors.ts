/**
 * Bad-input checks of the config loader: edit the test example, parse it, and read the printed
 * issue back: `  platform.yaml:<line> <path>: <reason>`.
 */
import { parse, stringify } from "yaml";
import { ConfigError, parseConfig } from "../../config/load";
import { EXAMPLE_TEXT } from "./example";

export const FILE = "platform.yaml";

// The example's parsed form, edited freely by the cases (they write invalid values).
export type Draft = any;

/** The example with one edit of its parsed form, rendered back to YAML. */
export function edited(edit: (c: Draft) => void): string {
  const config = example();
  edit(config);
  return stringify(config);
}

/** The example, parsed (tests edit it freely). */
export function example(): Draft {
  return parse(EXAMPLE_TEXT);
}

/** The ConfigError that parsing `text` throws (fails the test if it does not throw one). */
export function configError(text: string): ConfigError {
  try {
    parseConfig(text, FILE);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError, but the config was accepted");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The 1-based line of the `occurrence`-th (0-based) line of `text` showing `snippet` as a whole
 * (followed by a space or the line's end: "name: app" does not match "name: app-api").
 */
export function lineContaining(text: string, snippet: string, occurrence = 0): number {
  const word = new RegExp(`${escapeRegExp(snippet)}(?=\\s|$)`);
  const hits = text.split("\n").flatMap((l, i) => (word.test(l) ? [i + 1] : []));
  if (hits.length <= occurrence) throw new Error(`test setup: "${snippet}" is not on ${occurrence + 1} line(s) of the config`);
  return hits[occurrence];
}

/** The message line of one issue: `  platform.yaml:<line> <path>: <reason>`. */
export function issueLine(error: ConfigError, path: string): string | undefined {
  const prefix = new RegExp(`^  ${escapeRegExp(FILE)}(?::\\d+)? ${escapeRegExp(path)}: `);
  return error.message.split("\n").find((l) => prefix.test(l));
}

export interface BadInput {
  /** The config text. */
  readonly text: string;
  /** The issue's path as printed. */
  readonly path: string;
  /** A fragment of the issue's reason. */
  readonly reason: string;
  /** A snippet of the line the issue must point at, with its 0-based occurrence. */
  readonly at: string | readonly [string, number];
  /** Text the message must not contain (a secret value). */
  readonly hides?: string;
}

/** Runs one bad input: the only issue is at `path`, on the snippet's line, with the reason. */
export function describeBadInputs(cases: readonly (readonly [string, BadInput])[]): void {
  describe.each(cases)("%s", (_name, bad) => {
    let error: ConfigError;
    beforeAll(() => {
      error = configError(bad.text);
    });

    it(`is the one problem, reported at ${bad.path} on its line with the reason`, () => {
      const [snippet, occurrence] = typeof bad.at === "string" ? [bad.at, 0] : bad.at;
      const expected = `  ${FILE}:${lineContaining(bad.text, snippet, occurrence)} ${bad.path}: `;
      const line = issueLine(error, bad.path);
      expect(error.issues).toHaveLength(1);
      expect(line?.slice(0, expected.length)).toBe(expected);
      expect(line).toContain(bad.reason);
    });

    if (bad.hides !== undefined) {
      const hidden = bad.hides;
      it("does not print the value", () => {
        expect(error.message).not.toContain(hidden);
      });
    }
  });
}
