/**
 * dev/bench.ts: it runs cdktf.json's own app command, its generated configs stay valid as the
 * schema changes, and its in-process child measures main.ts itself (a bench that fails on its own
 * input measures nothing).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { appCommand, generatedConfig } from "../../dev/bench";
import type { PhaseTimings } from "../../dev/bench-phases";
import { EXAMPLE_TEXT } from "../helpers/example";

const ROOT = resolve(__dirname, "..", "..");

describe("dev/bench", () => {
  test("measures the app command of cdktf.json, split into node options and script", () => {
    expect(appCommand()).toEqual({
      text: "node --require ./dev/register.js main.ts",
      nodeOptions: ["--require", "./dev/register.js"],
      script: "main.ts",
    });
  });

  test("an app command that is not node [options] <script> is refused, plainly", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-app-"));
    try {
      writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ app: "npx ts-node main.ts" }));
      expect(() => appCommand(dir)).toThrow(/node \[options\] <script>.*npx ts-node main\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([1, 10])("the generated config of %i repositories is valid, each with collaborators, ECR, deploy roles, a runner and two workflows", (n) => {
    const config = parseConfig(stringify(generatedConfig(n)), `platform-${n}.yaml`);
    expect(config.repositories).toHaveLength(n);
    for (const repo of config.repositories) {
      expect(repo.collaborators.length).toBeGreaterThan(0);
      expect(repo.ecrRepositories).toHaveLength(1);
      // One per workflow: jobs on the runner assume a deploy role too.
      expect(repo.deployRoles).toHaveLength(2);
      expect(repo.runner).toBeDefined();
      expect(repo.workflows).toHaveLength(2);
    }
  });
});

describe("dev/bench-phases", () => {
  test("runs main.ts's run() with a timer per step: every phase measured, and the synth written", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-phases-"));
    try {
      const configFile = join(dir, "platform.yaml");
      writeFileSync(configFile, EXAMPLE_TEXT);
      const result = spawnSync(process.execPath, ["--require", "./dev/register.js", join("dev", "bench-phases.ts")], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PLATFORM_CONFIG: configFile, CDKTF_OUTDIR: join(dir, "out"), PLATFORM_START_CACHE: "off" },
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const timings = JSON.parse(result.stdout.trim()) as PhaseTimings;
      for (const phase of ["moduleLoadMs", "configLoadMs", "constructBuildMs", "synthMs", "guardrailsMs"] as const) {
        expect(timings[phase]).toBeGreaterThan(0);
      }
      expect(timings.inProcessMs).toBeGreaterThan(timings.startupMs + timings.moduleLoadMs + timings.configLoadMs + timings.constructBuildMs);
      expect(readdirSync(join(dir, "out", "stacks")).sort()).toEqual(["aws-000123456789-ap-northeast-1", "github-test-user"]);
      // run() wrote the inventory beside the config, as cdktf synth does.
      expect(readdirSync(dir)).toContain("platform.managed.json");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("dev/bench options", () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, ["--require", "./dev/register.js", join("dev", "bench.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

  test("--help names the organisation-scale part and its sizes", () => {
    const result = bench("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/--scale .*only the organisation-scale part/);
    expect(result.stdout).toMatch(/--pr-sizes LIST .*default 1,100,2000/);
    expect(result.stdout).toMatch(/--synth-sizes LIST .*default 5000,10000/);
  });

  test("a size out of range is refused with the allowed range, before anything is measured", () => {
    const result = bench("--scale", "--pr-sizes", "1,0");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^--pr-sizes needs a comma-separated list of whole numbers from 1 to 10000 \(got "1,0"\)/);
  });
});
