/**
 * The one test of the shipped platform.yaml, whatever a user has written in it: it loads, its editor
 * schema comment points at the committed schema, and it synthesizes with no guardrail error. Every
 * other test owns its fixtures (__tests__/fixtures), so editing platform.yaml never breaks them.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TerraformStack } from "cdktf";
import { configPathFromEnv, loadConfig } from "../config/load";
import { CONFIG_SCHEMA_PATH } from "../dev/generate-schema";
import { errorAnnotations, runGuardrails } from "../guardrails/report";
import { buildGuardedPlatform } from "./helpers/platform";
import { removeTestOutdir, testApp } from "./helpers/synth";

const ROOT = join(__dirname, "..");
// The file `npx cdktf synth` reads: PLATFORM_CONFIG when set, else platform.yaml.
const SHIPPED = resolve(ROOT, configPathFromEnv());

afterAll(removeTestOutdir);

describe("the config this checkout synthesizes", () => {
  it("exists and loads", () => {
    expect(existsSync(SHIPPED)).toBe(true);
    expect(() => loadConfig(SHIPPED)).not.toThrow();
  });

  it("points editors at the committed JSON Schema when it names one", () => {
    const comment = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(SHIPPED, "utf8"));
    if (comment) expect(resolve(dirname(SHIPPED), comment[1])).toBe(CONFIG_SCHEMA_PATH);
  });

  it("synthesizes with no guardrail error", () => {
    const app = testApp();
    buildGuardedPlatform(app, loadConfig(SHIPPED));
    const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
    runGuardrails(stacks);
    expect(errorAnnotations(stacks)).toEqual([]);
  });
});
