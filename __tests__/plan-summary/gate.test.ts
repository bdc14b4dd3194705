/**
 * The deploy gate: plan-summary/blocked.ts classifies, `npm run plan:check` (package.json's command,
 * run as a process) exits 1 on a blocked change, 0 when intendedChanges names each, 2 on bad input.
 * Plans are the committed fixtures (real AWS plans, the hand-written GitHub plan) and variants of them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blockedChanges } from "../../plan-summary/blocked";
import { analyse } from "../../plan-summary/summary";
import { EXAMPLE_TEXT } from "../helpers/example";
import { AWS_STACK, collaborators, fixture, fixtureInputs, planOf } from "./helpers";

const ROOT = join(__dirname, "..", "..");
const script = String(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["plan:check"]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "plan-check-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], config?: string) {
  const [command, ...base] = script.split(/\s+/);
  const env = { ...process.env };
  delete env.PLATFORM_CONFIG;
  if (config !== undefined) env.PLATFORM_CONFIG = config;
  return spawnSync(command === "node" ? process.execPath : command, [...base, ...args], { cwd: ROOT, encoding: "utf8", env });
}

/** The example config with these intendedChanges (YAML list items). */
function configWith(name: string, intended: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, intended.length === 0 ? EXAMPLE_TEXT : `${EXAMPLE_TEXT.trimEnd()}\nintendedChanges:\n${intended.map((l) => `  ${l}`).join("\n")}\n`);
  return file;
}

