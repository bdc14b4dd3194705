/**
 * Exports nothing uses, found with the TypeScript compiler API (the project's own tsconfig.json,
 * so every file tsc checks, tests included): each identifier of every file is resolved to the
 * symbol it names (through imports, re-exports, `import * as`, `typeof import(...)` and
 * destructuring), and
 *   - an exported value (function, class, constant) is used when another file names it: one that
 *     only its own file uses should not be exported, one nothing uses should not exist;
 *   - an exported type is used when any file names it, its own included: a type that names the
 *     props or result of an exported function is part of that function's API (callers may need to
 *     write it down), one that nothing names is dead.
 * Tests count as users: a test drives a unit through its exports, and those are deliberate API of
 * the unit (a rule's helper, a pure function of a module). What is exported for no one is not.
 *
 * `npm test` runs it through __tests__/dev/unused-exports.test.ts; `node --require
 * ./dev/register.js dev/unused-exports.ts` prints the findings.
 */
import { dirname, relative, resolve } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(__dirname, "..");

/** `file:line name` of every export of the project that nothing uses (see the file comment). */
export function unusedExports(tsconfig: string): string[] {
  const base = dirname(tsconfig);
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, { incremental: false, noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const checker = program.getTypeChecker();
  const files = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !f.fileName.includes("/node_modules/"));
  const relativeName = (f: ts.SourceFile) => relative(base, f.fileName).split("\\").join("/");

  // Symbol -> the files that name it (its declarations' own names not counted).
  const usedIn = new Map<ts.Symbol, Set<string>>();
  const resolveAlias = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  // A use of an import counts for every export it goes through (`export { x } from`), up to the declaration.
  const use = (symbol: ts.Symbol | undefined, file: string): void => {
    for (let s = symbol; s !== undefined; s = s.flags & ts.SymbolFlags.Alias ? checker.getImmediateAliasedSymbol(s) : undefined) {
      let set = usedIn.get(s);
      if (!set) usedIn.set(s, (set = new Set()));
      if (set.has(file)) break;
      set.add(file);
    }
  };
  for (const file of files) {
    const name = relativeName(file);
    const visit = (node: ts.Node): void => {
      // `export { x }` / `export { x as y } from "./m"`: a use of x (the export itself is counted where it is used).
      if (ts.isExportSpecifier(node)) {
        const exported = checker.getSymbolAtLocation(node.name);
        use(exported && exported.flags & ts.SymbolFlags.Alias ? checker.getImmediateAliasedSymbol(exported) : undefined, name);
        return;
      }
      if (ts.isIdentifier(node) && !isDeclarationName(node)) use(checker.getSymbolAtLocation(node), name);
      // `const { run } = require("./main") as typeof import("./main")`: the property, not only the local.
      if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const key = node.propertyName ?? node.name;
        if (ts.isIdentifier(key)) use(checker.getTypeAtLocation(node.parent).getProperty(key.text), name);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const findings: string[] = [];
  for (const file of files) {
    const name = relativeName(file);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = resolveAlias(exported);
      const users = new Set(usedIn.get(exported) ?? []);
      // `export { local }`: the file's own uses name the local, not the export.
      if (target.declarations?.some((d) => d.getSourceFile() === file) && usedIn.get(target)?.has(name)) users.add(name);
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
      if (isValue ? [...users].some((u) => u !== name) : users.size > 0) continue;
      const declaration = exported.declarations?.[0];
      const line = declaration ? declaration.getSourceFile().getLineAndCharacterOfPosition(declaration.getStart()).line + 1 : 0;
      const why = isValue ? (users.size > 0 ? "only its own file uses it" : "nothing uses it") : "no file names this type";
      findings.push(`${name}:${line} ${exported.name}: ${why}`);
    }
  }
  return findings.sort();
}

/** The name of a declaration (`function f`, `const x`, `interface I`), which is not a use of it. */
function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent as ts.Node & { name?: ts.Node };
  return parent !== undefined && parent.name === node && (ts.isDeclarationStatement(parent) || ts.isVariableDeclaration(parent) || ts.isClassElement(parent) || ts.isTypeElement(parent) || ts.isEnumMember(parent) || ts.isBindingElement(parent) || ts.isParameter(parent));
}

if (require.main === module) {
  const found = unusedExports(resolve(ROOT, "tsconfig.json"));
  process.stdout.write(found.length === 0 ? "no unused exports\n" : `${found.length} unused export(s):\n${found.map((f) => `  ${f}`).join("\n")}\n`);
  process.exitCode = found.length === 0 ? 0 : 1;
}
