/**
 * iam/ is shared by the guardrails, diagnose and the plan summary as a peer of each: it must load
 * neither cdktf (nor constructs, nor a provider binding) nor zod, so a tool that only reads policies
 * starts without them. Checked in a fresh node process, where require.cache holds exactly what the
 * iam modules pulled in (jest's own module registry would hide it).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const SUCRASE = require.resolve("sucrase/register/ts");
const FORBIDDEN = /[\\/]node_modules[\\/](cdktf|constructs|zod|@cdktf[\\/][^\\/]+)[\\/]/;

/** The packages that requiring `files` (paths from the project root) loads, among the forbidden ones. */
function forbiddenLoadedBy(files: readonly string[]): string[] {
  const script = `
    for (const f of ${JSON.stringify(files)}) require(require("node:path").join(process.cwd(), f));
    const hits = Object.keys(require.cache).filter((k) => ${FORBIDDEN}.test(k)).map((k) => ${FORBIDDEN}.exec(k)[1]);
    process.stdout.write(JSON.stringify([...new Set(hits)].sort()));
  `;
  const run = spawnSync(process.execPath, ["--require", SUCRASE, "-e", script], { cwd: ROOT, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

const IAM_MODULES = readdirSync(join(ROOT, "iam"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => `iam/${f}`);

test("the list of iam/ modules is read from the folder (a new module is checked too)", () => {
  expect(IAM_MODULES).toEqual(expect.arrayContaining(["iam/evaluate.ts", "iam/glob.ts", "iam/parse.ts", "iam/policy.ts"]));
});

test("requiring every iam/ module loads no cdktf, constructs, @cdktf provider or zod module", () => {
  expect(forbiddenLoadedBy(IAM_MODULES)).toEqual([]);
});

test("the plan summary, which reads policies through iam/ (not the guardrails' helpers), loads none of them either", () => {
  expect(forbiddenLoadedBy(["plan-summary/summary.ts"])).toEqual([]);
});

test("the check sees them when they are loaded (modules/policy-document.ts imports cdktf)", () => {
  expect(forbiddenLoadedBy(["iam/parse.ts", "modules/policy-document.ts"])).toEqual(expect.arrayContaining(["cdktf"]));
});
