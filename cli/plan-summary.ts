/**
 * npm run --silent plan:summary -- [--out comment.md] [--run-url URL] [--max-chars N] [--config platform.yaml] <dir>/<stack>.json ...
 *
 * Each argument is `terraform show -json` of one plan; the stack is the file's name without .json.
 * A `<dir>/<stack>.txt` beside it (`terraform show -no-color`) is included, collapsed and cut to fit.
 * Writes the pull-request comment (Markdown, at most --max-chars characters) to --out or stdout.
 * With --config, the deletions its intendedChanges names are shown as allowed (as plan:check sees them).
 * Exit 0 when written (risk flags included), 2 with one line on stderr when an input or option is wrong.
 */
import { writeFileSync } from "node:fs";
import { formatPath } from "../config/cross-references";
import { ConfigError, loadConfig } from "../config/load";
import type { IntendedEntry } from "../plan-summary/blocked";
import { readStackInput } from "../plan-summary/input";
import { PlanInputError } from "../plan-summary/plan";
import { DEFAULT_MAX_CHARS, renderComment } from "../plan-summary/summary";

const USAGE = "usage: npm run --silent plan:summary -- [--out comment.md] [--run-url URL] [--max-chars N] [--config platform.yaml] <dir>/<stack>.json ...";

interface Args {
  readonly files: string[];
  readonly out?: string;
  readonly runUrl?: string;
  readonly maxChars: number;
  readonly config?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const files: string[] = [];
  let out: string | undefined;
  let runUrl: string | undefined;
  let maxChars = DEFAULT_MAX_CHARS;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new PlanInputError(`${flag} needs a value; ${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--out":
        out = value();
        break;
      case "--run-url":
        runUrl = value();
        break;
      case "--config":
        config = value();
        break;
      case "--max-chars": {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new PlanInputError(`--max-chars must be a positive whole number, got ${JSON.stringify(v)}`);
        maxChars = Number(v);
        break;
      }
      case "--help":
      case "-h":
        throw new PlanInputError(USAGE);
      default:
        if (flag.startsWith("--")) throw new PlanInputError(`unknown option ${flag}; ${USAGE}`);
        files.push(arg);
    }
  }
  if (files.length === 0) throw new PlanInputError(`no plan files given; ${USAGE}`);
  return { files, out, runUrl, maxChars, config };
}

function main(argv: readonly string[]): number {
  try {
    const args = parseArgs(argv);
    const inputs = args.files.map(readStackInput);
    let intended: readonly IntendedEntry[] | undefined;
    if (args.config !== undefined) {
      try {
        intended = loadConfig(args.config).intendedChanges;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const issues = e.issues.map((i) => `${e.file}${i.line ? `:${i.line}` : ""} ${formatPath(i.path)}: ${i.message.replace(/\s*\n\s*/g, " ")}`);
        throw new PlanInputError(`--config: the config cannot be used: ${issues.join("; ")}`);
      }
    }
    const comment = renderComment(inputs, { maxChars: args.maxChars, runUrl: args.runUrl, intended });
    if (args.out === undefined) process.stdout.write(comment);
    else {
      try {
        writeFileSync(args.out, comment);
      } catch (e) {
        throw new PlanInputError(`--out ${args.out}: cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof PlanInputError) {
      process.stderr.write(`plan-summary: ${e.message}\n`);
      return 2;
    }
    // A bug here must not hide the plan from the reviewer: one line, and the workflow can still post the plans.
    process.stderr.write(`plan-summary: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
