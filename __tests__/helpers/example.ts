import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The test copy of the example config. Tests read this fixture, never the shipped platform.yaml:
 * a user's first edit of platform.yaml must not break npm test (the shipped file has its own test).
 */
export const EXAMPLE_PATH = join(__dirname, "..", "fixtures", "example.yaml");
export const EXAMPLE_TEXT = readFileSync(EXAMPLE_PATH, "utf8");
