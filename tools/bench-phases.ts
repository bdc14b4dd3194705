/**
 * Child script of tools/bench.ts: does what main.ts does (load the config named by
 * PLATFORM_CONFIG, buildPlatform, synthOrExit: the guardrail aspects, then app.synth() into
 * CDKTF_OUTDIR), timing each phase with performance.now(), and prints the timings as one JSON
 * line on stdout. Keep it in step with main.ts.
 *
 * Run as `node --require sucrase/register/ts tools/bench-phases.ts`. Modules are loaded with
 * require() inside main() so that loading them is timed as its own phase.
 */
import { performance } from "node:perf_hooks";

/** Milliseconds spent in each phase, in the order they run. */
export interface PhaseTimings {
  /** Node start-up, sucrase's hook and compiling this file: performance.now() counts from process start. */
  readonly startupMs: number;
  /** Loading cdktf, the providers' deep paths, zod, yaml and the project's modules. */
  readonly moduleLoadMs: number;
  /** Reading, parsing and validating the config (loadConfigOrExit). */
  readonly configLoadMs: number;
  /** new App() and buildPlatform(). */
  readonly constructBuildMs: number;
  /** synthOrExit() before app.synth(): the guardrail aspects and their findings. */
  readonly guardrailsMs: number;
  /** app.synth(): validation, resolving tokens and writing cdk.tf.json. */
  readonly synthMs: number;
  /** From process start to the end of synthOrExit(). */
  readonly inProcessMs: number;
}

function main(): void {
  const started = performance.now();
  const { App } = require("cdktf") as typeof import("cdktf");
  const { configPathFromEnv, loadConfigOrExit } = require("../config/load") as typeof import("../config/load");
  const { buildPlatform } = require("../stacks/platform") as typeof import("../stacks/platform");
  const { synthOrExit } = require("../guardrails/report") as typeof import("../guardrails/report");
  const loaded = performance.now();

  const configFile = configPathFromEnv();
  const config = loadConfigOrExit(configFile);
  const validated = performance.now();

  const app = new App();
  buildPlatform(app, config, configFile);
  const built = performance.now();

  // synthOrExit runs the aspects, then calls app.synth(): time that call on its own.
  let synthMs = 0;
  const synth = app.synth.bind(app);
  app.synth = (): void => {
    const start = performance.now();
    synth();
    synthMs = performance.now() - start;
  };
  synthOrExit(app);
  const synthesized = performance.now();

  const timings: PhaseTimings = {
    startupMs: started,
    moduleLoadMs: loaded - started,
    configLoadMs: validated - loaded,
    constructBuildMs: built - validated,
    guardrailsMs: synthesized - built - synthMs,
    synthMs,
    inProcessMs: synthesized,
  };
  process.stdout.write(`${JSON.stringify(timings)}\n`);
}

if (require.main === module) main();
