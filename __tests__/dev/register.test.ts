/**
 * dev/register.js, the start-up hook of cdktf.json's app command: from an empty cache (a fresh
 * clone after `npm ci`) it synthesizes exactly what sucrase/register/ts does, fills its cache, and
 * the next run reads it without writing; a changed source (even of the same length) is compiled
 * again; a damaged, unwritable or disabled cache only costs time.
 */
import { EXAMPLE_PATH } from "../helpers/example";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const HOOK = join(ROOT, "dev", "register.js");
const SUCRASE = require.resolve("sucrase/register/ts");
const CACHE_FILE = "cache-v1.bin";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "register-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.PLATFORM_START_CACHE;
  const fullEnv: NodeJS.ProcessEnv = { ...inherited, PLATFORM_START_CACHE_DIR: join(dir, "cache"), ...env };
  return spawnSync(process.execPath, args, { cwd: ROOT, env: fullEnv, encoding: "utf8" });
}

function stacks(outdir: string): Record<string, string> {
  const stacksDir = join(outdir, "stacks");
  return Object.fromEntries(readdirSync(stacksDir).map((s) => [s, readFileSync(join(stacksDir, s, "cdk.tf.json"), "utf8")]));
}

/** A module and an entry point in the temp folder, run through the hook. */
function writeModule(value: string): string {
  writeFileSync(join(dir, "value.ts"), `export const value: string = "${value}";\n`);
  writeFileSync(join(dir, "entry.ts"), `import { value } from "./value";\nconst isMain: boolean = require.main === module;\nconsole.log(value, isMain);\n`);
  return join(dir, "entry.ts");
}

describe("dev/register.js", () => {
  test("cdktf.json runs the app through it", () => {
    const app = (JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app;
    expect(app).toBe("node --require ./dev/register.js main.ts");
  });

  test("from an empty cache: the example synthesizes as with sucrase/register/ts; the second run reads the cache and writes nothing", () => {
    // A copy outside the project: synth writes its managed inventory beside the config.
    writeFileSync(join(dir, "platform.yaml"), readFileSync(EXAMPLE_PATH, "utf8"));
    const env = { PLATFORM_CONFIG: join(dir, "platform.yaml") };
    const reference = run(["--require", SUCRASE, "main.ts"], { ...env, CDKTF_OUTDIR: join(dir, "reference") });
    expect(reference.stderr).toBe("");
    expect(reference.status).toBe(0);

    const cold = run(["--require", "./dev/register.js", "main.ts"], { ...env, CDKTF_OUTDIR: join(dir, "cold") });
    expect(cold.stderr).toBe("");
    expect(cold.status).toBe(0);
    const cacheFile = join(dir, "cache", CACHE_FILE);
    expect(existsSync(cacheFile)).toBe(true);
    const written = statSync(cacheFile).mtimeMs;
    const bytes = readFileSync(cacheFile);

    const warm = run(["--require", "./dev/register.js", "main.ts"], { ...env, CDKTF_OUTDIR: join(dir, "warm") });
    expect(warm.stderr).toBe("");
    expect(warm.status).toBe(0);
    expect(statSync(cacheFile).mtimeMs).toBe(written);
    expect(readFileSync(cacheFile).equals(bytes)).toBe(true);

    const expected = stacks(join(dir, "reference"));
    expect(Object.keys(expected).length).toBe(2);
    expect(stacks(join(dir, "cold"))).toEqual(expected);
    expect(stacks(join(dir, "warm"))).toEqual(expected);
  }, 60_000);

  test("a changed source is compiled again, even when its length is the same", () => {
    const entry = writeModule("aaa");
    const first = run(["--require", HOOK, entry]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("aaa true\n");
    writeModule("bbb");
    expect(run(["--require", HOOK, entry]).stdout).toBe("bbb true\n");
    expect(run(["--require", HOOK, entry]).stdout).toBe("bbb true\n");
  });

  test("errors point at the TypeScript source's line", () => {
    writeFileSync(join(dir, "throws.ts"), `const n: number = 1;\n\nfunction fail(): never {\n  throw new Error("boom " + n);\n}\nfail();\n`);
    for (let i = 0; i < 2; i++) {
      const result = run(["--require", HOOK, join(dir, "throws.ts")]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("boom 1");
      expect(result.stderr).toContain(`${join(dir, "throws.ts")}:4:`);
    }
  });

  test("a damaged cache is a cold start, and is replaced", () => {
    const entry = writeModule("ccc");
    mkdirSync(join(dir, "cache"));
    writeFileSync(join(dir, "cache", CACHE_FILE), "not a cache");
    const result = run(["--require", HOOK, entry]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("ccc true\n");
    expect(readFileSync(join(dir, "cache", CACHE_FILE)).subarray(0, 11).toString()).not.toBe("not a cache");
  });

  test("an unwritable cache folder, or PLATFORM_START_CACHE=off, only costs time", () => {
    const entry = writeModule("ddd");
    writeFileSync(join(dir, "cache"), "a file where the cache folder would be");
    const unwritable = run(["--require", HOOK, entry]);
    expect(unwritable.stderr).toBe("");
    expect(unwritable.stdout).toBe("ddd true\n");

    const off = run(["--require", HOOK, entry], { PLATFORM_START_CACHE: "off", PLATFORM_START_CACHE_DIR: join(dir, "off-cache") });
    expect(off.stderr).toBe("");
    expect(off.stdout).toBe("ddd true\n");
    expect(existsSync(join(dir, "off-cache"))).toBe(false);
  });
});
