/**
 * The entry point as cdktf runs it (`node --require sucrase/register/ts main.ts`): a good config
 * writes both stacks; a bad one exits non-zero with the located messages, no stack trace, and
 * nothing written.
 */
import { EXAMPLE_TEXT } from "../helpers/example";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const MAIN = resolve("main.ts");
const SUCRASE = require.resolve("sucrase/register/ts");

function runMain(configText: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), "platform-main-"));
  const outdir = join(dir, "cdktf.out");
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (configText !== undefined) {
    writeFileSync(join(dir, "platform.yaml"), configText);
    env.PLATFORM_CONFIG = join(dir, "platform.yaml");
  } else {
    env.PLATFORM_CONFIG = join(dir, "missing.yaml");
  }
  const result = spawnSync(process.execPath, ["--require", SUCRASE, MAIN], { env, encoding: "utf8" });
  const written = existsSync(outdir) ? readdirSync(outdir) : [];
  rmSync(dir, { recursive: true, force: true });
  return { ...result, written };
}

describe("main.ts", () => {
  test("the example config synthesizes both stacks", () => {
    const result = runMain(EXAMPLE_TEXT);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.written).toContain("stacks");
  }, 30_000);

  test("a bad config: exit 1, every problem with file, line and path, no stack trace, nothing written", () => {
    const bad = [
      "github:",
      "  owner: Test-User",
      "aws:",
      "  accountId: 000123456789",
      "  region: ap-northeast-1",
      "repositories:",
      "  - name: techblue-dev",
      "    collaborators:",
      "      - username: alice",
      "        permission: owner",
      "",
    ].join("\n");
    const result = runMain(bad);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^2 problems in .*platform\.yaml:/);
    expect(result.stderr).toMatch(/platform\.yaml:4 aws\.accountId: must be a quoted string: YAML reads the unquoted 000123456789 as the number 123456789/);
    expect(result.stderr).toMatch(/platform\.yaml:10 repositories\[0\]\.collaborators\[0\]\.permission: "owner" is not allowed \(allowed: read, triage, write, maintain, admin/);
    expect(result.stderr).toContain("Nothing was synthesized");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.written).toEqual([]);
  }, 30_000);

  test("a missing config file says how to point at another one", () => {
    const result = runMain(undefined);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("file not found");
    expect(result.stderr).toContain("PLATFORM_CONFIG");
    expect(result.written).toEqual([]);
  }, 30_000);
});
