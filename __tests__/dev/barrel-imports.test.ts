/**
 * Keep it fast: a provider package imported as a whole (its barrel) loads every resource binding
 * it has (@cdktf/provider-aws: 2,200 modules) and makes synth and tsc many times slower. Resources
 * are imported by deep path (`@cdktf/provider-aws/lib/iam-role`). This test reads every TypeScript
 * and JavaScript source of the repository, tools and tests included, and names file:line of any
 * barrel import; the must-fail cases prove the detector sees each form.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(__dirname, "..", "..");
const SKIPPED_DIRS = new Set(["node_modules", "cdktf.out", "bench-results", ".git", "coverage"]);
const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
/** The packages, their lib/ folder and lib/index: each re-exports every resource of the provider. */
const BARREL = /^@cdktf\/provider-(?:aws|github)(?:\/lib(?:\/index(?:\.js)?)?)?\/?$/;

export interface BarrelImport {
  readonly line: number;
  readonly specifier: string;
}

/** The module a node imports, requires or re-exports, if it names one. */
function moduleSpecifier(node: ts.Node): ts.Expression | undefined {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node.moduleSpecifier;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) return node.moduleReference.expression;
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) return node.argument.literal;
  if (ts.isCallExpression(node) && node.arguments.length > 0) {
    const callee = node.expression;
    const isRequire = ts.isIdentifier(callee) && callee.text === "require";
    if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) return node.arguments[0];
  }
  return undefined;
}

/**
 * Barrel imports in a source, from its syntax tree: import and export declarations (type-only
 * too: tsc loads the barrel's types), `import x = require()`, require() and import() calls, and
 * `import("...")` types. Comments and strings are not imports.
 */
export function barrelImports(source: string, fileName = "source.ts"): BarrelImport[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: BarrelImport[] = [];
  const visit = (node: ts.Node): void => {
    const specifier = moduleSpecifier(node);
    if (specifier && ts.isStringLiteralLike(specifier) && BARREL.test(specifier.text)) {
      found.push({ line: file.getLineAndCharacterOfPosition(specifier.getStart(file)).line + 1, specifier: specifier.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function sourceFiles(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) sourceFiles(join(dir, entry.name), into);
    } else if (entry.isFile() && SOURCE.test(entry.name)) {
      into.push(join(dir, entry.name));
    }
  }
  return into;
}

// Built, so that this file's own text holds no import of a barrel.
const AWS = ["@cdktf", "provider-aws"].join("/");
const GITHUB = ["@cdktf", "provider-github"].join("/");

describe("provider barrel imports", () => {
  test("no source in the repository imports a provider package as a whole", () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(["main.ts", "dev/bench.ts", "dev/register.js"]));
    const found = files.flatMap((file) =>
      barrelImports(readFileSync(file, "utf8"), file).map((b) => `${relative(ROOT, file)}:${b.line} imports "${b.specifier}" as a whole`)
    );
    expect(found).toEqual([]);
  });

  describe("the detector (must fail)", () => {
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
      ["dynamic import", `const aws = await import("${AWS}");`],
      ["import type", `type Role = import("${AWS}").iamRole.IamRole;`],
      ["the lib folder", `import { iamRole } from "${AWS}/lib";`],
      ["lib/index", `import * as all from "${GITHUB}/lib/index";`],
    ];

    test.each(forms)("finds it in: %s", (_, statement) => {
      const source = `// a file\nimport { App } from "cdktf";\n\n${statement}\n`;
      const found = barrelImports(source);
      expect(found).toHaveLength(1);
      // Reported at the line of the module specifier.
      expect(found[0].line).toBe(3 + statement.split("\n").length);
    });

    test("reports every barrel import of a file, each with its line", () => {
      const source = [`import * as aws from "${AWS}";`, `import { IamRole } from "${AWS}/lib/iam-role";`, `const gh = require("${GITHUB}");`].join("\n");
      expect(barrelImports(source)).toEqual([
        { line: 1, specifier: AWS },
        { line: 3, specifier: GITHUB },
      ]);
    });

    test("allows deep imports of one resource, and mentions that are not imports", () => {
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
      expect(barrelImports(source)).toEqual([]);
    });
  });
});
