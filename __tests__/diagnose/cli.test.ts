import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleVariant } from "../guardrails/helpers";
import { EXAMPLE_PATH } from "../helpers/example";
import { FIXTURES } from "./real-texts";

const ROOT = join(__dirname, "..", "..");
const TMP = mkdtempSync(join(tmpdir(), "diagnose-cli-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The real CLI, as `npm run diagnose` starts it. */
function cli(args: string[], input?: string, env: Record<string, string> = {}) {
  const { PLATFORM_CONFIG: _ignored, ...rest } = process.env;
  const r = spawnSync(process.execPath, ["--require", "sucrase/register/ts", "cli/diagnose.ts", ...args], {
    cwd: ROOT,
    input: input ?? "",
    encoding: "utf8",
    env: { ...rest, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_STACK = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe("npm run diagnose", () => {
  test("a known failure in a file: exit 1, cause and fix for platform.yaml on stdout", () => {
    const r = cli([join(FIXTURES, "seed-000-codebuild.log")]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("(config: platform.yaml)");
    expect(r.stdout).toContain("[runner-jit-unavailable]");
    expect(r.stderr).toBe("");
  });

  test("--config names the config the failure is related to: the runner's connection, of the runner's account", () => {
    const own = cli([join(FIXTURES, "seed-000-codebuild.log"), "--config", EXAMPLE_PATH]);
    expect(own.status).toBe(1);
    expect(own.stdout).toContain("registers through the connection techblue-github");
    // Several accounts: the runner registers through the connection of the account it lives in.
    const accounts = cli([join(FIXTURES, "seed-000-codebuild.log"), "--config", join(__dirname, "..", "fixtures", "two-accounts.yaml")]);
    expect(accounts.stderr).toBe("");
    expect(accounts.stdout).toContain("registers through the connection example-org-github");
    expect(accounts.stdout).not.toContain("(none)");
  });

  test("stdin when no file is given: seed 001's CloudTrail event", () => {
    const r = cli([], readFileSync(join(FIXTURES, "seed-001-cloudtrail.json"), "utf8"));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("recognised in stdin");
    expect(r.stdout).toContain("Githubactions-to-ECR-role, which platform.yaml does not create");
  });

  test("- reads stdin; unknown input: exit 0 and a plain statement", () => {
    const r = cli(["-"], "Error: Process completed with exit code 137.\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^No known failure recognised in stdin\./);
  });

  test("malformed JSON (seed 001 verbatim): exit 2, where and why, no stack trace", () => {
    const r = cli([join(FIXTURES, "seed-001-cloudtrail.verbatim.json")]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("diagnose: the input looks like JSON but does not parse: line 15, column 37");
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  test("an unreadable file and empty input: exit 2", () => {
    const missing = cli([join(TMP, "nope.log")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`diagnose: cannot read ${join(TMP, "nope.log")}: no such file\n`);
    const empty = cli(["-"], "  \n");
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("stdin is empty");
  });

  test("a usage error: exit 2 with the usage", () => {
    const r = cli(["--frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("diagnose: unknown option --frobnicate");
    expect(r.stderr).toContain("usage: npm run diagnose");
  });

  test("an invalid config: its located problems, still the generic diagnosis, exit 2", () => {
    const bad = join(TMP, "bad.yaml");
    writeFileSync(bad, "github:\n  owner: Test-User\naws:\n  accountId: 123456789\n  region: ap-northeast-1\nrepositories: []\n");
    const r = cli(["--config", bad], "Error: Not authorized to perform sts:AssumeRoleWithWebIdentity\n");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:4 aws.accountId: must be a quoted string: YAML reads the unquoted 123456789 as the number 123456789`);
    expect(r.stderr).toContain("diagnose continues without the config");
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toContain("[oidc-assume-role-denied]");
    expect(r.stdout).toContain("(no config: generic advice)");
  });

  test("another config through PLATFORM_CONFIG, and --subject", () => {
    const variant = join(TMP, "release.yaml");
    writeFileSync(
      variant,
      exampleVariant((doc) => {
        doc.repositories[0].deployRoles[0].allow.environments = ["release"];
        doc.repositories[0].environments = [{ name: "release" }];
      }),
    );
    const log = readFileSync(join(FIXTURES, "seed-001-actions.log"), "utf8");
    const r = cli(["--subject", "repo:Test-User/techblue-dev:environment:production"], log, { PLATFORM_CONFIG: variant });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`(config: ${variant})`);
    expect(r.stdout).toContain("nearest allowed subject: repo:Test-User/techblue-dev:environment:release");
  });
});

