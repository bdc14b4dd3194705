/**
 * No unused exports (dev/unused-exports.ts, the TypeScript compiler API over tsconfig.json): the
 * repository has none, and the check finds each kind in a small project of its own.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unusedExports } from "../../dev/unused-exports";

const ROOT = resolve(__dirname, "..", "..");

describe("unused exports", () => {
  test("no file of the repository exports what nothing else uses", () => {
    expect(unusedExports(join(ROOT, "tsconfig.json"))).toEqual([]);
  }, 180_000);

  describe("the check (must fail)", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "unused-exports-"));
      mkdirSync(join(dir, "lib"));
      mkdirSync(join(dir, "__tests__"));
      const files: Record<string, string> = {
        "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", target: "ES2022", types: [] }, include: ["**/*.ts"] }),
        "lib/a.ts": [
          "export function usedElsewhere(): number { return ownOnly() + 1; }",
          "export function ownOnly(): number { return 1; }",
          "export function unused(): number { return 2; }",
          "export function testedOnly(): number { return 3; }",
          "export const viaNamespace = 4;",
          "export const viaDestructuring = 5;",
          "/** Part of usedElsewhere's API: named by its own file. */",
          "export interface Props { readonly n: number }",
          "export function withProps(p: Props): number { return p.n; }",
          "export type Nobody = { readonly x: string };",
        ].join("\n"),
        "lib/b.ts": [
          'import { usedElsewhere, withProps } from "./a";',
          'import * as a from "./a";',
          'const { viaDestructuring } = require("./a") as typeof import("./a");',
          "export const total = usedElsewhere() + withProps({ n: a.viaNamespace }) + viaDestructuring;",
        ].join("\n"),
        "lib/index.ts": 'export { total } from "./b";\nexport { total as again } from "./b";\n',
        "__tests__/a.test.ts": 'import { testedOnly } from "../lib/a";\nimport { total } from "../lib";\nexport const checked = testedOnly() + total;\n',
        "__tests__/b.test.ts": 'import { checked } from "./a.test";\nvoid checked;\n',
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test("reports each export nothing uses, with file:line and why; tests count as users", () => {
      expect(unusedExports(join(dir, "tsconfig.json"))).toEqual([
        "lib/a.ts:10 Nobody: no file names this type",
        "lib/a.ts:2 ownOnly: only its own file uses it",
        "lib/a.ts:3 unused: nothing uses it",
        // A re-export is an export too: nothing imports `again`.
        "lib/index.ts:2 again: nothing uses it",
      ]);
    });
  });
});
