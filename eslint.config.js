// Lint of the whole repository, run by `npm test` (after tsc, before jest).
// Recommended rules of ESLint and typescript-eslint (syntax only, no type information: that is
// tsc's job and keeps this fast), plus the two imports this template forbids.
// CommonJS, so that the lint's test can load it in jest (which has no dynamic import()).
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

/**
 * A provider package imported as a whole (its barrel) loads every resource binding it has
 * (@cdktf/provider-aws: 2,200 modules): synth and tests get many times slower. Import resources
 * by deep path (`@cdktf/provider-aws/lib/iam-role`).
 */
const BARREL_MESSAGE = "imports every resource of the provider (2,200 modules for aws): import the resource by deep path, e.g. @cdktf/provider-aws/lib/iam-role";
// For esquery selectors, which end a regular expression at its first "/": \x2F is "/".
const BARREL = "^@cdktf\\x2Fprovider-(?:aws|github)(?:\\x2Flib(?:\\x2Findex(?:\\.js)?)?)?\\x2F?$";
const BARRELS = ["@cdktf/provider-aws", "@cdktf/provider-github"].flatMap((p) => [p, `${p}/lib`, `${p}/lib/index`, `${p}/lib/index.js`]);
/** cdktf's internals are used in one file, which the upgrade test covers (cdktf-internals.ts). */
const INTERNALS_MESSAGE = "is a cdktf internal: use it through cdktf-internals.ts, whose test fails first on an upgrade";

const restrictedImports = (internalsToo) => [
  "error",
  {
    paths: BARRELS.map((name) => ({ name, message: BARREL_MESSAGE })),
    patterns: internalsToo ? [{ group: ["cdktf/lib", "cdktf/lib/**"], message: INTERNALS_MESSAGE }] : [],
  },
];

/** require() and import() of a barrel: no-restricted-imports sees only import and export declarations. */
const barrelCalls = [
  "error",
  { selector: `CallExpression[callee.name='require'][arguments.0.value=/${BARREL}/]`, message: `require() of a provider barrel ${BARREL_MESSAGE}` },
  { selector: `ImportExpression[source.value=/${BARREL}/]`, message: `import() of a provider barrel ${BARREL_MESSAGE}` },
  { selector: `TSImportType[source.value=/${BARREL}/]`, message: `an import("...") type of a provider barrel ${BARREL_MESSAGE}` },
];

module.exports = tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "bench-results/", "coverage/", ".gen/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: { ...nodeGlobals() } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": restrictedImports(true),
      "no-restricted-syntax": barrelCalls,
      // tsc reports unused locals and parameters (noUnusedLocals, noUnusedParameters); `_name` marks a deliberate one.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // These read Terraform JSON (synthesized stacks, plan files) by path: `any` there is the
    // shape of the data, and each rule checks what it reads. The build side (config, modules,
    // stacks, workflows) keeps the rule.
    files: ["__tests__/**", "guardrails/**", "plan-summary/**", "diagnose/**", "dev/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // They remove terminal control sequences from untrusted text: the control characters are the point.
    files: ["diagnose/sanitize.ts", "plan-summary/markdown.ts", "__tests__/diagnose/untrusted-text.test.ts"],
    rules: { "no-control-regex": "off" },
  },
  {
    // Plain CommonJS (the start-up hook, jest's config and reporter): require() is how it imports.
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["cdktf-internals.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrictedImports(false) },
  },
);

/** Node's globals, as readonly (the `globals` package is not a dependency of this template). */
function nodeGlobals() {
  const names = ["require", "module", "exports", "__dirname", "__filename", "process", "Buffer", "console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "URL", "TextEncoder", "TextDecoder", "performance", "structuredClone", "AbortController", "fetch", "globalThis"];
  return Object.fromEntries(names.map((n) => [n, "readonly"]));
}
