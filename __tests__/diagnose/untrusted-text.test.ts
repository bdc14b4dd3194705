/**
 * diagnose echoes untrusted text (log lines, messages, CloudTrail fields): terminal control
 * sequences in it must never reach the terminal. Real escape sequences, in the library, in the
 * rendered report and through the CLI.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { stripControls } from "../../diagnose/sanitize";
import { exampleConfig, run, webIdentityEvent } from "./helpers";
import { REAL_TEXTS } from "./real-texts";

const ROOT = join(__dirname, "..", "..");
/** Anything a terminal acts on: C0 but tab and newline, DEL, C1. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const HIDDEN_LINK = "\u001b]8;;https://evil.example/x\u0007link\u001b]8;;\u0007";

describe("stripControls", () => {
  test.each([
    ["an OSC 8 hyperlink ended by BEL", `see ${HIDDEN_LINK} here`, "see link here"],
    ["an OSC 8 hyperlink ended by ST (ESC \\)", "see \u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\ here", "see link here"],
    ["a window title (OSC 0)", "\u001b]0;pwned\u0007Error", "Error"],
    ["an unterminated OSC, up to the line end", "ok\u001b]52;c;ZXZpbA==\nnext", "ok\nnext"],
    ["clear screen and cursor home (CSI)", "\u001b[2J\u001b[HError: x", "Error: x"],
    ["colours", "\u001b[31;1mError\u001b[0m: x", "Error: x"],
    ["an 8-bit CSI (0x9b)", "\u009b2JError", "Error"],
    ["an 8-bit OSC (0x9d) ended by 8-bit ST (0x9c)", "\u009d8;;https://evil\u009clink", "link"],
    ["a DCS string", "\u001bPq#0;2;0;0;0\u001b\\text", "text"],
    ["single-character escapes (reset, charset)", "\u001bc\u001b(Btext\u001b7", "text"],
    ["C0 controls but tab and newline: BEL, backspace, carriage return, NUL", "a\u0007b\bc\rd\u0000e\tf\ng", "abcde\tf\ng"],
    ["C1 controls and DEL", "a\u0085b\u007fc", "abc"],
    ["CRLF line ends", "one\r\ntwo\r\n", "one\ntwo\n"],
  ])("%s", (_name, input, expected) => {
    expect(stripControls(input)).toBe(expected);
  });

  test("plain text, Terraform's box drawing and non-ASCII text are untouched", () => {
    const text = "│ Error: Resource precondition failed\n│ \tcafé — ✓ 日本語";
    expect(stripControls(text)).toBe(text);
  });
});

describe("the report never carries them", () => {
  test("a coloured log line with a hidden link is recognised and echoed clean", () => {
    const log = `\u001b[2J\u001b[31mError while fetching runner token: error code 400: GitHub runner JIT configuration unavailable ${HIDDEN_LINK}\u001b[0m`;
    const { ids, output, report } = run(log);
    expect(ids).toEqual(["runner-jit-unavailable"]);
    expect(report.diagnoses[0].evidence).toBe("Error while fetching runner token: error code 400: GitHub runner JIT configuration unavailable link");
    expect(output).not.toMatch(CONTROL);
    expect(output).not.toContain("evil.example");
  });

  test("CloudTrail fields (JSON escapes turn into real ones on parsing) are cleaned in the output", () => {
    const event = JSON.parse(webIdentityEvent({ sub: "repo:Test-User/techblue-dev:ref:refs/heads/main\u001b]8;;https://evil.example\u0007x\u001b]8;;\u0007" }));
    event.errorMessage = "\u009b2J\u001b[1;1HNot authorized to perform sts:AssumeRoleWithWebIdentity";
    // JSON.stringify leaves C1 characters raw: write them as JSON escapes too, so only parsing makes them real.
    const text = JSON.stringify(event).replace(/[\u0080-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    expect(text).not.toMatch(CONTROL);
    const { ids, output } = run(text, { config: exampleConfig() });
    expect(ids).toEqual(["oidc-assume-role-denied"]);
    expect(output).not.toMatch(CONTROL);
    expect(output).not.toContain("evil.example");
    expect(output).toContain("repo:Test-User/techblue-dev:ref:refs/heads/mainx");
  });

  test("the CLI cleans stdout and stderr (a malformed JSON's line is quoted on stderr)", () => {
    const { PLATFORM_CONFIG: _ignored, ...env } = process.env;
    const cli = (input: string) => spawnSync(process.execPath, ["--require", "sucrase/register/ts", "cli/diagnose.ts", "--no-config"], { cwd: ROOT, input, encoding: "utf8", env });
    const found = cli(`\u001b]0;title\u0007${REAL_TEXTS.find((t) => t.id === "state-lock")!.text}\u001b[2J`);
    expect(found.status).toBe(1);
    expect(found.stdout).toContain("[state-lock]");
    expect(found.stdout).not.toMatch(CONTROL);
    const broken = cli(`{"eventName": "x\u001b[2J", \u009b31m`);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^diagnose: the input looks like JSON but does not parse/);
    expect(broken.stderr).not.toMatch(CONTROL);
  }, 30_000);
});

describe("workflow-commit-rejected, related to the config", () => {
  const text = REAL_TEXTS.find((t) => t.id === "workflow-commit-rejected")!.text;

  test("names the file, the repository's branch and, with self.deployApp, the App to exempt", () => {
    const config = exampleConfig((doc) => {
      doc.aws.stateBackend = { bucket: "acme-terraform-state" };
      doc.self = { repository: "platform-infra", environment: "production", planApp: { appId: 111111, installationId: 22222222 }, deployApp: { appId: 333333, installationId: 44444444 } };
    });
    const [d] = run(text, { config }).report.diagnoses;
    expect(d.failure.id).toBe("workflow-commit-rejected");
    expect(d.facts).toEqual(["GitHub refused a commit of .github/workflows/ecr-push.yml to Test-User/techblue-dev"]);
    expect(d.causes).toEqual([expect.stringContaining("techblue-dev's workflow files are committed to its defaultBranch main")]);
    expect(d.fixes[0]).toContain("add the deploy App (App ID 333333, installation 44444444) to the bypass list of the ruleset on main");
    expect(d.fixes[1]).toContain("commit the generated file through a pull request");
  });

  test("without self, the identity that deploys the GitHub stack; without a config, the generic advice", () => {
    const [d] = run(text, { config: exampleConfig() }).report.diagnoses;
    expect(d.fixes[0]).toMatch(/^add the GitHub App or user whose credentials deploy github-/);
    const generic = run(text).report.diagnoses[0];
    expect(generic.causes).toEqual([]);
    expect(run(text).output).toContain("bypass list");
  });

  test("the refs API's 422 wording and git's branch-protection refusal are recognised; a 404 on the same path is the workflow permission", () => {
    expect(run("Error: PATCH https://api.github.com/repos/acme/web/git/refs/heads/main: 422 Cannot update this protected ref. []").ids).toEqual(["workflow-commit-rejected"]);
    expect(run("│ Error: PUT https://api.github.com/repos/acme/web/contents/.github/workflows/x.yml: 404 Not Found []").ids).toEqual(["workflow-permission-missing"]);
  });
});
