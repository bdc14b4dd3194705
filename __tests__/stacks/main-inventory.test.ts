/**
 * The managed inventory through the entry point, as `cdktf synth` runs it: main.ts reads
 * `<config>.managed.json` beside the config, releases what left the config, and writes the file
 * back only after a successful synth.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";

const MAIN = resolve("main.ts");
const SUCRASE = require.resolve("sucrase/register/ts");
const AWS = "aws-000123456789-ap-northeast-1";
const GH = "github-test-user";

const repo = (name: string, ecr: string) => ({
  name,
  collaborators: [{ username: "alice", permission: "admin" }],
  ecrRepositories: [{ name: ecr }],
  deployRoles: [{ name: `${name}-push`, allow: { branches: ["main"] }, ecrPush: [ecr] }],
});
const config = (...repositories: object[]) =>
  stringify({
    github: { owner: "Test-User", ownerType: "user" },
    aws: { accountId: "000123456789", region: "ap-northeast-1" },
    repositories,
  });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "platform-inventory-"));
  mkdirSync(join(dir, "configs"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs main.ts with PLATFORM_CONFIG as given (relative to `cwd`), a fresh outdir each time. */
function synth(configPath: string, cwd = dir, outdir = join(mkdtempSync(join(dir, "out-")), "cdktf.out")) {
  const result = spawnSync(process.execPath, ["--require", SUCRASE, MAIN], {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: outdir, PLATFORM_CONFIG: configPath },
    encoding: "utf8",
  });
  const stack = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  const annotations = (name: string): string[] =>
    existsSync(join(outdir, "manifest.json"))
      ? JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks[name].annotations.map((a: any) => a.message)
      : [];
  return { ...result, outdir, stack, annotations };
}

const inventoryFile = () => join(dir, "configs", "platform.managed.json");
const readInventory = () => JSON.parse(readFileSync(inventoryFile(), "utf8"));

test("round trip: written on synth, released names become removed blocks and tombstones, a name that returns drops its tombstone", () => {
  const file = join(dir, "configs", "platform.yaml");

  // 1. First synth: no inventory yet; nothing released; the inventory lists both names.
  writeFileSync(file, config(repo("web", "web-images"), repo("api", "api-images")));
  const first = synth(file);
  expect(first.stderr).toBe("");
  expect(first.status).toBe(0);
  expect(first.stack(AWS).removed).toBeUndefined();
  const inv1 = readInventory();
  expect(Object.keys(inv1.stacks[GH].repositories)).toEqual(["api", "web"]);
  expect(Object.keys(inv1.stacks[AWS].ecrRepositories)).toEqual(["api-images", "web-images"]);

  // 2. api leaves the config: released (removed blocks for its recorded addresses), tombstoned.
  writeFileSync(file, config(repo("web", "web-images")));
  const second = synth(file);
  expect(second.status).toBe(0);
  expect(second.stack(GH).removed.map((r: any) => r.from)).toEqual(inv1.stacks[GH].repositories.api.addresses);
  expect(second.stack(AWS).removed.map((r: any) => r.from)).toEqual(inv1.stacks[AWS].ecrRepositories["api-images"].addresses);
  expect(second.annotations(GH)).toContainEqual(expect.stringContaining('repository "api" is no longer in the config: released, not deleted'));
  const inv2 = readInventory();
  expect(inv2.stacks[GH].repositories.api).toEqual({ ...inv1.stacks[GH].repositories.api, removedFromConfig: true });

  // 3. A later synth (say, before the deploy) still releases it.
  const third = synth(file);
  expect(third.stack(GH).removed.map((r: any) => r.from)).toEqual(inv1.stacks[GH].repositories.api.addresses);
  expect(readFileSync(inventoryFile(), "utf8")).toBe(JSON.stringify(inv2, null, 2) + "\n");

  // 4. It comes back: managed again, no removed block, no tombstone.
  writeFileSync(file, config(repo("web", "web-images"), repo("api", "api-images")));
  const fourth = synth(file);
  expect(fourth.stack(GH).removed).toBeUndefined();
  expect(readInventory()).toEqual(inv1);
});

test("the inventory does not depend on how the config path is spelled", () => {
  writeFileSync(join(dir, "configs", "platform.yaml"), config(repo("web", "web-images")));
  synth(join(dir, "configs", "platform.yaml"));
  const absolute = readFileSync(inventoryFile(), "utf8");
  rmSync(inventoryFile());
  synth("./configs/../configs/platform.yaml");
  expect(readFileSync(inventoryFile(), "utf8")).toBe(absolute);
  expect(absolute).not.toContain(dir);
});

test("a bad inventory: exit 1, a located message without a stack trace, nothing synthesized, the file left as it was", () => {
  writeFileSync(join(dir, "configs", "platform.yaml"), config(repo("web", "web-images")));
  const bad = '{\n  "version": 1,\n  "stacks": {\n    "github-test-user": { "repositories": { "api": { "addresses": "all" } } }\n  }\n}\n';
  writeFileSync(inventoryFile(), bad);
  const result = synth("configs/platform.yaml");
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^1 problem in configs\/platform\.managed\.json:\n {2}configs\/platform\.managed\.json:4 stacks\.github-test-user\.repositories\.api\.addresses: must be a list of Terraform resource addresses/);
  expect(result.stderr).toContain("git checkout -- configs/platform.managed.json");
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(existsSync(result.outdir)).toBe(false);
  expect(readFileSync(inventoryFile(), "utf8")).toBe(bad);
});

test("a synth that fails leaves the inventory as it was", () => {
  writeFileSync(join(dir, "configs", "platform.yaml"), config(repo("web", "web-images")));
  synth("configs/platform.yaml");
  const before = readFileSync(inventoryFile(), "utf8");
  writeFileSync(join(dir, "configs", "platform.yaml"), config(repo("other", "other-images")));
  // cdktf cannot create its output folder under a file: app.synth() throws.
  writeFileSync(join(dir, "a-file"), "");
  const result = synth("configs/platform.yaml", dir, join(dir, "a-file", "cdktf.out"));
  expect(result.status).not.toBe(0);
  expect(readFileSync(inventoryFile(), "utf8")).toBe(before);
});
