/**
 * npm run diagnose -- [<file> | -] [--config <platform.yaml>] [--no-config] [--subject <sub>]
 *
 * Reads a CodeBuild or GitHub Actions log, an error message, Terraform output or a CloudTrail event
 * (JSON) from the file, or from stdin when no file (or `-`) is given, and prints each known failure
 * with its cause and fix, in terms of the config (platform.yaml, or PLATFORM_CONFIG).
 *
 * Exit status: 1 when a known failure was recognised; 0 when none was ("no known failure
 * recognised"); 2 for a usage error, an unreadable input, input that looks like JSON but does not
 * parse, or an invalid config (its problems are printed, and the input is still diagnosed with
 * generic advice). Never a stack trace.
 */
import { existsSync, readFileSync } from "node:fs";
import { CONFIG_PATH_ENV, ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from "../config/load";
import type { PlatformConfig } from "../config/schema";
import { createContext } from "../diagnose/context";
import { diagnose } from "../diagnose/diagnose";
import { MalformedJsonError } from "../diagnose/input";
import { renderReport } from "../diagnose/render";
import { stripControls } from "../diagnose/sanitize";

const USAGE = `usage: npm run diagnose -- [<file> | -] [--config <platform.yaml>] [--no-config] [--subject <sub>]
  <file>            a log, an error message or a CloudTrail event (JSON); stdin when omitted or -
  --config <file>   the platform config to relate the failure to (default: $${CONFIG_PATH_ENV} or ${DEFAULT_CONFIG_PATH})
  --no-config       generic advice only
  --subject <sub>   an OIDC subject to evaluate against the trust policies (when the input has none)
exit status: 1 known failure recognised, 0 none, 2 usage error, unreadable input, malformed JSON or invalid config`;

interface Args {
  readonly file?: string;
  readonly config?: string;
  readonly noConfig: boolean;
  readonly subject?: string;
  readonly help: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  let file: string | undefined;
  let config: string | undefined;
  let subject: string | undefined;
  let noConfig = false;
  let help = false;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith("--") && v !== "-")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") help = true;
    else if (a === "--no-config") noConfig = true;
    else if (a === "--config") config = value(i++, a);
    else if (a.startsWith("--config=")) config = a.slice("--config=".length);
    else if (a === "--subject") subject = value(i++, a);
    else if (a.startsWith("--subject=")) subject = a.slice("--subject=".length);
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else if (file !== undefined) throw new UsageError(`one input at a time (got ${file} and ${a})`);
    else file = a;
  }
  if (noConfig && config !== undefined) throw new UsageError("--config and --no-config exclude each other");
  return {
    ...(file === undefined ? {} : { file }),
    ...(config === undefined ? {} : { config }),
    ...(subject === undefined ? {} : { subject }),
    noConfig,
    help,
  };
}

function readInput(file: string | undefined): { text: string; name: string } {
  if (file === undefined || file === "-") {
    if (file === undefined && process.stdin.isTTY) throw new UsageError("no input: give a file, or pipe the text into stdin");
    return { text: readFileSync(0, "utf8"), name: "stdin" };
  }
  try {
    return { text: readFileSync(file, "utf8"), name: file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? (e as Error).message)}`);
  }
}

class InputError extends Error {}

/** The config to relate failures to; problems are printed and make the exit status 2. */
function readConfig(args: Args, stderr: (s: string) => void): { config?: PlatformConfig; file: string; invalid: boolean } {
  const explicit = args.config ?? (process.env[CONFIG_PATH_ENV] || undefined);
  const file = explicit ?? DEFAULT_CONFIG_PATH;
  if (args.noConfig) return { file, invalid: false };
  if (explicit === undefined && !existsSync(file)) return { file, invalid: false };
  try {
    return { config: loadConfig(file), file, invalid: false };
  } catch (e) {
    const problems =
      e instanceof ConfigError
        ? e.message.replace(/\nNothing was synthesized\. Fix the config and run again\.$/, "")
        : `cannot use ${file}: ${(e as Error).message.split("\n")[0]}`;
    stderr(`${problems}\ndiagnose continues without the config: the advice below is generic.\n`);
    return { file, invalid: true };
  }
}

function main(argv: readonly string[], terminal = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) }): number {
  // Messages quote the input (a JSON error shows its line): nothing reaches the terminal uncleaned.
  const io = { stdout: (s: string) => terminal.stdout(stripControls(s)), stderr: (s: string) => terminal.stderr(stripControls(s)) };
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const input = readInput(args.file);
    if (input.text.trim() === "") throw new InputError(`${input.name} is empty: nothing to diagnose`);
    const { config, file, invalid } = readConfig(args, io.stderr);
    const ctx = createContext({ ...(config ? { config } : {}), configFile: file, ...(args.subject ? { subject: args.subject } : {}) });
    const report = diagnose(input.text, ctx);
    io.stdout(renderReport(report, input.name, config ? file : undefined));
    if (invalid) return 2;
    return report.diagnoses.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`diagnose: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof InputError || e instanceof MalformedJsonError) {
      io.stderr(`diagnose: ${e.message}\n`);
      return 2;
    }
    // A bug in diagnose itself: one line, the stack only on request.
    io.stderr(`diagnose: internal error: ${(e as Error).message}${process.env.DIAGNOSE_DEBUG ? `\n${(e as Error).stack}` : " (set DIAGNOSE_DEBUG=1 for details)"}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
