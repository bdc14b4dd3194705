/** The real CLI as the plan workflow runs it: `npm run --silent plan:summary -- ...` (here: the same node command). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_TEXT } from "../helpers/example";
import { AWS_STACK, fixture } from "./helpers";

const ROOT = join(__dirname, "..", "..");
const script = String(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["plan:summary"]);

/** package.json's plan:summary command with these arguments (npm itself adds only start-up time). */
function cli(...args: string[]) {
  const [command, ...base] = script.split(/\s+/);
  return spawnSync(command === "node" ? process.execPath : command, [...base, ...args], { cwd: ROOT, encoding: "utf8" });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "plan-summary-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("writes the comment to --out and exits 0 even with risk flags", () => {
  const out = join(dir, "comment.md");
  const r = cli("--out", out, "--run-url", "https://example.test/run/7", "--max-chars", "30000", fixture("seed-000", `${AWS_STACK}.json`), fixture("seed-000", "github-test-user.json"));
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toBe("");
  const md = readFileSync(out, "utf8");
  expect(md).toContain("loses admin on `Test-User/techblue-dev`");
  expect(md).toContain("<details><summary>Plan of <code>github-test-user</code>");
  expect(md.length).toBeLessThanOrEqual(30_000);
}, 30_000);

test("writes to stdout without --out; a stack without a .txt has no plan section", () => {
  const r = cli(fixture("org-changes", "github-acme.json"));
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("## Terraform plan summary");
  expect(r.stdout).not.toContain("<details><summary>Plan of");
}, 30_000);

test("--config: the deletions its intendedChanges names are shown as allowed, with the reason", () => {
  const config = join(dir, "intended.yaml");
  writeFileSync(config, `${EXAMPLE_TEXT.trimEnd()}\nintendedChanges:\n  - change: delete-repository-access\n    name: legacy\n    reason: legacy was archived in ticket 12\n`);
  const r = cli("--config", config, fixture("org-changes", "github-acme.json"));
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("The deploy gate lets it through: allowed by intendedChanges: `legacy was archived in ticket 12`.");
  // Without it, the same deletion is said to be refused.
  expect(cli(fixture("org-changes", "github-acme.json")).stdout).toContain("**The deploy gate (`npm run plan:check`) refuses it**");
}, 30_000);

describe("bad input: exit 2, one line on stderr, no stack trace", () => {
  const notPlan = () => {
    const file = join(dir, "empty-object.json");
    writeFileSync(file, "{}");
    return [file];
  };
  test.each([
    ["a missing file", () => [join(dir, "missing.json")], /missing\.json: file not found/],
    ["malformed JSON", () => [fixture("broken", "not-json.json")], /not-json\.json: not valid JSON/],
    ["a state instead of a plan", () => [fixture("broken", "state.json")], /state\.json: not a Terraform plan: no resource_changes or planned_values \(this looks like a state/],
    ["JSON that is not a plan", notPlan, /empty-object\.json: not a Terraform plan \(no format_version\)/],
    ["no files", () => [], /no plan files given; usage:/],
    ["a bad --max-chars", () => ["--max-chars", "lots", fixture("org-changes", "github-acme.json")], /--max-chars must be a positive whole number/],
    ["an unknown option", () => ["--colour", fixture("org-changes", "github-acme.json")], /unknown option --colour/],
    [
      "a --config that does not validate",
      () => {
        const file = join(dir, "bad.yaml");
        writeFileSync(file, `${EXAMPLE_TEXT.trimEnd()}\nintendedChanges:\n  - change: delete-oidc-provider\n    reason: short\n`);
        return ["--config", file, fixture("org-changes", "github-acme.json")];
      },
      /--config: the config cannot be used: .*bad\.yaml:\d+ intendedChanges\[0\]\.reason: /,
    ],
  ])("%s", (_name, args, message) => {
    const r = cli(...args());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^plan-summary: [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
