/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // isolatedModules: transpile only; type-checking is its own step (tsc --noEmit).
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
