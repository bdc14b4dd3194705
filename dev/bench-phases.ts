/**
 * Child script of dev/bench.ts: runs main.ts itself (its run(), on the config named by
 * PLATFORM_CONFIG, written to CDKTF_OUTDIR) with timers around its steps, and prints the timings
 * as one JSON line on stdout. Nothing of main.ts is copied here: run() hands each step to the timer.
 *
 * Run with the app's start-up hook: `node --require ./dev/register.js dev/bench-phases.ts`.
 * BENCH_GUARDRAILS=off runs the same app with the guardrails' check doing nothing: plain cdktf
 * synth of the same constructs, for the with/without comparison. BENCH_CLOCK=cpu times with the
 * process's CPU time instead of the wall clock (steadier on a busy machine; startupMs is then the
 * CPU time before this script ran).
 */
import { performance as wallClock } from "node:perf_hooks";
import type { Step } from "../main";

const performance =
  process.env.BENCH_CLOCK === "cpu"
    ? {
        now(): number {
          const { user, system } = process.cpuUsage();
          return (user + system) / 1000;
        },
      }
    : wallClock;

/** Milliseconds spent in each phase, in the order they run. */
export interface PhaseTimings {
  /** Node start-up and the start-up hook: performance.now() counts from process start. */
  readonly startupMs: number;
  /** Loading main.ts's modules: cdktf, the providers' deep paths, zod, yaml, the project. */
  readonly moduleLoadMs: number;
  /** Reading, parsing and validating the config (run()'s "load" step). */
  readonly configLoadMs: number;
  /** Reading the inventory, then run()'s "build" step: new App(), buildPlatform(), attachGuardrails(). */
  readonly constructBuildMs: number;
  /** run()'s "synth" step (synthOrExit()) before app.synth(): nothing since the guardrails check inside synth (about 0). */
  readonly aspectsMs: number;
  /** app.synth(): preparing, the Aspects, the guardrails' check (which resolves each stack once, for the write to reuse), validating and writing cdk.tf.json. */
  readonly synthMs: number;
  /** aspectsMs + synthMs: what cdktf calls synthesis, from the constructs to the files. */
  readonly synthPhaseMs: number;
  /**
   * The guardrails' own work, part of synthMs: rules and cross-checks, the indexed view, the
   * workflow parse, annotations. It excludes resolving the stacks' Terraform, which synth would do
   * anyway and reuses (0 with BENCH_GUARDRAILS=off).
   */
  readonly guardrailsMs: number;
  /** From process start to the end of synthOrExit(). */
  readonly inProcessMs: number;
}

type Fn = (...args: any[]) => any;

/** Replaces `owner[name]` with a wrapper calling `around(original, this, args)`. */
function wrap<T extends object>(owner: T, name: keyof T & string, around: (original: Fn, self: unknown, args: unknown[]) => unknown): void {
  const original = owner[name] as unknown as Fn;
  (owner as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    return around(original, this, args);
  };
}

function main(): void {
  const started = performance.now();
  // app.synth(), inside run()'s "synth" step.
  const marks = { synthStart: 0, synthEnd: 0 };
  const steps: Partial<Record<Step, { start: number; end: number }>> = {};
  let visitMs = 0;
  let resolveInVisitMs = 0;
  let inVisit = false;

  const timedCall = (original: Fn, self: unknown, args: unknown[], before: () => void, after: () => void): unknown => {
    before();
    try {
      return original.apply(self, args);
    } finally {
      after();
    }
  };

  // Loaded after the clock started: loading them is most of the moduleLoad phase (main.ts imports
  // the rest). Only prototypes are wrapped here; main.ts's steps are timed through run().
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, TerraformStack } = require("cdktf") as typeof import("cdktf");
  const { GuardrailsAspect } = require("../guardrails/aspect") as typeof import("../guardrails/aspect");
  const { run } = require("../main") as typeof import("../main");
  /* eslint-enable @typescript-eslint/no-require-imports */

  wrap(App.prototype, "synth", (original, self, args) =>
    timedCall(original, self, args, () => (marks.synthStart = performance.now()), () => (marks.synthEnd = performance.now()))
  );
  if (process.env.BENCH_GUARDRAILS === "off") {
    // No findings and no view to reuse: synth resolves and writes each stack as plain cdktf does.
    GuardrailsAspect.prototype.check = () => ({ errors: [], view: { terraform: () => undefined } as never });
  } else {
    wrap(GuardrailsAspect.prototype, "check", (original, self, args) => {
      const start = performance.now();
      inVisit = true;
      try {
        return original.apply(self, args);
      } finally {
        inVisit = false;
        visitMs += performance.now() - start;
      }
    });
    wrap(TerraformStack.prototype, "toTerraform", (original, self, args) => {
      if (!inVisit) return original.apply(self, args);
      const start = performance.now();
      try {
        return original.apply(self, args);
      } finally {
        resolveInVisitMs += performance.now() - start;
      }
    });
  }

  run({
    around: (name, step) => {
      const times = (steps[name] = { start: performance.now(), end: 0 });
      try {
        return step();
      } finally {
        times.end = performance.now();
      }
    },
  });
  const { load, synth } = steps as Required<typeof steps>;

  const aspectsMs = marks.synthStart - synth.start;
  const synthMs = marks.synthEnd - marks.synthStart;
  const timings: PhaseTimings = {
    startupMs: started,
    // The modules required above, main.ts's other imports, run() up to its "load" step.
    moduleLoadMs: load.start - started,
    configLoadMs: load.end - load.start,
    constructBuildMs: synth.start - load.end,
    aspectsMs,
    synthMs,
    synthPhaseMs: aspectsMs + synthMs,
    guardrailsMs: visitMs - resolveInVisitMs,
    inProcessMs: synth.end,
  };
  process.stdout.write(`${JSON.stringify(timings)}\n`);
}

if (require.main === module) main();
