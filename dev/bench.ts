/**
 * The repository's benchmark: `npm run bench [-- --quick] [-- --sizes 1,10,100] [-- --no-test]`.
 *
 * Measures, each in child processes so that every figure includes what a user waits for:
 *   1. the app synth (the app command of cdktf.json, e.g. `node --require ./dev/register.js
 *      main.ts`) of the example and of generated configs: wall time, CPU time, peak RSS, time per
 *      resource; then, per config, the in-process phases and the guardrails' share
 *      (dev/bench-phases.ts), with the guardrails on and off; and the first run after `npm ci`
 *      (an empty start-up cache);
 *   2. `npx cdktf synth` of the example against its floor: the same CLI running an app that does
 *      nothing but synthesize the same resources, precompiled to JavaScript (dev/bench-plain-app.ts);
 *   3. `npx tsc --noEmit` and `npm test`;
 *   4. the anchor a user would otherwise start from: those same resources as a plain cdktf app in
 *      cdktf init's default style, `npx ts-node main.ts` (type-checks at start-up);
 *   5. organisation scale (dev/bench-scale.ts): a pull request changing one repository of 1, 100
 *      and 2,000 (plan-ready time, stacks planned, GitHub API calls, against planning everything),
 *      the same change's stack as plain HCL, and app synth of 5,000 and 10,000 repositories.
 *      `--scale` runs only this part; `--quick` leaves it out unless `--scale` is given.
 *
 * Writes Markdown to stdout and bench-results/latest.md, raw figures to bench-results/latest.json.
 * Progress goes to stderr. Generated configs, outdirs and the plain app live in one temp folder,
 * removed at the end, on failure and on SIGINT/SIGTERM. A failed child prints its stderr and the
 * bench exits 1. Timers: process.hrtime.bigint() and performance.now(); usage: /usr/bin/time -v,
 * or process.resourceUsage() where GNU time is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { DEFAULT_CONFIG_PATH } from "../config/load";
import type { PlatformConfigInput } from "../config/schema";
import type { PhaseTimings } from "./bench-phases";
import { DEFAULT_PR_SIZES, DEFAULT_SYNTH_SIZES, measureScale, scaleSection, scaleTargets, type ScaleResults, type ScaleTools } from "./bench-scale";
import { writePlainApp } from "./bench-plain-app";

const ROOT = resolve(__dirname, "..");
const EXAMPLE_CONFIG = join(ROOT, DEFAULT_CONFIG_PATH);
const RESULTS_DIR = join(ROOT, "bench-results");
const GNU_TIME = "/usr/bin/time";
const DEFAULT_SIZES = [1, 10, 100, 300] as const;
// A hung child ends; an app synth of 10,000 repositories on a busy 2-core machine needs more than 10 minutes.
const CHILD_TIMEOUT_MS = 30 * 60 * 1000;
const MiB = 1024; // maxRSS figures are in KiB

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

interface Options {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  readonly test: boolean;
  /** "only": just the organisation-scale part; "skip": without it. */
  readonly scale: "only" | "with" | "skip";
  readonly prSizes: readonly number[];
  readonly synthSizes: readonly number[];
}

interface Iterations {
  /** Unmeasured runs before each app synth series. */
  readonly warmups: number;
  /** Measured app synth runs per config (median reported). */
  readonly appRuns: number;
  /** Measured runs of tsc and of the app with an empty start-up cache. */
  readonly commandRuns: number;
  /** Measured runs of the commands compared in a target: CLI synth, its floor, the anchor. */
  readonly ratioRuns: number;
  /** Runs of the in-process phases per config, guardrails on and off each: the share is a target. */
  readonly phaseRuns: number;
}

const USAGE = `Usage: npm run bench [-- --quick] [-- --sizes 1,10,100,300] [-- --no-test] [-- --scale | --no-scale]
  --quick             fewer iterations (3 runs of the app, its phases, cdktf synth, floor and anchor; 1 of tsc);
                      leaves out the organisation-scale part unless --scale is given
  --sizes LIST        generated config sizes, in repositories (default ${DEFAULT_SIZES.join(",")})
  --no-test           skip npm test
  --scale             only the organisation-scale part (pull requests of one repository, plain HCL, large synths)
  --no-scale          without it
  --pr-sizes LIST     organisation sizes of the pull request part (default ${DEFAULT_PR_SIZES.join(",")}; none: leave it out)
  --synth-sizes LIST  further app synth sizes of the scale part (default ${DEFAULT_SYNTH_SIZES.join(",")})`;

class UsageError extends Error {}

function parseSizes(value: string | undefined, option = "--sizes", max = 999): number[] {
  const sizes = (value ?? "").split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > max)) {
    throw new UsageError(`${option} needs a comma-separated list of whole numbers from 1 to ${max} (got "${value ?? ""}")`);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let test = true;
  let sizes: readonly number[] = DEFAULT_SIZES;
  let scale: Options["scale"] | undefined;
  let prSizes: readonly number[] = DEFAULT_PR_SIZES;
  let synthSizes: readonly number[] = DEFAULT_SYNTH_SIZES;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--no-test") test = false;
    else if (arg === "--scale") scale = "only";
    else if (arg === "--no-scale") scale = "skip";
    else if (arg === "--pr-sizes") prSizes = argv[i + 1] === "none" ? (i++, []) : parseSizes(argv[++i], arg, 10_000);
    else if (arg === "--synth-sizes") synthSizes = parseSizes(argv[++i], arg, 20_000);
    else if (arg === "--sizes") sizes = parseSizes(argv[++i]);
    else if (arg.startsWith("--sizes=")) sizes = parseSizes(arg.slice("--sizes=".length));
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  return { quick, sizes, test, scale: scale ?? (quick ? "skip" : "with"), prSizes, synthSizes };
}