/** A fixture plan with only the resource changes `keep` selects, each optionally rewritten. */
function variant(name: string, source: string, keep: (rc: any) => boolean, edit: (rc: any) => void = () => {}): string {
  const json = JSON.parse(readFileSync(source, "utf8"));
  json.resource_changes = json.resource_changes.filter(keep);
  json.resource_changes.forEach(edit);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

const GITHUB = fixture("org-changes", "github-acme.json");
const CHANGED = fixture("changed", `${AWS_STACK}.json`);

describe("classification (one function for the summary and the check)", () => {
  test("the changed plan: two ECR repositories (replace, delete) and the connection (replace); updates and no-ops are not blocked", () => {
    const found = blockedChanges(fixtureInputs("changed", [AWS_STACK]).flatMap((i) => i.plan.changes));
    expect(found.map((b) => [b.kind, b.name, b.action])).toEqual([
      ["delete-connection", "techblue-github", "replace"],
      ["delete-ecr-repository", "techblue-dev", "replace"],
      ["delete-ecr-repository", "techblue-legacy", "delete"],
    ]);
  });

  test("the GitHub plan: the deleted access list, and the last admins of api lowered; a forget is no delete", () => {
    const found = blockedChanges(fixtureInputs("org-changes", ["github-acme"]).flatMap((i) => i.plan.changes));
    expect(found.map((b) => [b.kind, b.name])).toEqual([
      ["delete-repository-access", "legacy"],
      ["remove-last-admin", "api"],
    ]);
    expect(found[0].lost).toBe("carol (admin) loses their access to legacy");
    // github_repository_file.LegacyReadme is `forget`: Terraform leaves it on GitHub.
    expect(found.some((b) => b.addresses.some((a) => a.includes("LegacyReadme")))).toBe(false);
  });

  test("each kind of access resource, and the delete half of a replace, counts; forget does not", () => {
    const found = blockedChanges(
      planOf("github-acme", [
        { address: "github_team_repository.t", actions: ["delete"], before: { repository: "web", team_id: "ops", permission: "push" } },
        { address: "github_repository_collaborator.c", actions: ["create", "delete"], before: { repository: "web", username: "bob", permission: "pull" }, after: { repository: "Web", username: "bob", permission: "pull" } },
        { address: "github_repository_collaborators.f", actions: ["forget"], before: collaborators("docs", [["dan", "admin"]]) },
        { address: "aws_iam_openid_connect_provider.p", actions: ["delete"], before: { url: "https://token.actions.githubusercontent.com" } },
        { address: "aws_codestarconnections_connection.c", actions: ["delete"], before: { name: "old" } },
      ]).changes,
    );
    expect(found.map((b) => [b.kind, b.name, b.action])).toEqual([
      ["delete-repository-access", "web", "delete"],
      ["delete-repository-access", "web", "replace"],
      ["delete-oidc-provider", undefined, "delete"],
      ["delete-connection", "old", "delete"],
    ]);
    expect(found[1].lost).toContain("bob (read) loses access in between");
  });

  test("intendedChanges allow by kind and name: repositories case-insensitively, AWS names exactly", () => {
    const changes = planOf("s", [
      { address: "github_repository_collaborators.a", actions: ["delete"], before: collaborators("Web", [["alice", "admin"]]) },
      { address: "aws_ecr_repository.e", actions: ["delete"], before: { name: "web-app" } },
      { address: "aws_iam_openid_connect_provider.p", actions: ["delete"], before: {} },
    ]).changes;
    const reason = "repository retired in ticket 42";
    const found = blockedChanges(changes, [
      { change: "delete-repository-access", name: "web", reason },
      { change: "delete-ecr-repository", name: "Web-App", reason },
      { change: "delete-oidc-provider", reason },
    ]);
    expect(found.map((b) => b.allowedBy?.reason)).toEqual([reason, undefined, reason]);
    // A name for another kind allows nothing.
    expect(blockedChanges(changes, [{ change: "delete-ecr-repository", name: "Web", reason }]).every((b) => b.allowedBy === undefined)).toBe(true);
  });
});

describe("the summary flags the same changes in red", () => {
  test("access list deleted, with the gate's note; an allowed one says its reason", () => {
    const plans = fixtureInputs("org-changes", ["github-acme"]).map((i) => i.plan);
    const flag = analyse(plans).risks.find((r) => r.kind === "access-list-deleted")!;
    expect(flag.text).toContain("**Destroy of the access list of `acme/legacy`**");
    expect(flag.text).toContain("**The deploy gate (`npm run plan:check`) refuses it** unless `intendedChanges` names it (`change: delete-repository-access, name: legacy`, with a reason).");
    const allowed = analyse(plans, [{ change: "delete-repository-access", name: "LEGACY", reason: "archived on 2026-11-30" }]).risks.find((r) => r.kind === "access-list-deleted")!;
    expect(allowed.text).toContain("The deploy gate lets it through: allowed by intendedChanges: `archived on 2026-11-30`.");
  });

  test("protected AWS resources carry the gate's note too", () => {
    const risks = analyse(fixtureInputs("changed", [AWS_STACK]).map((i) => i.plan)).risks.filter((r) => r.kind === "protected-resource");
    expect(risks.map((r) => /name: ([\w-]+)/.exec(r.text)?.[1])).toEqual(["techblue-github", "techblue-dev", "techblue-legacy"]);
  });
});

describe("npm run plan:check", () => {
  test("exit 1 naming every blocked change with the entry to add", () => {
    const r = cli([CHANGED, GITHUB], configWith("none", []));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("BLOCKED delete-ecr-repository: delete of the ECR repository techblue-legacy (aws_ecr_repository.EcrRepository-techblue-legacy_94097057 in aws-000123456789-ap-northeast-1)");
    expect(r.stdout).toContain("BLOCKED delete-ecr-repository: replace of the ECR repository techblue-dev");
    expect(r.stdout).toContain("BLOCKED delete-connection: replace of the connection techblue-github");
    expect(r.stdout).toContain("BLOCKED delete-repository-access: delete of the access list of legacy (github_repository_collaborators.Access-legacy_33333333 in github-acme)");
    expect(r.stdout).toContain("BLOCKED remove-last-admin: change of the last admin of api");
    expect(r.stdout).toContain(
      ["    intendedChanges:", "      - change: delete-repository-access", '        name: "legacy"', '        reason: "<why losing this is intended, at least 10 characters>"'].join("\n"),
    );
    expect(r.stdout).toMatch(/plan:check: 5 blocked changes in 2 plans; nothing was applied/);
  }, 30_000);

  test("exit 0 when intendedChanges names each; allowed ones are printed with their reason", () => {
    const config = configWith("all", [
      "- change: delete-ecr-repository",
      "  name: techblue-legacy",
      "  reason: images moved to techblue-dev in ticket 7",
      "- change: delete-ecr-repository",
      "  name: techblue-dev",
      "  reason: re-encrypting with the new KMS key, images re-pushed",
      "- change: delete-connection",
      "  name: techblue-github",
      "  reason: renamed to techblue-github-app",
      "- change: delete-repository-access",
      "  name: Legacy",
      "  reason: legacy is archived",
      "- change: remove-last-admin",
      "  name: api",
      "  reason: api is administered by the org owners now",
    ]);
    const r = cli([CHANGED, GITHUB], config);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("allowed delete-repository-access: access list of legacy (github_repository_collaborators.Access-legacy_33333333 in github-acme): allowed by intendedChanges: legacy is archived");
    expect(r.stdout).not.toContain("BLOCKED");
    expect(r.stdout).toContain("plan:check: no blocked change in 2 plans (5 allowed by intendedChanges).");
  }, 30_000);

  test("exit 0 for a plan that only updates, and for a plan that forgets instead of deleting", () => {
    const config = configWith("plain", []);
    expect(cli([fixture("create", `${AWS_STACK}.json`)], config).status).toBe(0);
    const forget = variant("forget", GITHUB, (rc) => rc.address.startsWith("github_repository_collaborators.Access-legacy"), (rc) => (rc.change.actions = ["forget"]));
    const r = cli([forget], config);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("plan:check: no blocked change in 1 plan.\n");
  }, 30_000);

  test("the delete half of a replace of an access list is blocked", () => {
    const replace = variant("replace", GITHUB, (rc) => rc.address.startsWith("github_repository_collaborators.Access-web"), (rc) => (rc.change.actions = ["delete", "create"]));
    const r = cli([replace], configWith("plain2", []));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("BLOCKED delete-repository-access: replace of the access list of web");
    expect(r.stdout).toContain("loses: the access list of web is deleted and created again: alice (admin), bob (write), Carol (read), team platform (maintain), team ops (write) lose access in between");
  }, 30_000);

  describe("bad input: exit 2, one line on stderr, no stack trace", () => {
    const bad = (): [string, () => [string[], string | undefined], RegExp][] => [
      ["a missing plan", () => [[join(dir, "missing.json")], configWith("ok", [])], /missing\.json: file not found/],
      ["not JSON", () => [[fixture("broken", "not-json.json")], configWith("ok", [])], /not-json\.json: not valid JSON/],
      ["a state", () => [[fixture("broken", "state.json")], configWith("ok", [])], /state\.json: not a Terraform plan/],
      ["no files", () => [[], configWith("ok", [])], /no plan files given/],
      ["no config", () => [[GITHUB], join(dir, "absent.yaml")], /absent\.yaml .*file not found/],
      ["an intendedChanges entry without a reason", () => [[GITHUB], configWith("noreason", ["- change: delete-oidc-provider"])], /noreason\.yaml:\d+ intendedChanges\[0\]\.reason: /],
      ["an unknown kind", () => [[GITHUB], configWith("kind", ["- change: delete-everything", "  reason: because we can, really"])], /kind\.yaml:\d+ intendedChanges\[0\]\.change: /],
    ];
    test.each(bad())("%s", (_name, input, message) => {
      const [args, config] = input();
      const r = cli(args, config);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^plan-check: [^\n]+\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }, 30_000);
  });
});
