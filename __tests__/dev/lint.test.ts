/**
 * The lint (eslint.config.js, run by `npm test` as `eslint .`) through ESLint's own Node API:
 * the repository lints clean, and the rules this template adds fire where they must. A provider
 * package imported as a whole (its barrel) loads every resource binding it has
 * (@cdktf/provider-aws: 2,200 modules) and makes synth and tsc many times slower; cdktf's
 * internals are reached through cdktf-internals.ts only.
 */
import { spawnSync } from "node:child_process";
import { dirname, join, relative, resolve } from "node:path";
import { ESLint, type Linter } from "eslint";

const ROOT = resolve(__dirname, "..", "..");
/** The rules that carry the two forbidden imports. */
const IMPORT_RULES = new Set(["@typescript-eslint/no-restricted-imports", "no-restricted-syntax"]);

// The config the CLI loads, handed over as it is: jest cannot import() a config file itself.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript, without types to import
  overrideConfig: require("../../eslint.config.js") as Linter.Config[],
});

/** Lints `source` as if it were the file `path` of the repository (nothing is written). */
async function lint(source: string, path = "stacks/new-file.ts"): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, path) });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => IMPORT_RULES.has(m.ruleId ?? "")).map((m) => `${relative(ROOT, result.filePath)}:${m.line} ${m.message}`);
}

// Built, so that this file's own text holds no import of a barrel.
const AWS = ["@cdktf", "provider-aws"].join("/");
const GITHUB = ["@cdktf", "provider-github"].join("/");

describe("eslint", () => {
  test("the repository lints clean, every source included: `eslint .` as npm test runs it", () => {
    // The CLI in a child process: its search of the repository imports an ES module, which jest cannot.
    const cli = join(dirname(require.resolve("eslint/package.json")), "bin", "eslint.js");
    const result = spawnSync(process.execPath, [cli, "--cache", "--cache-strategy", "content", "--format", "json", "."], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(result.stderr).toBe("");
    const results = JSON.parse(result.stdout) as ESLint.LintResult[];
    const files = results.map((r) => relative(ROOT, r.filePath));
    expect(files.length).toBeGreaterThan(100);
    expect(files).toEqual(expect.arrayContaining(["main.ts", "cdktf-internals.ts", "dev/bench.ts", "dev/register.js", "eslint.config.js", "__tests__/dev/lint.test.ts"]));
    const problems = results.flatMap((r) => r.messages.map((m) => `${relative(ROOT, r.filePath)}:${m.line} ${m.ruleId ?? "fatal"}: ${m.message}`));
    expect(problems).toEqual([]);
    expect(result.status).toBe(0);
  }, 120_000);

  describe("provider barrel imports (must fail)", () => {
    const forms: [string, string][] = [
      ["namespace import", `import * as aws from "${AWS}";`],
      ["named import", `import { iamRole } from "${AWS}";`],
      ["named import over several lines", `import {\n  iamRole,\n  ecrRepository,\n} from "${AWS}";`],
      ["default import", `import aws from '${AWS}';`],
      ["type-only import (tsc still loads the barrel's types)", `import type { provider } from "${GITHUB}";`],
      ["side-effect import", `import "${GITHUB}";`],
      ["require", `const aws = require("${AWS}");`],
      ["require with single quotes", `const { provider } = require('${GITHUB}');`],
      ["import = require", `import aws = require("${AWS}");`],
      ["export * from", `export * from "${AWS}";`],
      ["export { } from", `export { iamRole } from "${GITHUB}";`],
      ["export * as from", `export * as aws from "${AWS}";`],
      ["dynamic import", `async function f() { return import("${AWS}"); }`],
      ["import type", `type Role = import("${AWS}").iamRole.IamRole;`],
      ["the lib folder", `import { iamRole } from "${AWS}/lib";`],
      ["lib/index", `import * as all from "${GITHUB}/lib/index";`],
    ];

    test.each(forms)("fails with file:line: %s", async (_, statement) => {
      const source = `// a file\nimport { App } from "cdktf";\n\n${statement}\n`;
      const found = await lint(source, "modules/new-module.ts");
      expect(found).toHaveLength(1);
      // Reported at the statement, which starts on line 4.
      expect(found[0]).toMatch(/^modules\/new-module\.ts:4 .*deep path, e\.g\. @cdktf\/provider-aws\/lib\/iam-role$/);
    });

    test("reports every barrel import of a file, each with its line, in tests and tooling too", async () => {
      const source = [`import * as aws from "${AWS}";`, `import { IamRole } from "${AWS}/lib/iam-role";`, `const gh = require("${GITHUB}");`].join("\n");
      for (const path of ["__tests__/modules/new.test.ts", "dev/new-tool.ts", "main.ts"]) {
        expect((await lint(source, path)).map((f) => f.split(" ")[0])).toEqual([`${path}:1`, `${path}:3`]);
      }
    });

    test("allows deep imports of one resource, and mentions that are not imports", async () => {
      const source = [
        `import { IamRole } from "${AWS}/lib/iam-role";`,
        `import { GithubProvider } from "${GITHUB}/lib/provider";`,
        `import type { RepositoryFileConfig } from "${GITHUB}/lib/repository-file/index";`,
        `const deep = require("${AWS}/lib/ecr-repository");`,
        `// import * as aws from "${AWS}"`,
        `const name = "${AWS}";`,
        `const text = 'require("${AWS}")';`,
        `const other = require("${AWS}-extra");`,
      ].join("\n");
      expect(await lint(source)).toEqual([]);
    });
  });

  test("cdktf internals (must fail outside cdktf-internals.ts, allowed in it)", async () => {
    const source = `import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";\nimport type { ISynthesisSession } from "cdktf/lib/synthesize/types";\n`;
    expect(await lint(source, "guardrails/synthesizer.ts")).toEqual([
      expect.stringMatching(/^guardrails\/synthesizer\.ts:1 .*cdktf internal: use it through cdktf-internals\.ts/),
      expect.stringMatching(/^guardrails\/synthesizer\.ts:2 .*cdktf internal/),
    ]);
    expect(await lint(source, "__tests__/guardrails/new.test.ts")).toHaveLength(2);
    expect(await lint(source, "cdktf-internals.ts")).toEqual([]);
  });
});