function iterationsFor(options: Options): Iterations {
  return options.quick
    ? { warmups: 1, appRuns: 3, commandRuns: 1, ratioRuns: 3, phaseRuns: 3 }
    : { warmups: 1, appRuns: 5, commandRuns: 3, ratioRuns: 5, phaseRuns: 5 };
}

// ---------------------------------------------------------------------------------------------
// The app command
// ---------------------------------------------------------------------------------------------

interface AppCommand {
  /** As written in cdktf.json. */
  readonly text: string;
  /** node's options before the script (e.g. --require ./dev/register.js). */
  readonly nodeOptions: readonly string[];
  readonly script: string;
}

/** cdktf.json's app command, which must be `node [options] <script>`: the bench runs what cdktf runs. */
export function appCommand(root = ROOT): AppCommand {
  const text = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  const words = text.trim().split(/\s+/);
  if (words[0] !== "node" || words.length < 2) throw new Error(`cdktf.json: the bench needs an app command "node [options] <script>" (got "${text}")`);
  return { text, nodeOptions: words.slice(1, -1), script: words[words.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

interface ChildResult {
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

class ChildFailure extends Error {
  constructor(readonly command: string, readonly detail: string, readonly output: string) {
    super(`${command} ${detail}`);
    this.name = "ChildFailure";
  }
}

/** The child running now, so that a signal can end it (and its own children) before cleanup. */
let runningChild: ChildProcess | undefined;

function commandLine(command: Command): string {
  return [command.file, ...command.args].join(" ");
}

/** Environment of every child: ours, without the variables the bench sets per run. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  for (const name of ["PLATFORM_CONFIG", "CDKTF_OUTDIR", "TS_NODE_TRANSPILE_ONLY", "PLATFORM_START_CACHE", "PLATFORM_START_CACHE_DIR", "PLATFORM_STACK_TRACES", "BENCH_GUARDRAILS"]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** Runs a command to completion; its wall time spans spawn to exit. Rejects on a non-zero exit. */
function runChild(command: Command): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const start = process.hrtime.bigint();
    // Own process group, so that a signal to the bench can end the whole tree (npx, cdktf, node).
    const child = spawn(command.file, command.args, { cwd: command.cwd, env: command.env, detached: true });
    runningChild = child;
    const timer = setTimeout(() => killTree(child), CHILD_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      runningChild = undefined;
      reject(new ChildFailure(commandLine(command), `could not start: ${error.message}`, ""));
    });
    child.on("close", (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      runningChild = undefined;
      const result = { wallMs, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
      if (code === 0) resolvePromise(result);
      else
        reject(
          new ChildFailure(
            commandLine(command),
            signal ? `ended by ${signal}` : `exited with ${String(code)}`,
            failureOutput(result)
          )
        );
    });
  });
}

/** The child's stderr, and the end of its stdout too: tsc and jest print their errors there. */
function failureOutput(result: ChildResult): string {
  const stdoutTail = result.stdout.trimEnd().split("\n").slice(-40).join("\n");
  return stdoutTail ? `${result.stderr.trimEnd()}\n--- end of stdout ---\n${stdoutTail}` : result.stderr;
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

async function runSeries(command: Command, warmups: number, runs: number, before?: () => void): Promise<number[]> {
  for (let i = 0; i < warmups; i++) {
    before?.();
    await runChild(command);
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    samples.push((await runChild(command)).wallMs);
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Statistics and machine
// ---------------------------------------------------------------------------------------------

interface Series {
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function series(samplesMs: readonly number[]): Series {
  return { samplesMs, medianMs: median(samplesMs), minMs: Math.min(...samplesMs), maxMs: Math.max(...samplesMs) };
}

interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly memorySource: string;
  readonly node: string;
  readonly platform: string;
  readonly loadAverage1m: number;
  readonly usageSource: string;
}

/** MemTotal of /proc/meminfo where there is one (the figure `free` shows), else os.totalmem(). */
function memory(): { gib: number; source: string } {
  try {
    const kib = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1]);
    if (Number.isFinite(kib) && kib > 0) return { gib: kib / 1024 ** 2, source: "/proc/meminfo MemTotal" };
  } catch {
    // not Linux
  }
  return { gib: totalmem() / 1024 ** 3, source: "os.totalmem()" };
}

function machine(usageSource: string): Machine {
  const cpuList = cpus();
  const mem = memory();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    memoryGiB: mem.gib,
    memorySource: mem.source,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: loadavg()[0],
    usageSource,
  };
}

// ---------------------------------------------------------------------------------------------
// Configs
// ---------------------------------------------------------------------------------------------

type RepositoryInput = PlatformConfigInput["repositories"][number];

/** 3 collaborators, one ECR repository, two deploy roles (main; v* tags) and a CodeBuild runner, two workflows. */
function generatedRepository(index: number): RepositoryInput {
  const name = `service-${String(index).padStart(3, "0")}`;
  const role = `${name}-ecr-push`;
  return {
    name,
    collaborators: [
      { username: "alice", permission: "admin" },
      { username: "bob", permission: "write" },
      { username: "carol", permission: "read" },
    ],
    ecrRepositories: [{ name }],
    deployRoles: [
      { name: role, allow: { branches: ["main"] }, ecrPush: [name] },
      // Jobs on the runner assume a role like GitHub-hosted ones; the runner's service role grants none.
      {
        name: `${name}-release-push`,
        wildcardSubjects: [{ pattern: "ref:refs/tags/v*", reason: "release tags are created by maintainers only" }],
        ecrPush: [name],
      },
    ],
    runner: {
      projectName: `${name}-runner`,
      privilegedMode: { enabled: true, reason: "docker build needs the Docker daemon inside the build container" },
    },
    workflows: [
      {
        type: "image-build-push",
        file: "ecr-push.yml",
        runsOn: "github-hosted",
        on: { branches: ["main"] },
        ecrRepository: name,
        deployRole: role,
      },
      {
        type: "image-build-push",
        file: "ecr-push-codebuild.yml",
        runsOn: "codebuild",
        on: { tags: ["v*"] },
        ecrRepository: name,
        deployRole: `${name}-release-push`,
      },
    ],
  };
}

export function generatedConfig(repositories: number): PlatformConfigInput {
  return {
    github: { owner: "bench-org", ownerType: "organization" },
    aws: { accountId: "000123456789", region: "ap-northeast-1" },
    codeConnection: { name: "bench-github", status: "available" },
    repositories: Array.from({ length: repositories }, (_, i) => generatedRepository(i + 1)),
  };
}

function writeGeneratedConfig(dir: string, repositories: number): string {
  const file = join(dir, `platform-${repositories}.yaml`);
  writeFileSync(file, stringify(generatedConfig(repositories)));
  return file;
}

/** Resources in every cdk.tf.json the synth wrote (data sources and providers not counted). */
function countResources(outdir: string): number {
  const stacksDir = join(outdir, "stacks");
  let count = 0;
  for (const stack of readdirSync(stacksDir)) {
    const json = JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    for (const byName of Object.values(json.resource ?? {})) count += Object.keys(byName).length;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// 1. App synth
// ---------------------------------------------------------------------------------------------

interface AppSynth extends Series {
  readonly config: string;
  readonly repositories: number | undefined;
  readonly resources: number;
  readonly cpuMedianMs: number;
  /** The highest of the measured runs. */
  readonly peakRssKiB: number;
  readonly msPerResource: number;
}

/** What one app run used, as its probe wrote it. */
interface Usage {
  readonly maxRssKiB: number;
  /** User + system CPU time: less disturbed than wall time by other work on a shared machine. */
  readonly cpuMs: number;
}

interface UsageProbe {
  readonly source: string;
  /** The app command of cdktf.json, wrapped so that its usage ends up in `usageFile`. */
  command(app: AppCommand, usageFile: string): { file: string; args: string[] };
  read(usageFile: string): Usage;
}

const gnuTimeProbe: UsageProbe = {
  source: "/usr/bin/time -v",
  command: (app, usageFile) => ({ file: GNU_TIME, args: ["-v", "-o", usageFile, process.execPath, ...app.nodeOptions, app.script] }),
  read: (usageFile) => {
    const text = readFileSync(usageFile, "utf8");
    const field = (label: string): number => {
      const value = Number(new RegExp(`${label}: ([\\d.]+)`).exec(text)?.[1]);
      if (!Number.isFinite(value)) throw new Error(`no "${label}" in ${usageFile}:\n${text}`);
      return value;
    };
    const cpuSeconds = field("User time \\(seconds\\)") + field("System time \\(seconds\\)");
    return { maxRssKiB: field("Maximum resident set size \\(kbytes\\)"), cpuMs: cpuSeconds * 1000 };
  },
};

/**
 * Without GNU time: a file required before the app writes process.resourceUsage() at exit. The app
 * still runs as node's main module, as under cdktf synth (main.ts runs itself only then).
 */
const resourceUsageProbe: UsageProbe = {
  source: "process.resourceUsage() in the child",
  command: (app, usageFile) => {
    const probe = `${usageFile}.probe.js`;
    writeFileSync(
      probe,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify(process.resourceUsage())));\n`
    );
    return { file: process.execPath, args: [...app.nodeOptions, "--require", probe, join(ROOT, app.script)] };
  },
  read: (usageFile) => {
    const usage = JSON.parse(readFileSync(usageFile, "utf8")) as NodeJS.ResourceUsage;
    return { maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 };
  },
};

/** /usr/bin/time -v where it is GNU time; otherwise the app's own process.resourceUsage(). */
async function usageProbe(tmp: string): Promise<UsageProbe> {
  if (!existsSync(GNU_TIME)) return resourceUsageProbe;
  const probeFile = join(tmp, "time-probe.txt");
  const works = await runChild({ file: GNU_TIME, args: ["-v", "-o", probeFile, "true"], cwd: tmp, env: childEnv() }).then(
    () => readFileSync(probeFile, "utf8").includes("Maximum resident set size"),
    () => false
  );
  return works ? gnuTimeProbe : resourceUsageProbe;
}

async function measureAppSynth(
  label: string,
  repositories: number | undefined,
  configFile: string,
  workDir: string,
  app: AppCommand,
  probe: UsageProbe,
  iterations: Iterations
): Promise<AppSynth> {
  mkdirSync(workDir, { recursive: true });
  const outdir = join(workDir, "cdktf.out");
  const usageFile = join(workDir, "usage.txt");
  const { file, args } = probe.command(app, usageFile);
  const command: Command = { file, args, cwd: ROOT, env: childEnv({ PLATFORM_CONFIG: configFile, CDKTF_OUTDIR: outdir }) };
  const fresh = (): void => rmSync(outdir, { recursive: true, force: true });
  await runSeries(command, iterations.warmups, 0, fresh);
  const samples: number[] = [];
  const usages: Usage[] = [];
  for (let i = 0; i < iterations.appRuns; i++) {
    fresh();
    samples.push((await runChild(command)).wallMs);
    usages.push(probe.read(usageFile));
  }
  const stats = series(samples);
  const resources = countResources(outdir);
  return {
    ...stats,
    config: label,
    repositories,
    resources,
    cpuMedianMs: median(usages.map((u) => u.cpuMs)),
    peakRssKiB: Math.max(...usages.map((u) => u.maxRssKiB)),
    msPerResource: stats.medianMs / resources,
  };
}

/** The first run after `npm ci`: the app with an empty start-up cache (a new one per run). */
async function measureColdStart(workDir: string, app: AppCommand, runs: number): Promise<CommandTiming> {
  const outdir = join(workDir, "cold.out");
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cacheDir = join(workDir, `cold-cache-${i}`);
    rmSync(outdir, { recursive: true, force: true });
    const env = childEnv({ PLATFORM_CONFIG: EXAMPLE_CONFIG, CDKTF_OUTDIR: outdir, PLATFORM_START_CACHE_DIR: cacheDir });
    samples.push((await runChild({ file: process.execPath, args: [...app.nodeOptions, app.script], cwd: ROOT, env })).wallMs);
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return timing(`${app.text} (empty start-up cache)`, samples, "example; the first run after npm ci, which fills node_modules/.cache/platform-start");
}

interface PhaseSeries {
  readonly runs: readonly PhaseTimings[];
  readonly median: PhaseTimings;
  /** Wall time seen by the parent (spawn to exit), median. */
  readonly wallMs: number;
  /** Median over the runs of guardrailsMs / that run's wall time. */
  readonly guardrailsShareOfWall: number;
  /** Median over the runs of guardrailsMs / synthPhaseMs. */
  readonly guardrailsShareOfSynthPhase: number;
}

interface Phases {
  readonly config: string;
  readonly repositories: number | undefined;
  readonly on: PhaseSeries;
  /** The same app with the guardrail aspect doing nothing (BENCH_GUARDRAILS=off). */
  readonly off: PhaseSeries;
}

async function measurePhaseSeries(configFile: string, workDir: string, app: AppCommand, runs: number, guardrails: boolean): Promise<PhaseSeries> {
  const outdir = join(workDir, "phases.out");
  const command: Command = {
    file: process.execPath,
    args: [...app.nodeOptions, join("dev", "bench-phases.ts")],
    cwd: ROOT,
    env: childEnv({ PLATFORM_CONFIG: configFile, CDKTF_OUTDIR: outdir, ...(guardrails ? {} : { BENCH_GUARDRAILS: "off" }) }),
  };
  const timings: PhaseTimings[] = [];
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(outdir, { recursive: true, force: true });
    const result = await runChild(command);
    timings.push(JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as PhaseTimings);
    walls.push(result.wallMs);
  }
  const keys = Object.keys(timings[0]) as (keyof PhaseTimings)[];
  const medianTimings = Object.fromEntries(keys.map((k) => [k, median(timings.map((t) => t[k]))])) as unknown as PhaseTimings;
  return {
    runs: timings,
    median: medianTimings,
    wallMs: median(walls),
    guardrailsShareOfWall: median(timings.map((t, i) => t.guardrailsMs / walls[i])),
    guardrailsShareOfSynthPhase: median(timings.map((t) => t.guardrailsMs / t.synthPhaseMs)),
  };
}

async function measurePhases(
  config: string,
  repositories: number | undefined,
  configFile: string,
  workDir: string,
  app: AppCommand,
  runs: number
): Promise<Phases> {
  return {
    config,
    repositories,
    on: await measurePhaseSeries(configFile, workDir, app, runs, true),
    off: await measurePhaseSeries(configFile, workDir, app, runs, false),
  };
}

// ---------------------------------------------------------------------------------------------
// 2-4. CLI, toolchain, anchor
// ---------------------------------------------------------------------------------------------

interface CommandTiming extends Series {
  readonly command: string;
  readonly note?: string;
}

function timing(command: string, samplesMs: readonly number[], note?: string): CommandTiming {
  return { ...series(samplesMs), command, note };
}

function npx(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Command {
  // --no: never download a package that is not installed (the bench uses the pinned ones only).
  // --: without it, npm reads the command's own options (tsc's --outDir) as its config.
  return { file: "npx", args: ["--no", "--", ...args], cwd, env };
}

/** Fails when a synth did not write the example's resources. */
function expectResources(outdir: string, expected: number, what: string): void {
  const found = countResources(outdir);
  if (found !== expected) throw new Error(`${what} wrote ${found} resources, the app synth of the example ${expected}`);
}

/** The plain app (dev/bench-plain-app.ts) precompiled by tsc, as a cdktf project whose app is `node main.js`. */
async function prepareFloor(exampleOutdir: string, workDir: string): Promise<{ dir: string; compileMs: number }> {
  const dir = join(workDir, "floor");
  writePlainApp(ROOT, exampleOutdir, dir);
  // The template's tsconfig.json, without its inline source maps: the floor is the least work.
  const compile = await runChild(npx(["tsc", "--incremental", "false", "--inlineSourceMap", "false", "--inlineSources", "false"], dir, childEnv()));
  const cdktfJson = JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ ...cdktfJson, app: "node main.js" }, null, 2));
  return { dir, compileMs: compile.wallMs };
}

/**
 * `npx cdktf synth` of the example and of its floor, alternately (a run of one, then of the
 * other), so that a busy spell of the machine weighs on both sides of the ratio.
 */
async function measureCliSynthAndFloor(
  exampleOutdir: string,
  workDir: string,
  runs: number,
  exampleResources: number
): Promise<{ cliSynth: CommandTiming; floor: CommandTiming }> {
  const { dir, compileMs } = await prepareFloor(exampleOutdir, workDir);
  const cliOut = join(workDir, "cli.out");
  const floorOut = join(dir, "cdktf.out");
  const cli = npx(["cdktf", "synth", "--output", cliOut], ROOT, childEnv());
  const floor = npx(["cdktf", "synth", "--output", floorOut], dir, childEnv());
  const cliSamples: number[] = [];
  const floorSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(cliOut, { recursive: true, force: true });
    cliSamples.push((await runChild(cli)).wallMs);
    rmSync(floorOut, { recursive: true, force: true });
    floorSamples.push((await runChild(floor)).wallMs);
  }
  expectResources(cliOut, exampleResources, "npx cdktf synth");
  expectResources(floorOut, exampleResources, "the floor's cdktf synth");
  return {
    cliSynth: timing("npx cdktf synth", cliSamples, "example, CHECKPOINT_DISABLE=1, --output in a temp folder"),
    floor: timing(
      "floor: npx cdktf synth, app = node main.js (the plain app, precompiled)",
      floorSamples,
      `the example's resources and nothing else; run alternately with the line above; tsc took ${(compileMs / 1000).toFixed(1)} s beforehand`
    ),
  };
}

async function measureTypecheck(runs: number): Promise<CommandTiming> {
  const samples = await runSeries(npx(["tsc", "--noEmit"], ROOT, childEnv()), 0, runs);
  return timing("npx tsc --noEmit", samples, "incremental, as configured in tsconfig.json");
}

async function measureTests(): Promise<CommandTiming> {
  const result = await runChild({ file: "npm", args: ["test"], cwd: ROOT, env: childEnv() });
  const summary = /jest: .*$/m.exec(result.stdout)?.[0];
  return timing("npm test", [result.wallMs], summary);
}

async function measureAnchor(plainDir: string, runs: number, exampleResources: number): Promise<CommandTiming> {
  const outdir = join(plainDir, "cdktf.out");
  const samples = await runSeries(npx(["ts-node", "main.ts"], plainDir, childEnv()), 0, runs, () =>
    rmSync(outdir, { recursive: true, force: true })
  );
  expectResources(outdir, exampleResources, "the plain app under ts-node");
  return timing(
    "anchor: npx ts-node main.ts (the plain app, cdktf init style)",
    samples,
    "the example's resources as a plain cdktf app; ts-node type-checks at start-up, cdktf init's default"
  );
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

interface Target {
  readonly target: string;
  readonly measured: string;
  /** undefined: not measured in this run (size left out, --no-test). */
  readonly pass: boolean | undefined;
}

interface Results {
  readonly date: string;
  readonly options: Options;
  readonly iterations: Iterations;
  readonly machine: Machine;
  readonly loadAverage1mAtEnd: number;
  readonly appCommand: string;
  readonly appSynth: readonly AppSynth[];
  readonly phases: readonly Phases[];
  readonly coldStart: CommandTiming;
  readonly cliSynth: CommandTiming;
  readonly floor: CommandTiming;
  readonly typecheck: CommandTiming;
  readonly test: CommandTiming | undefined;
  readonly anchor: CommandTiming;
  readonly scale: ScaleResults | undefined;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const percent = (share: number): string => `${(100 * share).toFixed(1)} %`;

function target(name: string, measured: string | undefined, pass: boolean | undefined): Target {
  return { target: name, measured: measured ?? "not measured", pass: measured === undefined ? undefined : pass };
}

function evaluateTargets(r: Results): Target[] {
  const example = r.appSynth[0];
  const bySize = (n: number): AppSynth | undefined => r.appSynth.find((a) => a.repositories === n);
  const phasesAt = (n: number): Phases | undefined => r.phases.find((p) => p.repositories === n);
  const at10 = bySize(10);
  const at100 = bySize(100);
  const at300 = bySize(300);
  const guard100 = phasesAt(100);
  const cliToFloor = r.cliSynth.medianMs / r.floor.medianMs;
  const anchorSpeedup = r.anchor.medianMs / example.medianMs;
  return [
    target("App synth of the example < 0.5 s", `${seconds(example.medianMs)} s`, example.medianMs < 500),
    target("100 repositories < 3 s", at100 && `${seconds(at100.medianMs)} s`, at100 !== undefined && at100.medianMs < 3000),
    target(
      "100 repositories < 400 MiB",
      at100 && `${(at100.peakRssKiB / MiB).toFixed(0)} MiB`,
      at100 !== undefined && at100.peakRssKiB < 400 * MiB
    ),
    target(
      "Time per resource at 300 within 1.5x of at 10",
      at10 &&
        at300 &&
        `${at300.msPerResource.toFixed(2)} vs ${at10.msPerResource.toFixed(2)} ms (${ratio(at300.msPerResource, at10.msPerResource)})`,
      at10 !== undefined && at300 !== undefined && at300.msPerResource <= 1.5 * at10.msPerResource
    ),
    target("`npx cdktf synth` of the example <= 1.3x the floor", ratio(r.cliSynth.medianMs, r.floor.medianMs), cliToFloor <= 1.3),
    target(">= 4x faster than the default-style anchor (example)", `${anchorSpeedup.toFixed(2)}x faster`, anchorSpeedup >= 4),
    target(
      "Guardrails and cross-checks < 20 % of synth time at 100 repositories: of the app synth (whole process)",
      guard100 && percent(guard100.on.guardrailsShareOfWall),
      guard100 !== undefined && guard100.on.guardrailsShareOfWall < 0.2
    ),
    target(
      "… stricter reading: of the in-process synth phase (aspects + app.synth())",
      guard100 && percent(guard100.on.guardrailsShareOfSynthPhase),
      guard100 !== undefined && guard100.on.guardrailsShareOfSynthPhase < 0.2
    ),
    target(
      "… net: synth phase with the guardrails over the same without them, − 1 (A/B)",
      guard100 && percent(guard100.on.median.synthPhaseMs / guard100.off.median.synthPhaseMs - 1),
      guard100 !== undefined && guard100.on.median.synthPhaseMs / guard100.off.median.synthPhaseMs - 1 < 0.2
    ),
    target("`npm test` < 60 s", r.test && `${seconds(r.test.medianMs)} s`, r.test !== undefined && r.test.medianMs < 60_000),
    target("`tsc --noEmit` < 5 s", `${seconds(r.typecheck.medianMs)} s`, r.typecheck.medianMs < 5000),
    ...(r.scale ? scaleTargets(r.scale) : []),
  ];
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const range = (s: Series): string => `${seconds(s.minMs)}–${seconds(s.maxMs)}`;

function machineLine(m: Machine): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB memory (${m.memorySource}), node ${m.node}, ${m.platform}`;
}

function machineSection(r: Results): string {
  const mode = r.options.quick ? "quick" : "full";
  return [
    `# Benchmark, ${r.date}`,
    "",
    `Machine: ${machineLine(r.machine)}; load average (1 min) ${r.machine.loadAverage1m.toFixed(2)} at start, ` +
      `${r.loadAverage1mAtEnd.toFixed(2)} at end.`,
    `Mode: ${mode}: app synth median of ${r.iterations.appRuns} after ${r.iterations.warmups} warm-up; ` +
      `in-process phases median of ${r.iterations.phaseRuns}; cdktf synth, floor and anchor median of ${r.iterations.ratioRuns}; ` +
      `tsc and the empty-cache run median of ${r.iterations.commandRuns}. Wall times from spawn to exit (process.hrtime.bigint()); ` +
      `peak RSS and CPU time from ${r.machine.usageSource}. App command (cdktf.json): \`${r.appCommand}\`.`,
  ].join("\n");
}

/** Extra time per extra resource against the previous generated size: the fixed start-up cancels out. */
function marginalMsPerResource(sized: readonly AppSynth[], index: number): string {
  const previous = sized[index - 1];
  const current = sized[index];
  if (previous === undefined || current.resources === previous.resources) return "—";
  return ((current.medianMs - previous.medianMs) / (current.resources - previous.resources)).toFixed(2);
}

function phasesFor(r: Results, a: AppSynth): Phases | undefined {
  return r.phases.find((p) => p.repositories === a.repositories && (a.repositories !== undefined || p.config === "example"));
}

function appSynthSection(r: Results): string {
  const sized = r.appSynth.filter((a) => a.repositories !== undefined);
  const rows = r.appSynth.map((a) => {
    const p = phasesFor(r, a);
    return [
      a.config,
      a.repositories === undefined ? "1" : String(a.repositories),
      String(a.resources),
      seconds(a.medianMs),
      range(a),
      seconds(a.cpuMedianMs),
      (a.peakRssKiB / MiB).toFixed(0),
      a.msPerResource.toFixed(2),
      a.repositories === undefined ? "—" : marginalMsPerResource(sized, sized.indexOf(a)),
      p ? `${percent(p.on.guardrailsShareOfWall)} / ${percent(p.on.guardrailsShareOfSynthPhase)}` : "—",
    ];
  });
  const header = [
    "Config",
    "Repositories",
    "Resources",
    "Median (s)",
    "Min–max (s)",
    "CPU user+sys (s)",
    "Peak RSS (MiB)",
    "ms / resource",
    "Marginal ms / resource",
    "Guardrails: share of app synth / of synth phase",
  ];
  return [
    `## 1. App synth: \`${r.appCommand}\` (child process per run)`,
    "",
    table(header, rows),
    "",
    "ms / resource is the median wall time over the resources written, start-up included; the marginal column is " +
      "the extra time per extra resource from the previous generated size. The guardrails' share is their own work " +
      "(rules and cross-checks, the indexed view, the workflow parse, annotations; not the resolving of the stacks, " +
      "which synth reuses) over the whole app run (spawn to exit), and over the in-process synth phase " +
      "(the aspects plus app.synth()); medians of the phase runs below.",
  ].join("\n");
}

function phasesSection(phases: readonly Phases[]): string {
  const rows: [string, (p: PhaseSeries) => number][] = [
    ["node start-up + start-up hook", (p) => p.median.startupMs],
    ["module loading (cdktf, providers, zod, yaml, project)", (p) => p.median.moduleLoadMs],
    ["config load + validate", (p) => p.median.configLoadMs],
    ["construct building (new App, buildPlatform)", (p) => p.median.constructBuildMs],
    ["synthOrExit() before app.synth() (nothing: the check runs inside synth)", (p) => p.median.aspectsMs],
    ["… of which the guardrails' own work", (p) => p.median.guardrailsMs],
    ["app.synth() (Aspects, the guardrails' check, the write of what they resolved)", (p) => p.median.synthMs],
    ["process exit (wall − in-process)", (p) => p.wallMs - p.median.inProcessMs],
    ["**wall (parent's view)**", (p) => p.wallMs],
  ];
  const cell = (p: PhaseSeries, ms: number): string => `${ms.toFixed(0)} (${((100 * ms) / p.wallMs).toFixed(0)} %)`;
  const runs = phases.map((p) => p.on.runs.length).join("/");
  const abRows = phases.map((p) => [
    p.config,
    p.on.median.synthPhaseMs.toFixed(0),
    p.off.median.synthPhaseMs.toFixed(0),
    p.on.wallMs.toFixed(0),
    p.off.wallMs.toFixed(0),
    p.on.median.guardrailsMs.toFixed(0),
  ]);
  return [
    `### In-process phases (\`dev/bench-phases.ts\`, performance.now(), median of ${runs})`,
    "",
    table(
      ["Phase", ...phases.map((p) => `${p.config}: ms (share of wall)`)],
      rows.map(([name, value]) => [name, ...phases.map((p) => cell(p.on, value(p.on)))])
    ),
    "",
    "### Guardrails on and off (`BENCH_GUARDRAILS=off`: the check does nothing, cdktf synthesizes as usual)",
    "",
    table(["Config", "Synth phase on (ms)", "Synth phase off (ms)", "Wall on (ms)", "Wall off (ms)", "Guardrails' own work (ms)"], abRows),
    "",
    "With the guardrails on, synth writes the Terraform they resolved (after every Aspect and cdktf's preparing pass) " +
      "instead of resolving again, so the difference on − off is about their own work.",
  ].join("\n");
}

function commandsSection(r: Results, example: AppSynth): string {
  const app = timing(`app: ${r.appCommand}`, example.samplesMs, "example, from section 1 (start-up cache filled)");
  const rows = [r.cliSynth, r.floor, app, r.coldStart, r.anchor, r.typecheck, ...(r.test ? [r.test] : [])].map((c) => [
    `\`${c.command}\``,
    String(c.samplesMs.length),
    seconds(c.medianMs),
    range(c),
    c.note ?? "",
  ]);
  return [
    "## 2-4. CLI, start-up cache, toolchain and anchor",
    "",
    table(["Command", "Runs", "Median (s)", "Min–max (s)", "Note"], rows),
    "",
    `\`cdktf synth\` / floor: ${ratio(r.cliSynth.medianMs, r.floor.medianMs)}; ` +
      `anchor / app: ${ratio(r.anchor.medianMs, example.medianMs)}; ` +
      `empty-cache app / app: ${ratio(r.coldStart.medianMs, example.medianMs)}.`,
  ].join("\n");
}

function targetsSection(targets: readonly Target[]): string {
  return ["## Targets", "", targetsTable(targets)].join("\n");
}

function targetsTable(targets: readonly Target[]): string {
  const verdict = (t: Target): string => (t.pass === undefined ? "n/a" : t.pass ? "pass" : "**miss**");
  return table(
    ["Target", "Measured", "Result"],
    targets.map((t) => [t.target, t.measured, verdict(t)])
  );
}

function markdown(r: Results, targets: readonly Target[]): string {
  return [
    machineSection(r),
    targetsSection(targets),
    appSynthSection(r),
    phasesSection(r.phases),
    commandsSection(r, r.appSynth[0]),
    ...(r.scale ? [scaleSection(r.scale)] : []),
  ].join("\n\n");
}

function writeResults(r: Results, targets: readonly Target[], md: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "latest.md"), `${md}\n`);
  writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify({ ...r, targets }, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function measureAll(options: Options, tmp: string): Promise<Results> {
  const iterations = iterationsFor(options);
  const app = appCommand();
  const probe = await usageProbe(tmp);
  const startMachine = machine(probe.source);
  const appSynth: AppSynth[] = [];
  const phases: Phases[] = [];

  log(`app synth of the example (${iterations.appRuns} runs after ${iterations.warmups} warm-up): ${app.text}`);
  appSynth.push(
    await measureAppSynth("example (platform.yaml)", undefined, EXAMPLE_CONFIG, join(tmp, "example"), app, probe, iterations)
  );
  log("phases of the example, guardrails on and off");
  phases.push(await measurePhases("example", undefined, EXAMPLE_CONFIG, join(tmp, "example"), app, iterations.phaseRuns));
  for (const size of options.sizes) {
    log(`app synth of ${size} generated repositories, then its phases`);
    const dir = join(tmp, `size-${size}`);
    mkdirSync(dir, { recursive: true });
    const configFile = writeGeneratedConfig(dir, size);
    appSynth.push(await measureAppSynth(`generated`, size, configFile, dir, app, probe, iterations));
    phases.push(await measurePhases(`${size} repositories`, size, configFile, dir, app, iterations.phaseRuns));
  }
  log("the example with an empty start-up cache (as after npm ci)");
  const coldStart = await measureColdStart(tmp, app, iterations.commandRuns);

  const exampleResources = appSynth[0].resources;
  const exampleOutdir = join(tmp, "example", "cdktf.out");
  const plainDir = join(tmp, "plain-app");
  writePlainApp(ROOT, exampleOutdir, plainDir);
  log("npx cdktf synth of the example, and of its floor (the plain app compiled by tsc), alternately");
  const { cliSynth, floor } = await measureCliSynthAndFloor(exampleOutdir, tmp, iterations.ratioRuns, exampleResources);
  log("anchor: npx ts-node main.ts of the plain app");
  const anchor = await measureAnchor(plainDir, iterations.ratioRuns, exampleResources);
  log("npx tsc --noEmit");
  const typecheck = await measureTypecheck(iterations.commandRuns);
  let test: CommandTiming | undefined;
  if (options.test) {
    log("npm test");
    test = await measureTests();
  }
  const scale = options.scale === "with" ? await measureScale(scaleTools(probe, app), tmp, { pr: options.prSizes, synth: options.synthSizes }) : undefined;

  return {
    date: new Date().toISOString(),
    options,
    iterations,
    machine: startMachine,
    loadAverage1mAtEnd: loadavg()[0],
    appCommand: app.text,
    appSynth,
    phases,
    coldStart,
    cliSynth,
    floor,
    typecheck,
    test,
    anchor,
    scale,
  };
}

/** What dev/bench-scale.ts runs its children with: this bench's runner, environment and usage probe. */
function scaleTools(probe: UsageProbe, app: AppCommand): ScaleTools {
  return {
    root: ROOT,
    run: runChild,
    env: childEnv,
    appWithUsage: (usageFile) => probe.command(app, usageFile),
    readPeakRssKiB: (usageFile) => probe.read(usageFile).maxRssKiB,
    log,
  };
}

/** `--scale`: only the organisation-scale part, with the machine line and its targets. */
async function scaleOnly(options: Options, tmp: string): Promise<{ md: string; json: unknown }> {
  const probe = await usageProbe(tmp);
  const startMachine = machine(probe.source);
  const scale = await measureScale(scaleTools(probe, appCommand()), tmp, { pr: options.prSizes, synth: options.synthSizes });
  const targets = scaleTargets(scale);
  const md = [
    `# Benchmark (organisation scale only), ${new Date().toISOString()}`,
    "",
    `Machine: ${machineLine(startMachine)}; load average (1 min) ${startMachine.loadAverage1m.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end.`,
    "",
    "## Targets",
    "",
    targetsTable(targets),
    "",
    scaleSection(scale),
  ].join("\n");
  return { md, json: { date: new Date().toISOString(), options, machine: startMachine, scale, targets } };
}

function reportFailure(error: unknown): void {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
  } else if (error instanceof ChildFailure) {
    process.stderr.write(`bench: failed: ${error.message}\n${error.output}\n`);
  } else {
    process.stderr.write(`bench: failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  }
}

/** On SIGINT/SIGTERM: end the running child's process group, remove the temp folder, exit. */
function cleanUpOnSignals(tmp: string): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (runningChild) killTree(runningChild);
      rmSync(tmp, { recursive: true, force: true });
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const tmp = mkdtempSync(join(tmpdir(), "platform-bench-"));
  cleanUpOnSignals(tmp);
  try {
    const options = parseOptions(argv);
    if (options.scale === "only") {
      const { md, json } = await scaleOnly(options, tmp);
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, "latest-scale.md"), `${md}\n`);
      writeFileSync(join(RESULTS_DIR, "latest-scale.json"), `${JSON.stringify(json, null, 2)}\n`);
      process.stdout.write(`${md}\n`);
      return 0;
    }
    const results = await measureAll(options, tmp);
    const targets = evaluateTargets(results);
    const md = markdown(results, targets);
    writeResults(results, targets, md);
    process.stdout.write(`${md}\n`);
    return 0;
  } catch (error) {
    reportFailure(error);
    return 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
