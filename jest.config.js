/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Jest's default is one worker less than the cores: one worker on a 2-core CI machine.
  maxWorkers: "100%",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // tsconfig has isolatedModules, so ts-jest transpiles only; type-checking is its own step (tsc --noEmit).
    "^.+\\.ts$": "ts-jest",
    // @actions/workflow-parser (GitHub's own workflow parser, used by the workflow checks) and its
    // @actions/expressions ship only ES modules that import JSON; transpile them to CommonJS.
    "/node_modules/@actions/(workflow-parser|expressions)/dist/.+\\.js$": [
      "ts-jest",
      { tsconfig: { allowJs: true, isolatedModules: true, module: "commonjs", esModuleInterop: true, target: "ES2022" } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!@actions/(workflow-parser|expressions)/)"],
  // Their package.json "exports" offer only an "import" condition, which CommonJS resolution skips.
  moduleNameMapper: {
    "^@actions/(workflow-parser|expressions)$": "<rootDir>/node_modules/@actions/$1/dist/index.js",
    "^@actions/(workflow-parser|expressions)/(.+)$": "<rootDir>/node_modules/@actions/$1/dist/$2.js",
  },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  reporters: ["default", "<rootDir>/dev/jest-summary-reporter.js"],
};
