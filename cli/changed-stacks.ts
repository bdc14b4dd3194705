/**
 * npm run --silent changed-stacks -- --base <dir> --head <dir> [--all] [--github-output]
 *
 * Which stacks a change needs planned: those whose synthesized Terraform (<dir>/<stack>/cdk.tf.json,
 * as in cdktf.out/stacks/ or the workflows' artifacts) differs from the base's, compared
 * canonically (parsed, keys sorted: formatting and key order are no change). A stack the base does
 * not have is changed; without a base folder (the base did not synthesize) every stack is. With
 * --all, every head stack (a manual deploy). Stacks with the aws provider come first: deploys
 * apply in that order, so the roles and repositories GitHub's variables name exist first.
 *
 * stdout: one line per stack (changed, new, unchanged, removed) and a total. With --github-output,
 * the step outputs `stacks` (a JSON array, in apply order, for strategy.matrix), `count` and
 * `unchanged` (a JSON array of the stacks not planned).
 * Exit 0; 2 when a folder or file cannot be read (one line on stderr). Never a stack trace.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const USAGE = "usage: npm run --silent changed-stacks -- --base <dir> --head <dir> [--all] [--github-output]   (<dir>/<stack>/cdk.tf.json)";

class InputError extends Error {}

/** JSON with object keys sorted at every level: equal for equal Terraform, however it was written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** stack name -> parsed cdk.tf.json of every stack folder under `dir`. */
export function readStacks(dir: string): Map<string, unknown> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch (e) {
    throw new InputError(`cannot read the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const stacks = new Map<string, unknown>();
  for (const name of names.sort()) {
    const file = join(dir, name, "cdk.tf.json");
    if (!existsSync(file)) continue;
    // Names become job names, artifact names and paths in the workflows: never anything else.
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new InputError(`${JSON.stringify(name)} in ${dir} is not a stack name (letters, digits, '_', '.', '-')`);
    try {
      stacks.set(name, JSON.parse(readFileSync(file, "utf8")));
    } catch (e) {
      throw new InputError(`${file} is not valid JSON (${(e as Error).message})`);
    }
  }
  return stacks;
}

export type StackChange = "changed" | "new" | "unchanged" | "removed";

export interface ChangedStacks {
  /** The stacks to plan and apply, in apply order (aws provider first, then by name). */
  readonly stacks: readonly string[];
  /** Every stack of head and base with what happened to it. */
  readonly status: Readonly<Record<string, StackChange>>;
  /** Why every stack is listed without comparing (no base, --all), if so. */
  readonly everything?: string;
}

const hasAws = (tf: unknown) => (tf as { provider?: Record<string, unknown> } | null)?.provider?.aws !== undefined;

/** Apply order: stacks with the aws provider first, then the others, each by name. */
export function applyOrder(stacks: ReadonlyMap<string, unknown>, names: readonly string[]): string[] {
  return [...names].sort((a, b) => Number(hasAws(stacks.get(b))) - Number(hasAws(stacks.get(a))) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The stacks of `head` to plan, against `base` (undefined: the base did not synthesize). */
export function changedStacks(head: ReadonlyMap<string, unknown>, base: ReadonlyMap<string, unknown> | undefined, options: { all?: boolean } = {}): ChangedStacks {
  const status: Record<string, StackChange> = {};
  for (const [name, tf] of head) {
    const before = base?.get(name);
    status[name] = before === undefined ? "new" : canonicalJson(before) === canonicalJson(tf) ? "unchanged" : "changed";
  }
  for (const name of base?.keys() ?? []) if (!head.has(name)) status[name] = "removed";
  const everything = options.all ? "--all" : base === undefined ? "no base synthesis to compare with" : undefined;
  const planned = [...head.keys()].filter((n) => everything !== undefined || status[n] !== "unchanged");
  return { stacks: applyOrder(head, planned), status, ...(everything ? { everything } : {}) };
}

function render(result: ChangedStacks): string {
  const lines = Object.keys(result.status)
    .sort()
    .map((name) => {
      const s = result.status[name];
      const note =
        s === "removed"
          ? " (no longer synthesized: not planned; its state still holds whatever it managed, see the README: Growing)"
          : result.stacks.includes(name)
            ? ""
            : " (not planned)";
      return `${name}: ${s}${note}`;
    });
  const n = result.stacks.length;
  lines.push(
    `${n} stack${n === 1 ? "" : "s"} to plan${result.everything ? ` (every stack: ${result.everything})` : ""}${n > 0 ? `, in this order: ${result.stacks.join(", ")}` : ": no stack's Terraform changed"}`,
  );
  return `${lines.join("\n")}\n`;
}

export function main(
  argv: readonly string[],
  io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) },
  env: NodeJS.ProcessEnv = process.env,
): number {
  try {
    let base: string | undefined;
    let head: string | undefined;
    let all = false;
    let githubOutput = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === "--help" || a === "-h") {
        io.stdout(`${USAGE}\n`);
        return 0;
      } else if (a === "--base" || a === "--head") {
        const value = argv[++i];
        if (value === undefined || value.startsWith("--")) throw new InputError(`${a} needs a folder; ${USAGE}`);
        if (a === "--base") base = value;
        else head = value;
      } else if (a === "--all") all = true;
      else if (a === "--github-output") githubOutput = true;
      else throw new InputError(`unknown argument ${a}; ${USAGE}`);
    }
    if (head === undefined) throw new InputError(`--head is required; ${USAGE}`);
    const headStacks = readStacks(head);
    if (headStacks.size === 0) throw new InputError(`no <stack>/cdk.tf.json under ${head}: run npx cdktf synth first`);
    // A base that did not synthesize (its folder is missing) plans everything, never nothing.
    const baseStacks = base !== undefined && existsSync(base) ? readStacks(base) : undefined;
    const result = changedStacks(headStacks, baseStacks, { all });
    io.stdout(render(result));
    if (githubOutput) {
      const file = env.GITHUB_OUTPUT;
      if (!file) throw new InputError("--github-output: GITHUB_OUTPUT is not set (the file GitHub Actions reads step outputs from; set inside Actions only)");
      const unchanged = Object.keys(result.status).filter((n) => result.status[n] === "unchanged").sort();
      appendFileSync(file, `stacks=${JSON.stringify(result.stacks)}\ncount=${result.stacks.length}\nunchanged=${JSON.stringify(unchanged)}\n`);
    }
    return 0;
  } catch (e) {
    io.stderr(`changed-stacks: ${e instanceof InputError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
