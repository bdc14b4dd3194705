/**
 * domain/ loads neither cdktf nor zod, not even transitively: the guardrails' readers, `diagnose`
 * and the plan summary share it without the construct library or the config schema. Each module is
 * required in a fresh node process (through the project's own start-up hook) and the modules it
 * left in require.cache are read back.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");
const DOMAIN = join(ROOT, "domain");
const FORBIDDEN = /[\\/]node_modules[\\/](cdktf|cdktf-cli|constructs|zod|@cdktf[\\/][^\\/]+|yaml|js-yaml)[\\/]/;

/** Every file the module loads, relative to the repository. */
function loadedBy(file: string): string[] {
  const script = `require(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(process.execPath, ["--require", join(ROOT, "dev", "register.js"), "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    // The start-up cache is a speed-up only: off, so the test writes nothing.
    env: { ...process.env, PLATFORM_START_CACHE: "off" },
  });
  return (JSON.parse(out) as string[]).map((p) => relative(ROOT, p));
}

const modules = readdirSync(DOMAIN).filter((f) => f.endsWith(".ts"));

test("domain/ has modules to check", () => {
  expect(modules).toEqual(expect.arrayContaining(["arn.ts", "codebuild.ts", "github.ts", "oidc.ts", "terraform-refs.ts"]));
});

it.each(modules)("domain/%s loads only domain/ modules, and no cdktf, constructs, provider, zod or YAML module", (file) => {
  const loaded = loadedBy(join(DOMAIN, file));
  expect(loaded).toContain(join("domain", file));
  expect(loaded.filter((p) => FORBIDDEN.test(`/${p}`))).toEqual([]);
  // Besides the start-up hook (and what it needs to transpile), only domain/ itself.
  const project = loaded.filter((p) => !p.split(sep).includes("node_modules") && p !== join("dev", "register.js"));
  expect(project.filter((p) => !p.startsWith(`domain${sep}`))).toEqual([]);
});

test("the check sees cdktf where a module does load it", () => {
  // Without this, a broken probe (an empty cache list) would pass every case above.
  expect(loadedBy(join(ROOT, "modules", "terraform-text.ts")).some((p) => FORBIDDEN.test(`/${p}`))).toBe(true);
});
