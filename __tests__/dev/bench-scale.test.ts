/**
 * dev/bench-scale.ts: its generated organisations are valid configs of the shape it claims, its two
 * pull requests change what it says they change (one GitHub shard; that shard and the dev AWS
 * stack), decided by the same changed-stacks the workflows run, and its targets read pass and miss
 * from the figures (a target that cannot miss measures nothing).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { changedStacks, readStacks } from "../../cli/changed-stacks";
import { parseConfig } from "../../config/load";
import { changedRepository, organizationConfig, type ScaleResults, scaleTargets, shardsFor } from "../../dev/bench-scale";

const ROOT = resolve(__dirname, "..", "..");

describe("generated organisations", () => {
  test.each([1, 40, 300, 4097])("%i repositories: a valid config with two accounts, shared runners, environments and shards", (n) => {
    const config = parseConfig(stringify(organizationConfig(n)), `org-${n}.yaml`);
    expect(config.repositories).toHaveLength(n);
    // Hashed shards up to 256 of them; beyond, every repository in its team's named shard of 25.
    if (n <= 4096) expect(config.github.shards).toBe(shardsFor(n));
    else expect(new Set(config.repositories.map((r) => r.shard)).size).toBe(Math.ceil(n / 25));
    expect(config.runners.length).toBe(Math.ceil(n / 250));
    for (const repo of config.repositories) {
      expect(repo.environments.map((e) => e.name)).toEqual(["prod"]);
      expect(repo.workflows.map((w) => w.runsOn)).toEqual([{ runner: expect.stringMatching(/^org-linux-/) }, "github-hosted"]);
    }
  });

  test("shards aim at a few dozen repositories each, never more than GitHub's 256 matrix jobs", () => {
    expect([1, 16, 17, 2000, 4096, 10000].map(shardsFor)).toEqual([1, 1, 2, 125, 256, 256]);
  });

  test("each pull request changes the middle repository only, as its name says", () => {
    const base = organizationConfig(9) as any;
    const repo = (c: any) => c.repositories.find((r: any) => r.name === changedRepository(9));
    expect(changedRepository(9)).toBe("repo-00005");
    const access = organizationConfig(9, "access") as any;
    expect(repo(access).collaborators.map((c: any) => c.username)).toEqual(["alice", "bob", "carol"]);
    const trust = organizationConfig(9, "trust") as any;
    expect(repo(trust).deployRoles[0].allow.branches).toEqual(["main", "release"]);
    expect(repo(trust).workflows[0].on.branches).toEqual(["main", "release"]);
    for (const edited of [access, trust]) {
      const others = (c: any) => c.repositories.filter((r: any) => r.name !== changedRepository(9));
      expect(others(edited)).toEqual(others(base));
    }
  });
});

describe("the bench's pull requests, synthesized by the app command and decided by changed-stacks", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-scale-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const synth = (name: string, config: object): string => {
    const folder = join(dir, name);
    const configFile = join(dir, `${name}.yaml`);
    writeFileSync(configFile, stringify(config));
    const result = spawnSync(process.execPath, ["--require", "./dev/register.js", "main.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PLATFORM_CONFIG: configFile, CDKTF_OUTDIR: folder, CHECKPOINT_DISABLE: "1" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return join(folder, "stacks");
  };

  test("an access change plans one GitHub shard; a trust change that shard and the dev account's AWS stack", () => {
    const n = 40; // three hashed shards
    const base = readStacks(synth("base", organizationConfig(n)));
    const access = changedStacks(readStacks(synth("access", organizationConfig(n, "access"))), base).stacks;
    const trust = changedStacks(readStacks(synth("trust", organizationConfig(n, "trust"))), base).stacks;
    expect([...base.keys()]).toEqual(["aws-111111111111-eu-west-1", "aws-222222222222-eu-west-1", "github-bench-org-00", "github-bench-org-01", "github-bench-org-02"]);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatch(/^github-bench-org-0[012]$/);
    expect(trust).toEqual(["aws-111111111111-eu-west-1", access[0]]);
  }, 60_000);
});

describe("scale targets", () => {
  const plan = (ms: number) => ({ stack: "aws-1", resources: 10, wallMs: ms });
  const pr = (change: "access" | "trust", planReadyMs: number, hcl?: number) => ({
    change,
    synthHeadMs: 1,
    decideMs: 1,
    changed: [],
    awsPlanned: [],
    githubPlanned: [],
    githubCalls: 0,
    planReadyMs,
    criticalPathMs: planReadyMs,
    ...(hcl === undefined ? {} : { hcl: [plan(hcl)] }),
  });
  const org = (repositories: number, access: number, trust: number, hcl?: number) => ({
    repositories,
    shards: 1,
    stacks: 3,
    resources: 10,
    synthBaseMs: 1,
    peakRssKiB: 1,
    awsPlans: [],
    githubStacks: 1,
    githubCallsAll: 0,
    everythingMs: 1,
    pullRequests: [pr("access", access), pr("trust", trust, hcl)],
  });
  const results = (big: number, hclMs: number, synth10kMs: number, rssKiB: number): ScaleResults => ({
    organisations: [org(1, 1000, 4000), org(100, 3000, 9000, hclMs), org(2000, big, big)],
    synth: [
      { repositories: 100, resources: 1000, wallMs: 1000, peakRssKiB: 100_000 },
      { repositories: 10000, resources: 100_000, wallMs: synth10kMs, peakRssKiB: rssKiB },
    ],
  });
  const verdicts = (r: ScaleResults) => scaleTargets(r).map((t) => t.pass);

  test("pass when within the bounds", () => {
    expect(verdicts(results(1500, 9000, 150_000, 3 * 1024 * 1024))).toEqual([true, true, true, true, true]);
  });

  test("miss when over them, each on its own figure", () => {
    expect(verdicts(results(6001, 8999, 150_001, 4 * 1024 * 1024))).toEqual([false, false, false, false, false]);
  });

  test("not measured is neither pass nor miss", () => {
    expect(verdicts({ organisations: [], synth: [] })).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
